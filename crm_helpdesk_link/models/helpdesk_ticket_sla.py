# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL


class HelpdeskTicket(models.Model):
    """SLA: response and resolution deadlines of the plan, and breaches."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    sla_start_date = fields.Datetime(
        string="SLA Start",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
        help="The SLA clock starts here (the ticket's arrival).",
    )
    first_response_date = fields.Datetime(readonly=True, copy=False)
    sla_response_deadline = fields.Datetime(
        string="Response Deadline",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolution Deadline",
        compute="_compute_sla_deadlines",
        store=True,
        copy=False,
    )
    sla_response_breached = fields.Boolean(
        string="Response SLA Breached", readonly=True, copy=False
    )
    sla_resolution_breached = fields.Boolean(
        string="Resolution SLA Breached", readonly=True, copy=False
    )
    sla_breach_count = fields.Integer(
        string="SLA Breaches",
        compute="_compute_sla_breach_count",
        store=True,
        aggregator="sum",
    )

    def _sla_module_installed(self):
        """helpdesk_mgmt_sla owns the SLA answer when it is installed."""
        return "helpdesk.sla" in self.env

    def _sla_calendar(self):
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
            or self.env["resource.calendar"]
        )

    def _sla_deadline(self, start, hours):
        """Working-hours deadline; plain clock hours without any calendar."""
        self.ensure_one()
        if not hours or not start:
            return False
        # sudo: working hours of the ticket's calendar; only a deadline leaves
        calendar = self._sla_calendar().sudo()
        if calendar:
            deadline = calendar.plan_hours(
                hours, pytz.utc.localize(start), compute_leaves=True
            )
            if deadline:
                return deadline.astimezone(pytz.utc).replace(tzinfo=None)
        return start + timedelta(hours=hours)

    @api.depends(
        "support_plan_id",
        "coverage_state",
        "sla_start_date",
        "team_id.resource_calendar_id",
    )
    def _compute_sla_deadlines(self):
        sla_module = self._sla_module_installed()
        for ticket in self:
            # sudo: response/resolution hours only, turned into deadlines on the ticket
            plan = ticket.support_plan_id.sudo()
            if (
                sla_module
                or not plan
                or ticket.coverage_state in ("not_covered", "expired")
            ):
                ticket.sla_response_deadline = False
                ticket.sla_resolution_deadline = False
                continue
            start = ticket.sla_start_date or fields.Datetime.now()
            ticket.sla_response_deadline = ticket._sla_deadline(
                start, plan.response_hours
            )
            ticket.sla_resolution_deadline = ticket._sla_deadline(
                start, plan.resolution_hours
            )

    @api.depends("sla_response_breached", "sla_resolution_breached")
    def _compute_sla_breach_count(self):
        for ticket in self:
            ticket.sla_breach_count = int(ticket.sla_response_breached) + int(
                ticket.sla_resolution_breached
            )

    def _update_sla_breach(self):
        now = fields.Datetime.now()
        groups = {}
        for ticket in self:
            response = ticket.sla_response_deadline and (
                (ticket.first_response_date or now) > ticket.sla_response_deadline
            )
            resolution = ticket.sla_resolution_deadline and (
                (ticket.closed_date if ticket.closed else now)
                > ticket.sla_resolution_deadline
            )
            vals = {}
            if bool(response) != ticket.sla_response_breached:
                vals["sla_response_breached"] = bool(response)
            if bool(resolution) != ticket.sla_resolution_breached:
                vals["sla_resolution_breached"] = bool(resolution)
            if vals:
                groups.setdefault(tuple(sorted(vals.items())), []).append(ticket.id)
        # One write per distinct set of flags instead of one per ticket.
        for vals, ids in groups.items():
            # sudo: SLA flags are system fields; computed from the deadlines
            self.browse(ids).sudo().write(dict(vals))

    @api.model
    def _cron_check_sla(self, batch_size=500):
        """Flag open tickets whose deadlines passed without an answer.

        Batches are locked with SKIP LOCKED so that several workers can run
        it; flags are idempotent, so a crashed run just restarts.
        """
        now = fields.Datetime.now()
        tickets = self.search(
            [
                ("closed", "=", False),
                "|",
                "&",
                ("sla_response_deadline", "<", now),
                "&",
                ("first_response_date", "=", False),
                ("sla_response_breached", "=", False),
                "&",
                ("sla_resolution_deadline", "<", now),
                ("sla_resolution_breached", "=", False),
            ],
            order="id",
        )
        in_cron = bool(self.env.context.get("cron_id"))
        remaining = len(tickets)
        for start in range(0, len(tickets), batch_size):
            batch = tickets[start : start + batch_size]
            rows = self.env.execute_query(
                SQL(
                    "SELECT id FROM helpdesk_ticket WHERE id IN %s "
                    "FOR UPDATE SKIP LOCKED",
                    tuple(batch.ids),
                )
            )
            self.browse([row[0] for row in rows])._update_sla_breach()
            remaining -= len(batch)
            if in_cron:
                self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining)
        return True

    def message_post(self, **kwargs):
        """A comment by an internal user is the ticket's first response."""
        message = super().message_post(**kwargs)
        author_users = message.author_id.with_context(active_test=False).user_ids
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and author_users
            and not author_users[0].share
        ):
            # sudo: a timestamp on tickets the author could just post on
            self.filtered(lambda t: not t.first_response_date).sudo().write(
                {"first_response_date": fields.Datetime.now()}
            )
        return message
