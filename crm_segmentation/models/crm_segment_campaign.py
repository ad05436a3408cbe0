# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmSegment(models.Model):
    """Campaigns on a segment's members: mailing list sync, mailing, call
    list, tag, leads."""

    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    # mailing.list has no company in Odoo: see _check_mailing_list_company
    mailing_list_id = fields.Many2one("mailing.list", copy=False, tracking=True)
    auto_sync_mailing_list = fields.Boolean(
        help="Sync the mailing list each time the scheduler recomputes the segment."
    )
    sync_state = fields.Selection(
        [
            ("never", "Never Synced"),
            ("ok", "Synced"),
            ("warning", "Synced with Warnings"),
            ("error", "Failed"),
        ],
        default="never",
        readonly=True,
        copy=False,
    )
    sync_message = fields.Text(readonly=True, copy=False)
    last_sync_date = fields.Datetime(readonly=True, copy=False)
    call_team_id = fields.Many2one(
        "crm.team",
        check_company=True,
        help="Members without a salesperson are spread round-robin over this "
        "team's members.",
    )
    call_activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
    )
    call_summary = fields.Char()
    apply_tag_id = fields.Many2one("res.partner.category", "Tag to Apply")

    @api.constrains("mailing_list_id", "company_id")
    def _check_mailing_list_company(self):
        """mailing.list has no company in Odoo. The rule here: a list fed by
        segments belongs to the company of those segments, and a segment of
        another company cannot feed (and so replace the subscribers of) it.
        Lists no segment feeds stay shared, as Email Marketing has them."""
        lists = self.mailing_list_id
        if not lists:
            return
        # sudo: how many companies' segments feed these lists, whatever the
        # caller reads; only that yes/no leaves this method
        all_segments = self.sudo().with_context(active_test=False)
        rows = all_segments._read_group(
            [("mailing_list_id", "in", lists.ids)],
            ["mailing_list_id"],
            ["company_id:count_distinct"],
        )
        shared = {mailing_list for mailing_list, count in rows if count > 1}
        bad = self.filtered(lambda seg: seg.mailing_list_id in shared)
        if bad:
            raise ValidationError(
                self.env._(
                    "Segment %(name)s: the chosen mailing list is fed by "
                    "segments of another company. Choose another list, or "
                    "leave it empty and Sync Mailing List creates one.",
                    name=bad[0].name,
                )
            )

    def _sync_mailing_list(self):
        """Make the list hold exactly one contact per member email, with the
        rights of the current user (the caller, or the rules' owner in the
        scheduler)."""
        self.ensure_one()
        self._check_mailing_list_company()
        List = self.env["mailing.list"]
        Contact = self.env["mailing.contact"]
        mailing_list = self.mailing_list_id
        if not mailing_list:
            mailing_list = List.create({"name": self.name})
        partners = self.member_ids.partner_id
        wanted = {}
        skipped = []
        for partner in partners:
            if partner.email_normalized:
                wanted.setdefault(partner.email_normalized, partner)
            else:
                skipped.append(partner.display_name)
        subs = self.env["mailing.subscription"].search(
            [("list_id", "=", mailing_list.id)]
        )
        present = {}
        to_unsubscribe = self.env["mailing.subscription"]
        for sub in subs:
            email = sub.contact_id.email_normalized
            if email not in wanted or email in present:
                to_unsubscribe |= sub
            else:
                present[email] = sub
        to_unsubscribe.unlink()
        vals = [
            {
                "name": partner.name,
                "email": partner.email,
                "country_id": partner.country_id.id,
                "list_ids": [Command.link(mailing_list.id)],
            }
            for email, partner in wanted.items()
            if email not in present
        ]
        Contact.create(vals)
        message = self.env._(
            "%(added)s added, %(removed)s removed, %(total)s in the list.",
            added=len(vals),
            removed=len(to_unsubscribe),
            total=len(wanted),
        )
        state = "ok"
        if skipped:
            state = "warning"
            message += "\n" + self.env._(
                "%(count)s members have no valid email and were left out: %(names)s",
                count=len(skipped),
                names=", ".join(skipped[:50]),
            )
        # sudo: sync bookkeeping on the segment, for users who may only read it
        self.sudo().write(
            {
                "mailing_list_id": mailing_list.id,
                "sync_state": state,
                "sync_message": message,
                "last_sync_date": fields.Datetime.now(),
            }
        )
        return state, message

    def _sync_mailing_list_safe(self, scheduled=False):
        """Sync errors end up on the segment (and in its chatter).

        A missing right of the caller is not a sync error: it is raised, and
        nothing is written. Only the scheduler, which acts for the rules'
        owner, records the owner's missing rights on the segment."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._sync_mailing_list()
        except (UserError, ValidationError) as error:
            if isinstance(error, AccessError):
                if not scheduled:
                    raise self._sync_rights_error() from None
                message = str(self._sync_rights_error())
            else:
                message = str(error)
            # sudo: error report on a segment the user may only read
            self.sudo().write(
                {
                    "sync_state": "error",
                    "sync_message": message,
                    "last_sync_date": fields.Datetime.now(),
                }
            )
            # sudo: the error note on a segment the user may only read
            self.sudo().message_post(
                body=self.env._("Mailing list sync failed: %(error)s", error=message)
            )
            _logger.warning(
                "Segment %s: mailing list sync failed: %s", self.id, message
            )
            return "error", message

    def _check_sync_access(self):
        """The caller may read the segment and maintain its mailing list:
        checked before anything is written, sudo bookkeeping included."""
        self.check_access("read")
        try:
            if self.mailing_list_id:
                self.mailing_list_id.check_access("write")
            else:
                self.env["mailing.list"].check_access("create")
            self.env["mailing.contact"].check_access("create")
            self.env["mailing.subscription"].check_access("unlink")
        except AccessError:
            raise self._sync_rights_error() from None
        self._check_mailing_list_company()

    def _sync_rights_error(self):
        """What a user without mailing rights reads instead of the ORM's
        technical refusal: what failed, and what to do about it."""
        group = self.env.ref(
            "mass_mailing.group_mass_mailing_user", raise_if_not_found=False
        )
        return AccessError(
            self.env._(
                "The mailing list of segment %(segment)s was not synced: "
                "%(user)s may not update mailing lists. Ask an administrator "
                "to give %(user)s the access right %(group)s, or sync the "
                "segment as a user who has it.",
                segment=self.name,
                user=self.env.user.name,
                group=group.display_name if group else self.env._("Email Marketing"),
            )
        )

    def action_sync_mailing_list(self):
        self.ensure_one()
        self._check_sync_access()
        state, message = self._sync_mailing_list_safe()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": {"ok": "success", "warning": "warning"}.get(state, "danger"),
                "title": self.env._("Mailing list"),
                "message": message,
                "sticky": state != "ok",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_mailing_list(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.list",
            "res_id": self.mailing_list_id.id,
            "view_mode": "form",
        }

    def action_open_mailing(self):
        """A new mailing whose recipients are the segment."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        context = {"default_subject": self.name, "default_name": self.name}
        if self.mailing_list_id:
            context.update(
                default_mailing_model_id=self.env["ir.model"]._get_id("mailing.list"),
                default_contact_list_ids=[self.mailing_list_id.id],
            )
        else:
            context.update(
                default_mailing_model_id=self.env["ir.model"]._get_id("res.partner"),
                default_mailing_domain=repr(
                    [("segment_member_ids.segment_id", "=", self.id)]
                ),
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    def action_create_call_list(self):
        """One activity per member: its salesperson, else round-robin."""
        self.ensure_one()
        activities = self._plan_call_activities(self.member_ids.partner_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s call activities planned.", count=len(activities)
                ),
            },
        }

    def _plan_call_activities(self, partners, summary=None):
        """One call activity per partner (members, or a campaign's treated
        group): its salesperson, else round-robin over the call team."""
        self.ensure_one()
        activity_type = self.call_activity_type_id or self.env.ref(
            "mail.mail_activity_data_call"
        )
        team_users = self.call_team_id.member_ids.filtered("active").sorted("id")
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        vals = []
        missing = []
        turn = 0
        for partner in partners:
            user = partner.user_id
            if not user or not user.active or user.share:
                if not team_users:
                    missing.append(partner.display_name)
                    continue
                user = team_users[turn % len(team_users)]
                turn += 1
            vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary or self.call_summary or self.name,
                    "user_id": user.id,
                    "date_deadline": today,
                }
            )
        if missing:
            raise UserError(
                self.env._(
                    "These members have no salesperson and the segment has no call "
                    "team to share them: %(names)s",
                    names=", ".join(missing[:50]),
                )
            )
        return self.env["mail.activity"].create(vals)

    def action_apply_tag(self):
        self.ensure_one()
        if not self.apply_tag_id:
            raise UserError(self.env._("Choose the tag to apply first."))
        self.member_ids.partner_id.write(
            {"category_id": [Command.link(self.apply_tag_id.id)]}
        )
        return True

    def action_create_leads(self):
        """One open lead per member of the segment, however often it runs.

        A lead goes to the member's salesperson, else to nobody, for the
        lead routing installed (territories, teams) to assign. Marketing
        users may create leads for other salespeople's customers, which
        their own lead rules refuse: the leads are created as superuser,
        once the caller's rights on this segment and on leads are checked."""
        self.ensure_one()
        self.check_access("read")
        Lead = self.env["crm.lead"]
        Lead.check_access("create")
        partners = self.member_ids.partner_id
        if not partners:
            raise UserError(self.env._("The segment has no members."))
        # A row version of the segment per run: a concurrent run of the same
        # segment waits for this one, then fails to serialize and is retried,
        # and finds these leads instead of creating them twice.
        self.env.cr.execute(
            SQL("UPDATE crm_segment SET write_date = write_date WHERE id = %s", self.id)
        )
        # context defaults come from the client: none reaches these leads
        clean = {
            k: v for k, v in self.env.context.items() if not k.startswith("default_")
        }
        # sudo: the open leads of this segment whoever's they are (the caller
        # may see only its own), and new leads for the members' salespeople,
        # whom an "own documents" salesperson cannot assign. The caller's read
        # right on this segment and create right on leads are checked above;
        # the values below come from the segment and its members only.
        all_leads = self.env(context=clean)["crm.lead"].sudo()
        existing = all_leads.search(
            [
                ("segment_id", "=", self.id),
                ("partner_id", "in", partners.ids),
                ("won_status", "!=", "won"),
            ]
        )
        company = self.company_id
        vals = []
        for partner in partners - existing.partner_id:
            user = partner.user_id
            if (
                not user
                or not user.active
                or user.share
                or company not in user.company_ids
            ):
                user = self.env["res.users"]
            vals.append(
                {
                    "name": f"{self.name}: {partner.name}",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "segment_id": self.id,
                    **({"team_id": self.call_team_id.id} if self.call_team_id else {}),
                }
            )
        leads = all_leads.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("id", "in", (leads | existing).ids)],
        }
