# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .crm_period_mixin import PERIOD_KEY
from .numeric_guard import FiniteFloat, FiniteMonetary

MANAGER = "sales_team.group_sale_manager"
# what a manager's adjustment changes, and must explain
FIGURES = ("commit_amount", "best_case_amount")
# whose forecast and for which period: fixed once submitted, for every role
SCOPE = ("user_id", "team_id", "company_id", "period_type", "date_from")


class CrmForecastSubmission(models.Model):
    """A salesperson's commit and best case for a month or a quarter, or a
    team's figure set by its manager. Once submitted, only a sales manager
    changes it, with a note that goes to the chatter."""

    _name = "crm.forecast.submission"
    _description = "Forecast Submission"
    _inherit = ["mail.thread", "crm.period.mixin"]
    _order = "date_from desc, team_id, user_id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        check_company=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Empty for the figure of the whole team, set by its manager.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        check_company=True,
        default=lambda self: self.env.user.sale_team_id,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    commit_amount = FiniteMonetary(
        string="Commit",
        tracking=True,
        help="Revenue the salesperson commits to win in the period.",
    )
    best_case_amount = FiniteMonetary(
        string="Best Case",
        tracking=True,
        help="Revenue won in the period if the open deals go well; at least "
        "the commit.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    submit_date = fields.Datetime(string="Submitted On", readonly=True, copy=False)
    submitted_commit = FiniteMonetary(
        string="Submitted Commit",
        readonly=True,
        copy=False,
        help="The commit as the salesperson submitted it, before any adjustment.",
    )
    submitted_best_case = FiniteMonetary(
        string="Submitted Best Case", readonly=True, copy=False
    )
    adjustment_note = fields.Text(
        copy=False,
        help="Why a manager changed a submitted figure: required with the change, "
        "and posted in the chatter.",
    )
    is_adjusted = fields.Boolean(
        compute="_compute_is_adjusted",
        string="Adjusted",
        help="A manager changed the figures after they were submitted.",
    )
    team_commit_rollup = FiniteMonetary(
        string="Salespeople's Commit",
        compute="_compute_rollup",
        compute_sudo=True,
        help="Sum of the team's salespeople's commits for the same period.",
    )
    team_best_case_rollup = FiniteMonetary(
        string="Salespeople's Best Case",
        compute="_compute_rollup",
        compute_sudo=True,
    )
    actual_won_revenue = FiniteMonetary(
        string="Actual Won",
        compute="_compute_accuracy",
        compute_sudo=True,
        help="Expected revenue of the opportunities won in the period.",
    )
    commit_accuracy = FiniteFloat(
        string="Actual / Commit (%)",
        compute="_compute_accuracy",
        compute_sudo=True,
        help="Won revenue of the period against the commit; 0 without a commit.",
    )
    best_case_accuracy = FiniteFloat(
        string="Actual / Best Case (%)",
        compute="_compute_accuracy",
        compute_sudo=True,
    )

    _unique_period = models.UniqueIndex(
        PERIOD_KEY,
        "There is already a forecast for this salesperson or team and period.",
    )

    def _period_no_one_error(self):
        return self.env._("A forecast is for a salesperson or a team.")

    @api.depends(
        "state",
        "commit_amount",
        "best_case_amount",
        "submitted_commit",
        "submitted_best_case",
    )
    def _compute_is_adjusted(self):
        for rec in self:
            rec.is_adjusted = rec.state == "submitted" and (
                rec.commit_amount != rec.submitted_commit
                or rec.best_case_amount != rec.submitted_best_case
            )

    @api.depends("user_id", "team_id", "company_id", "period_type", "date_from")
    def _compute_rollup(self):
        teams = self.filtered(lambda r: not r.user_id and r.team_id and r.date_from)
        sums = {}
        if teams:
            groups = self._read_group(
                [
                    ("user_id", "!=", False),
                    ("team_id", "in", teams.team_id.ids),
                    ("date_from", "in", list(set(teams.mapped("date_from")))),
                ],
                ["team_id", "company_id", "period_type", "date_from:day"],
                ["commit_amount:sum", "best_case_amount:sum"],
            )
            sums = {
                (team.id, company.id, ptype, day): (commit, best)
                for team, company, ptype, day, commit, best in groups
            }
        for rec in self:
            commit, best = (
                sums.get(
                    (rec.team_id.id, rec.company_id.id, rec.period_type, rec.date_from),
                    (0.0, 0.0),
                )
                if rec in teams
                else (0.0, 0.0)
            )
            rec.team_commit_rollup = commit or 0.0
            rec.team_best_case_rollup = best or 0.0

    @api.depends(
        "user_id",
        "team_id",
        "company_id",
        "date_from",
        "date_to",
        "commit_amount",
        "best_case_amount",
    )
    def _compute_accuracy(self):
        Target = self.env["crm.sales.target"]
        dated = self.filtered(lambda r: r.date_from and r.date_to)
        won = {}
        if dated:
            rows = Target._won_rows(
                dated.company_id,
                min(dated.mapped("date_from")),
                max(dated.mapped("date_to")),
            )
            won = Target._sum_into(dated, rows)
        for rec in self:
            actual = won.get(rec, 0.0)
            rec.actual_won_revenue = actual
            rec.commit_accuracy = Target._ratio(actual, rec.commit_amount)
            rec.best_case_accuracy = Target._ratio(actual, rec.best_case_amount)

    def _is_manager(self):
        return self.env.su or self.env.user.has_group(MANAGER)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_manager():
            for vals in vals_list:
                # a salesperson forecasts for themselves only
                if vals.get("user_id", self.env.uid) != self.env.uid:
                    raise AccessError(
                        self.env._("You can only submit your own forecast.")
                    )
        return super().create(vals_list)

    def write(self, vals):
        if (
            not self.env.su
            and any(name in vals for name in SCOPE)
            and self.filtered(lambda r: r.state == "submitted")
        ):
            raise UserError(
                self.env._(
                    "A submitted forecast keeps its salesperson, team and period: "
                    "create a new one instead."
                )
            )
        if not self._is_manager():
            if self.filtered(lambda r: r.state == "submitted"):
                raise UserError(
                    self.env._(
                        "A submitted forecast can only be changed by a sales manager."
                    )
                )
            if "user_id" in vals and vals["user_id"] != self.env.uid:
                raise AccessError(self.env._("You can only submit your own forecast."))
        elif any(name in vals for name in FIGURES):
            submitted = self.filtered(lambda r: r.state == "submitted")
            note = (vals.get("adjustment_note") or "").strip()
            if submitted and not note:
                raise UserError(
                    self.env._(
                        "Say why in the adjustment note when you change a "
                        "submitted forecast."
                    )
                )
            if submitted:
                result = super().write(vals)
                for rec in submitted:
                    rec.message_post(
                        body=self.env._(
                            "Forecast adjusted by %(user)s: %(note)s",
                            user=self.env.user.name,
                            note=note,
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
                return result
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_unless_manager(self):
        if not self._is_manager() and self.filtered(lambda r: r.state == "submitted"):
            raise UserError(
                self.env._(
                    "A submitted forecast can only be deleted by a sales manager."
                )
            )

    def action_submit(self):
        """Freeze the figures as submitted: from now on only a manager
        changes them."""
        for rec in self:
            # the submitter may write it (own, draft): checked as them
            rec.check_access("write")
            if rec.state != "draft":
                raise UserError(
                    self.env._("%(name)s is already submitted.", name=rec.display_name)
                )
            if rec.user_id and rec.user_id != self.env.user and not self._is_manager():
                raise AccessError(self.env._("You can only submit your own forecast."))
        # sudo: the submitted state and figures are bookkeeping fields, written
        # only here, for records whose write access was checked above
        for rec in self.sudo():
            rec.write(
                {
                    "state": "submitted",
                    "submit_date": fields.Datetime.now(),
                    "submitted_commit": rec.commit_amount,
                    "submitted_best_case": rec.best_case_amount,
                }
            )
        return True

    @api.constrains("commit_amount", "best_case_amount")
    def _check_best_case(self):
        for rec in self:
            if rec.best_case_amount < rec.commit_amount:
                raise ValidationError(
                    self.env._(
                        "The best case (%(best)s) cannot be below the commit "
                        "(%(commit)s).",
                        best=rec.best_case_amount,
                        commit=rec.commit_amount,
                    )
                )
