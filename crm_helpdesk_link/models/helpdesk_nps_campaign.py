# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .numeric_guard import FiniteFloat

NPS_CATEGORY = [
    ("promoter", "Promoter"),
    ("passive", "Passive"),
    ("detractor", "Detractor"),
]


def nps_category_of(score):
    """Promoter 9-10, passive 7-8, detractor 0-6 (Bain's Net Promoter)."""
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"


class HelpdeskNpsCampaign(models.Model):
    """A Net Promoter survey sent to the partners of a domain.

    Each recipient gets one survey.user_input (the survey module's own
    invitation and public answer page); the campaign counts the answers."""

    _name = "helpdesk.nps.campaign"
    _description = "NPS Campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        default=lambda self: self.env.ref(
            "crm_helpdesk_link.survey_nps", raise_if_not_found=False
        ),
        help="A survey with a 0-10 scale question: the first one is the NPS question.",
    )
    partner_domain = fields.Char(
        string="Recipients",
        default="[]",
        required=True,
        help="The partners (with an e-mail address) who receive the survey.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    sent_date = fields.Datetime(readonly=True, copy=False)
    user_input_ids = fields.One2many(
        "survey.user_input", "nps_campaign_id", string="Invitations", readonly=True
    )
    recipient_count = fields.Integer(
        string="Recipients Found", compute="_compute_recipient_count"
    )
    invited_count = fields.Integer(string="Invited", compute="_compute_nps")
    answer_count = fields.Integer(string="Answers", compute="_compute_nps")
    promoter_count = fields.Integer(string="Promoters", compute="_compute_nps")
    passive_count = fields.Integer(string="Passives", compute="_compute_nps")
    detractor_count = fields.Integer(string="Detractors", compute="_compute_nps")
    nps = FiniteFloat(
        string="NPS",
        compute="_compute_nps",
        digits=(16, 1),
        help="% promoters - % detractors of the answers, from -100 to 100.",
    )

    @api.model
    def _nps_question(self, survey):
        """The survey's NPS question: its first 0-10 scale question."""
        # sudo: the survey's questions, to find the NPS one
        return survey.sudo().question_ids.filtered(
            lambda q: q.question_type == "scale"
            and q.scale_min == 0
            and q.scale_max == 10
        )[:1]

    @api.constrains("survey_id")
    def _check_survey_nps_question(self):
        for campaign in self:
            if not self._nps_question(campaign.survey_id):
                raise ValidationError(
                    self.env._(
                        "Survey %(survey)s has no 0-10 scale question to "
                        "measure the NPS.",
                        # sudo: the survey's title, for the error message
                        survey=campaign.survey_id.sudo().display_name,
                    )
                )

    def write(self, vals):
        # the answers' scores are read against the campaign's survey: a sent
        # campaign keeps its survey and company, or every stored score of
        # its invitations (and of its customers) would be recomputed away
        frozen = [name for name in ("survey_id", "company_id") if name in vals]
        if frozen:
            sent = self.filtered(lambda c: c.state == "sent")
            for name in frozen:
                if any(c[name].id != vals[name] for c in sent):
                    raise UserError(
                        self.env._(
                            "A sent NPS campaign keeps its survey and company: "
                            "create a new campaign instead."
                        )
                    )
        return super().write(vals)

    def _recipient_domain(self):
        """The partner domain, checked: a clear error for a malformed one."""
        self.ensure_one()
        domain = self._parse_recipient_domain()
        try:
            self.env["res.partner"].search_count(domain, limit=1)
        except Exception as exc:
            raise self._domain_error(exc) from exc
        return domain

    def _parse_recipient_domain(self):
        """The partner domain with an e-mail address, without running it."""
        self.ensure_one()
        try:
            domain = Domain(safe_eval(self.partner_domain or "[]"))
        except Exception as exc:
            raise self._domain_error(exc) from exc
        return domain & Domain("email", "!=", False)

    def _domain_error(self, exc):
        return UserError(
            self.env._(
                "The recipients of %(campaign)s are not a valid partner "
                "domain: %(error)s",
                campaign=self.display_name,
                error=exc,
            )
        )

    def _recipients(self):
        return self.env["res.partner"].search(self._recipient_domain())

    @api.depends("partner_domain")
    def _compute_recipient_count(self):
        """One query for all the campaigns: a count per distinct domain, as
        scalar subqueries of one SELECT. Not stored: the count follows the
        partners (new ones, e-mail addresses), not only the domain."""
        Partner = self.env["res.partner"]
        queries = {}
        for text, campaigns in self.grouped("partner_domain").items():
            try:
                queries[text] = Partner._search(campaigns[0]._parse_recipient_domain())
            except Exception:  # a malformed domain finds nobody
                continue
        counts = {
            text: len(query) for text, query in queries.items() if query.is_empty()
        }
        pending = [text for text in queries if text not in counts]
        if pending:
            row = self.env.execute_query(
                SQL(
                    "SELECT %s",
                    SQL(", ").join(
                        SQL("(%s)", queries[text].select("COUNT(*)"))
                        for text in pending
                    ),
                )
            )[0]
            counts.update(zip(pending, row, strict=True))
        for campaign in self:
            campaign.recipient_count = counts.get(campaign.partner_domain, 0)

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for campaign in self:
            campaign._recipient_domain()

    def _compute_nps(self):
        # sudo: answers are counted, none is shown
        Input = self.env["survey.user_input"].sudo()
        invited = dict(
            Input._read_group(
                [("nps_campaign_id", "in", self.ids)],
                ["nps_campaign_id"],
                ["__count"],
            )
        )
        counts = {
            (campaign.id, category): count
            for campaign, category, count in Input._read_group(
                [
                    ("nps_campaign_id", "in", self.ids),
                    ("nps_category", "!=", False),
                ],
                ["nps_campaign_id", "nps_category"],
                ["__count"],
            )
        }
        for campaign in self:
            promoters = counts.get((campaign.id, "promoter"), 0)
            passives = counts.get((campaign.id, "passive"), 0)
            detractors = counts.get((campaign.id, "detractor"), 0)
            answers = promoters + passives + detractors
            campaign.invited_count = invited.get(campaign, 0)
            campaign.answer_count = answers
            campaign.promoter_count = promoters
            campaign.passive_count = passives
            campaign.detractor_count = detractors
            campaign.nps = (
                100.0 * (promoters - detractors) / answers if answers else 0.0
            )

    def action_send(self):
        """Invite every recipient not invited yet by this campaign: one
        answer per partner, one queued e-mail each (the mail queue sends
        them; nothing is sent inside the request)."""
        self.check_access("write")
        Input = self.env["survey.user_input"]
        mails = []
        for campaign in self:
            partners = campaign._recipients()
            # sudo: invitations of this campaign, created for its recipients
            done = campaign.sudo().user_input_ids.partner_id
            partners -= done
            if not partners:
                continue
            # sudo: the campaign's survey, read to invite its recipients
            survey = campaign.survey_id.sudo()
            # sudo: survey answers are the survey module's records; the
            # campaign's managers create the invitations, not the answers
            inputs = Input.sudo().create(
                [
                    {
                        "survey_id": survey.id,
                        "partner_id": partner.id,
                        "email": partner.email,
                        "nickname": partner.name,
                        "nps_campaign_id": campaign.id,
                    }
                    for partner in partners
                ]
            )
            mails += campaign._invitation_mails(inputs)
            campaign.write({"state": "sent", "sent_date": fields.Datetime.now()})
        if mails:
            # sudo: queued e-mails; the mail queue sends them
            self.env["mail.mail"].sudo().create(mails)
        return True

    def _invitation_mails(self, inputs):
        """mail.mail values of the survey's own invitation, rendered for all
        inputs at once."""
        self.ensure_one()
        # sudo: the campaign's survey, read to render its invitation
        survey = self.survey_id.sudo()
        template = self.env.ref("survey.mail_template_user_input_invite")
        invite = (
            self.env["survey.invite"]
            # sudo: the survey module's invitation wizard renders the template
            .sudo()
            .with_context(default_survey_id=survey.id)
            .new({"survey_id": survey.id, "template_id": template.id})
        )
        author = self.env.user.partner_id
        email_from = author.email_formatted or self.company_id.email_formatted
        if not email_from:
            raise UserError(
                self.env._(
                    "Unable to send the survey: set an e-mail address on your "
                    "user or on the company."
                )
            )
        subjects = invite._render_field("subject", inputs.ids)
        bodies = invite._render_field("body", inputs.ids)
        return [
            {
                "auto_delete": True,
                "author_id": author.id,
                "email_from": email_from,
                "subject": subjects[answer.id],
                "body_html": bodies[answer.id],
                "recipient_ids": [(4, answer.partner_id.id)],
            }
            for answer in inputs
        ]

    @api.model
    def _demo_answers(self, ids):
        """Demo data: send the campaign and answer it for most recipients,
        the Gold contract's customer as a detractor."""
        campaigns = self.browse(ids)
        campaigns.action_send()
        gold = self.env.ref("base.res_partner_12", raise_if_not_found=False)
        scores = [10, 9, 8, 10, 6, 9, 7, 10, 3, 9, 8, 10, 5]
        for campaign in campaigns:
            question = self._nps_question(campaign.survey_id)
            # sudo: demo data: the campaign's own answers
            inputs = campaign.sudo().user_input_ids.sorted("id")
            for index, answer in enumerate(inputs):
                if index % 5 == 4 and answer.partner_id != gold:
                    continue  # one in five does not answer
                score = 4 if answer.partner_id == gold else scores[index % len(scores)]
                answer._save_lines(question, str(score))
                answer._mark_done()
