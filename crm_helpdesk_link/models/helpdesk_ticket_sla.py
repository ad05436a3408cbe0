# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

from .numeric_guard import MAX_HOURS, FiniteFloat
from .sla_clock import add_working_hours, working_hours_between

# Working time is fetched in windows from the earliest start: 14 days first,
# doubled until every deadline is found; beyond the last one (about four
# years) a calendar without working time falls back to clock hours.
SLA_WINDOW_DAYS = 14
SLA_WINDOW_STEPS = 7


class HelpdeskTicket(models.Model):
    """SLA: response and resolution deadlines of the plan per priority, the
    clock paused in pausing stages, warnings before a breach, and breaches."""

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
    sla_paused_hours = FiniteFloat(
        string="SLA Paused Hours",
        readonly=True,
        copy=False,
        aggregator="sum",
        help="Working hours the ticket spent in stages that pause the SLA "
        "(waiting on the customer). The resolution deadline moves by as much.",
    )
    sla_pause_start = fields.Datetime(
        string="SLA Paused Since",
        readonly=True,
        copy=False,
        help="Set while the ticket is in a stage that pauses the SLA.",
    )
    sla_response_warned = fields.Datetime(
        string="Response Warning Sent For",
        readonly=True,
        copy=False,
        help="The response deadline a warning activity was created for.",
    )
    sla_resolution_warned = fields.Datetime(
        string="Resolution Warning Sent For",
        readonly=True,
        copy=False,
        help="The resolution deadline a warning activity was created for.",
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

    def _sla_intervals(self, calendar, start, stop):
        """Working intervals of the calendar (naive UTC), global leaves out."""
        # sudo: working hours of the ticket's calendar; only deadlines leave
        intervals = calendar.sudo()._work_intervals_batch(
            pytz.utc.localize(start), pytz.utc.localize(stop)
        )[False]
        return [
            (
                i_start.astimezone(pytz.utc).replace(tzinfo=None),
                i_stop.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for i_start, i_stop, _meta in intervals
        ]

    def _sla_add_hours_batch(self, requests):
        """{key: deadline} of (key, ticket, start, hours) requests.

        Working hours of each ticket's calendar, plain clock hours without
        any calendar. One fetch of working time per calendar and window,
        whatever the number of tickets.
        """
        result = {}
        by_calendar = defaultdict(list)
        for key, ticket, start, hours in requests:
            calendar = ticket._sla_calendar()
            if calendar:
                by_calendar[calendar].append((key, start, hours))
            else:
                result[key] = start + timedelta(hours=hours)
        for calendar, pending in by_calendar.items():
            low = min(start for _key, start, _hours in pending)
            span = max(start for _key, start, _hours in pending) - low
            span += timedelta(days=SLA_WINDOW_DAYS)
            for _step in range(SLA_WINDOW_STEPS):
                intervals = self._sla_intervals(calendar, low, low + span)
                left = []
                for key, start, hours in pending:
                    deadline = add_working_hours(intervals, start, hours)
                    if deadline is None:
                        left.append((key, start, hours))
                    else:
                        result[key] = deadline
                pending = left
                if not pending:
                    break
                span *= 2
            for key, start, hours in pending:
                result[key] = start + timedelta(hours=hours)
        return result

    def _sla_working_hours_batch(self, starts, stop):
        """{ticket id: working hours from its start in ``starts`` to stop}."""
        result = {}
        by_calendar = defaultdict(list)
        for ticket in self:
            start = starts[ticket.id]
            calendar = ticket._sla_calendar()
            if calendar:
                by_calendar[calendar].append((ticket.id, start))
            else:
                result[ticket.id] = max((stop - start).total_seconds() / 3600, 0.0)
        for calendar, pending in by_calendar.items():
            low = min(start for _id, start in pending)
            if low >= stop:
                result.update((ticket_id, 0.0) for ticket_id, _start in pending)
                continue
            intervals = self._sla_intervals(calendar, low, stop)
            for ticket_id, start in pending:
                result[ticket_id] = working_hours_between(intervals, start, stop)
        return result

    @api.depends(
        "support_plan_id",
        "coverage_state",
        "priority",
        "sla_start_date",
        "sla_paused_hours",
        "team_id.resource_calendar_id",
    )
    def _compute_sla_deadlines(self):
        sla_module = self._sla_module_installed()
        requests = []
        for ticket in self:
            ticket.sla_response_deadline = False
            ticket.sla_resolution_deadline = False
            # sudo: response/resolution hours only, turned into deadlines on the ticket
            plan = ticket.support_plan_id.sudo()
            if (
                sla_module
                or not plan
                or ticket.coverage_state in ("not_covered", "expired")
            ):
                continue
            start = ticket.sla_start_date or fields.Datetime.now()
            response, resolution = plan._sla_hours(ticket.priority)
            # the first response comes before any pause (a move out of New
            # is one): paused time pushes the resolution only
            paused = max(ticket.sla_paused_hours, 0.0)
            if response:
                requests.append(
                    ((ticket, "sla_response_deadline"), ticket, start, response)
                )
            if resolution:
                requests.append(
                    (
                        (ticket, "sla_resolution_deadline"),
                        ticket,
                        start,
                        resolution + paused,
                    )
                )
        for (ticket, name), deadline in self._sla_add_hours_batch(requests).items():
            ticket[name] = deadline

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
            # a paused clock stopped when the pause began
            clock = ticket.sla_pause_start or now
            response = ticket.sla_response_deadline and (
                (ticket.first_response_date or clock) > ticket.sla_response_deadline
            )
            resolution = ticket.sla_resolution_deadline and (
                (ticket.closed_date if ticket.closed else clock)
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
                ("sla_pause_start", "=", False),
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

    # ------------------------------------------------------------------
    # Pausing stages
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        paused = tickets.filtered(
            lambda t: t.stage_id.sla_pause and not t.stage_id.closed
        )
        if paused:
            # sudo: the SLA clock of the tickets just created
            paused.sudo().write({"sla_pause_start": fields.Datetime.now()})
        return tickets

    def write(self, vals):
        if vals.get("stage_id") not in (None, False):
            stage = self._stage_from_vals(vals["stage_id"])
            # the clock is system bookkeeping: only for who may move them
            self.check_access("write")
            self._sla_track_pause(stage)
        return super().write(vals)

    def _sla_track_pause(self, stage):
        """Stop or restart the clock of the tickets moving to ``stage``.

        Runs before the move, so that a ticket closed from a pausing stage
        has its deadlines pushed before its breaches are checked. The
        paused working time of every resuming ticket is counted with one
        fetch of working time per calendar.
        """
        now = fields.Datetime.now()
        pausing = stage.sla_pause and not stage.closed
        if pausing:
            starting = self.filtered(lambda t: not t.sla_pause_start)
            if starting:
                # sudo: the SLA clock of tickets the user may move (checked)
                starting.sudo().write({"sla_pause_start": now})
            return
        resuming = self.filtered("sla_pause_start")
        if not resuming:
            return
        starts = {ticket.id: ticket.sla_pause_start for ticket in resuming}
        hours = resuming._sla_working_hours_batch(starts, now)
        # sudo: the SLA clock of tickets the user may move (checked)
        for ticket in resuming.sudo():
            ticket.write(
                {
                    # capped at the guard's bound: a pause of years must
                    # not block the move that ends it
                    "sla_paused_hours": min(
                        ticket.sla_paused_hours + hours[ticket.id], MAX_HOURS
                    ),
                    "sla_pause_start": False,
                }
            )

    # ------------------------------------------------------------------
    # Warnings before a breach
    # ------------------------------------------------------------------

    @api.model
    def _cron_sla_warning(self):
        """A to-do for the ticket's user (or team leader) when a deadline
        comes within the company's warning lead time.

        Once per ticket and deadline: the deadline warned for is stored,
        and a deadline pushed by a pause gets its own warning.
        """
        now = fields.Datetime.now()
        companies = self.env["res.company"].search(
            [("helpdesk_sla_warning_hours", ">", 0)]
        )
        if not companies:
            return True
        for kind in ("response", "resolution"):
            deadline_field = f"sla_{kind}_deadline"
            warned_field = f"sla_{kind}_warned"
            domain = Domain.OR(
                Domain("company_id", "=", company.id)
                & Domain(deadline_field, ">", now)
                & Domain(
                    deadline_field,
                    "<=",
                    now + timedelta(hours=company.helpdesk_sla_warning_hours),
                )
                for company in companies
            ) & Domain(
                [
                    ("closed", "=", False),
                    ("sla_pause_start", "=", False),
                    (f"sla_{kind}_breached", "=", False),
                ]
            )
            if kind == "response":
                domain &= Domain("first_response_date", "=", False)
            tickets = self.search(domain, order="id").filtered(
                lambda t, d=deadline_field, w=warned_field: t[w] != t[d]
            )
            tickets._sla_warn(kind)
        return True

    def _sla_warn(self, kind):
        """Warning activities for these tickets' ``kind`` deadline."""
        if not self:
            return
        deadline_field = f"sla_{kind}_deadline"
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        summary = (
            self.env._("SLA: response due soon")
            if kind == "response"
            else self.env._("SLA: resolution due soon")
        )
        vals_list = []
        for ticket in self:
            user = ticket.user_id or ticket.team_id.user_id
            if not user:
                continue
            deadline = ticket[deadline_field]
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "summary": summary,
                    "note": self.env._(
                        "The SLA deadline of this ticket is %(deadline)s.",
                        deadline=format_datetime(
                            self.env, deadline, tz=user.tz or "UTC"
                        ),
                    ),
                    "date_deadline": deadline.date(),
                }
            )
        # quick update: the activity shows in the user's activities; one
        # e-mail per warning would be noise and one query per ticket
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            vals_list
        )
        self.flush_recordset([deadline_field])
        self.env.execute_query(
            SQL(
                "UPDATE helpdesk_ticket SET %s = %s WHERE id IN %s",
                SQL.identifier(f"sla_{kind}_warned"),
                SQL.identifier(deadline_field),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset([f"sla_{kind}_warned"])
