# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

COVERAGE_STATES = [
    ("covered", "Covered"),
    ("over_quota", "Over Quota"),
    ("not_covered", "Not Covered"),
    ("expired", "Expired"),
]


# Kept by the addon itself (coverage, SLA clock, billing): clients read them,
# only server code (in superuser mode) writes them.
SYSTEM_FIELDS = (
    "coverage_date",
    "sla_start_date",
    "first_response_date",
    "sla_response_breached",
    "sla_resolution_breached",
    "billable_hours",
    "billing_state",
    # the plan's contract: a client picks the plan, never writes through it
    "contract_id",
)


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "crm.helpdesk.numeric.guard"]

    product_id = fields.Many2one(
        "product.product", tracking=True, index=True, check_company=True
    )
    coverage_date = fields.Date(
        default=lambda self: fields.Date.context_today(self),
        readonly=True,
        copy=False,
        index=True,
        help="Day the ticket counts against the plan's quota.",
    )
    support_plan_id = fields.Many2one(
        "helpdesk.support.plan",
        compute="_compute_support_plan_id",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', commercial_partner_id)]",
        help="Matched on creation from the customer's (commercial partner) "
        "running plans that cover the product at the ticket date. When several "
        "plans match, the winner is: a plan naming the product, then a plan "
        "naming its category, then an all-products plan; among equals the "
        "latest start date, then the oldest plan. You can change it.",
    )
    contract_id = fields.Many2one(
        related="support_plan_id.contract_id", store=True, index="btree_not_null"
    )
    coverage_state = fields.Selection(
        COVERAGE_STATES,
        compute="_compute_coverage_state",
        store=True,
        index=True,
    )
    coverage_note = fields.Char(
        compute="_compute_support_plan_id", store=True, readonly=True
    )
    tickets_remaining = fields.Integer(
        compute="_compute_remaining",
        help="Tickets left in the plan's current period (0 when unlimited).",
    )
    hours_remaining = fields.Float(
        compute="_compute_remaining",
        help="Hours left in the plan's current period (0 when unlimited).",
    )
    support_hours = fields.Float(
        string="Hours Spent",
        tracking=True,
        copy=False,
        aggregator="sum",
        help="Hours worked on the ticket: from 0 to 10,000.",
    )
    billable_hours = fields.Float(readonly=True, copy=False, aggregator="sum")
    billing_state = fields.Selection(
        [
            ("none", "Not Billable"),
            ("to_invoice", "To Invoice"),
            ("invoiced", "On Invoice"),
        ],
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    invoice_line_ids = fields.One2many(
        "account.move.line", "helpdesk_ticket_id", readonly=True, copy=False
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
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
    lead_ids = fields.One2many(
        "crm.lead", "helpdesk_ticket_id", string="Upsell Opportunities"
    )
    lead_count = fields.Integer(
        string="Opportunity Count", compute="_compute_lead_count"
    )

    # ------------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------------

    def _coverage_day(self):
        return self.coverage_date or fields.Date.context_today(self)

    def _candidate_plans(self):
        """All plans that may cover the tickets of self, in one query.

        sudo: tickets come from e-mail, portal or helpdesk users who cannot
        read plans; only the matched plan id is written on the ticket.
        """
        partners = self.commercial_partner_id | self.partner_id.commercial_partner_id
        if not partners:
            # sudo: an empty recordset, nothing is read
            return self.env["helpdesk.support.plan"].sudo()
        return (
            self.env["helpdesk.support.plan"]
            # sudo: matching only; the winner (same customer/company) is stored
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("contract_id.active", "=", True),
                    ("date_start", "!=", False),
                ]
            )
        )

    def _match_support_plan(self, candidates=None):
        """Return (plan, note) for the ticket; see support_plan_id's help."""
        self.ensure_one()
        if candidates is None:
            candidates = self._candidate_plans()
        partner = self.commercial_partner_id or self.partner_id.commercial_partner_id
        day = self._coverage_day()
        company = self.company_id or self.env.company
        plans = candidates.filtered(
            lambda p: p.partner_id == partner
            and p.company_id == company
            and p.date_start <= day
            and p._covers_product(self.product_id)
        )
        running = plans.filtered(lambda p: p._covers_date(day))
        if not running:
            # The most recently ended plan, to flag the ticket as expired.
            expired = plans.sorted(lambda p: (p.date_end, -p.id), reverse=True)
            return expired[:1].sudo(False), False
        running = running.sorted(
            lambda p: (p._match_rank(self.product_id), -p.date_start.toordinal(), p.id)
        )
        winner = running[0]
        note = False
        if len(running) > 1:
            note = self.env._(
                "%(count)s contracts cover this ticket; %(winner)s wins (a plan "
                "naming the product beats one naming its category, which beats "
                "an all-products plan; then the latest start date; then the "
                "oldest plan). Others: %(others)s.",
                count=len(running),
                winner=winner.contract_id.display_name,
                others=", ".join(running[1:].mapped("contract_id.display_name")),
            )
        return winner.sudo(False), note

    @api.depends("commercial_partner_id", "product_id", "company_id")
    def _compute_support_plan_id(self):
        candidates = self._candidate_plans()
        for ticket in self:
            plan, note = ticket._match_support_plan(candidates)
            ticket.support_plan_id = plan
            ticket.coverage_note = note

    @api.onchange("partner_id", "product_id")
    def _onchange_coverage_overlap(self):
        """Tell the user at once when several contracts cover the ticket."""
        if self.coverage_note:
            return {
                "warning": {
                    "title": self.env._("Several contracts cover this ticket"),
                    "message": self.coverage_note,
                }
            }

    @api.depends("support_plan_id", "product_id", "coverage_date")
    def _compute_coverage_state(self):
        usage = self._prior_usage_batch()
        for ticket in self:
            ticket.coverage_state = ticket._get_coverage_state(usage.get(ticket.id))

    def _prior_usage_batch(self):
        """{ticket id: (tickets, hours)} of the plan period before each ticket.

        One query for the whole batch: the tickets of the plans involved in
        the span of their periods; "before" means created earlier (lower id).
        """
        result = {}
        spans = {}
        for ticket in self:
            # sudo: plan period dates only, to count usage; no plan data is returned
            plan = ticket.support_plan_id.sudo()
            if not plan or not plan.date_start:
                continue
            p_start, p_end = plan._get_period(ticket._coverage_day())
            if not p_start:
                continue
            low, high = spans.get(plan.id, (p_start, p_end))
            spans[plan.id] = (min(low, p_start), max(high, p_end))
        if not spans:
            return result
        others = (
            # sudo: other tickets of the plan are counted, never returned
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(
                [
                    ("support_plan_id", "in", list(spans)),
                    ("coverage_date", ">=", min(s[0] for s in spans.values())),
                    ("coverage_date", "<=", max(s[1] for s in spans.values())),
                ],
                ["support_plan_id", "coverage_date", "support_hours"],
            )
        )
        by_plan = {}
        for other in others:
            by_plan.setdefault(other.support_plan_id.id, []).append(other)
        for ticket in self:
            # sudo: plan period dates only; the result is a count and a sum of hours
            plan = ticket.support_plan_id.sudo()
            if plan.id not in spans:
                continue
            p_start, p_end = plan._get_period(ticket._coverage_day())
            own_id = ticket.id if isinstance(ticket.id, int) else None
            count, hours = 0, 0.0
            for other in by_plan.get(plan.id, []):
                if (
                    p_start <= other.coverage_date <= p_end
                    and other.id != own_id
                    and (own_id is None or other.id < own_id)
                ):
                    count += 1
                    hours += other.support_hours
            result[ticket.id] = (count, hours)
        return result

    def _prior_usage(self):
        """Tickets and hours of the plan's period created before this ticket."""
        self.ensure_one()
        return self._prior_usage_batch().get(self.id, (0, 0.0))

    def _get_coverage_state(self, usage=None):
        self.ensure_one()
        # sudo: coverage is shown to every reader of the ticket (helpdesk and
        # portal users) without granting them the plan itself.
        plan = self.support_plan_id.sudo()
        day = self._coverage_day()
        if not plan or not plan.date_start or day < plan.date_start:
            return "not_covered"
        if not plan.contract_id.active or not plan._covers_date(day):
            return "expired"
        if not plan._covers_product(self.product_id):
            return "not_covered"
        count, hours = usage if usage is not None else self._prior_usage()
        if (plan.ticket_quota and count >= plan.ticket_quota) or (
            plan.hour_quota and hours >= plan.hour_quota
        ):
            return "over_quota"
        return "covered"

    @api.depends("support_plan_id", "coverage_state")
    def _compute_remaining(self):
        today = fields.Date.context_today(self)
        # sudo: remaining quota is a number on the ticket; the plan stays hidden
        usage = self.support_plan_id.sudo()._usage_batch(today)
        for ticket in self:
            # sudo: quotas read to compute the remaining numbers only
            plan = ticket.support_plan_id.sudo()
            tickets = hours = 0
            if plan and plan._covers_date(today):
                count, used = usage.get(plan.id, (0, 0.0))
                if plan.ticket_quota:
                    tickets = max(plan.ticket_quota - count, 0)
                if plan.hour_quota:
                    hours = max(plan.hour_quota - used, 0.0)
            ticket.tickets_remaining = tickets
            ticket.hours_remaining = hours

    @api.constrains("support_plan_id", "partner_id")
    def _check_support_plan_partner(self):
        for ticket in self:
            # sudo: a consistency check; only its verdict leaves this method
            plan = ticket.support_plan_id.sudo()
            if plan and plan.partner_id != ticket.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s: the support plan %(plan)s belongs to "
                        "another customer.",
                        ticket=ticket.display_name,
                        plan=plan.display_name,
                    )
                )

    @api.constrains("company_id", "product_id", "support_plan_id")
    def _check_company_links(self):
        """helpdesk.ticket has no _check_company_auto: check our links here."""
        self._check_company(["product_id", "support_plan_id"])

    # ------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------

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

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _check_system_fields(self, vals_list, create=False):
        """SYSTEM_FIELDS are written by server code only (superuser mode).

        Neither values nor context defaults from a client may set them: a
        backdated coverage date or a hand-set billing state would move a
        ticket out of its quota or bill it again.
        """
        if self.env.su:
            return
        given = {name for vals in vals_list for name in vals if name in SYSTEM_FIELDS}
        if create:
            context = self.env.context
            given |= {name for name in SYSTEM_FIELDS if f"default_{name}" in context}
        if given:
            raise UserError(
                self.env._(
                    "These ticket fields are kept by the system and cannot be "
                    "set: %(fields)s.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(given)
                    ),
                )
            )

    def _stage_from_vals(self, value):
        """The stage a write asks for, or a clear error for a malformed id."""
        Stage = self.env["helpdesk.ticket.stage"]
        if isinstance(value, models.BaseModel) and value._name == Stage._name:
            value = value.id if len(value) == 1 else None
        elif isinstance(value, tuple) and value:
            value = value[0]  # an (id, name) pair, as the ORM accepts
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(
                self.env._(
                    "The stage must be given by the id of an existing stage, "
                    "not %(value)s.",
                    value=value,
                )
            )
        stage = Stage.browse(value).exists()
        if not stage:
            raise UserError(
                self.env._("The stage with id %(id)s does not exist.", id=value)
            )
        return stage

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._check_system_fields(vals_list, create=True)
        tickets = super().create(vals_list)
        for ticket in tickets.filtered("coverage_note"):
            ticket.message_post(body=ticket.coverage_note)
        tickets._check_upsell_rules()
        return tickets

    def write(self, vals):
        self._check_system_fields([vals])
        stage = self.env["helpdesk.ticket.stage"]
        if vals.get("stage_id") not in (None, False):
            stage = self._stage_from_vals(vals["stage_id"])
            vals = dict(vals, stage_id=stage.id)
        res = super().write(vals)
        if stage and not stage.closed:
            # sudo: a timestamp of the tickets the user has just moved
            self.filtered(lambda t: not t.first_response_date).sudo().write(
                {"first_response_date": fields.Datetime.now()}
            )
        if stage.closed:
            self._action_close()
        return res

    def message_post(self, **kwargs):
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
    # Billing
    # ------------------------------------------------------------------

    def _get_billable_hours(self, usage=None):
        """usage: (tickets, hours) of _prior_usage_batch, to skip the query."""
        self.ensure_one()
        hours = self.support_hours
        if hours <= 0:
            return 0.0
        if self.coverage_state != "covered":
            return hours
        # sudo: the hour quota only; returns a number of hours
        plan = self.support_plan_id.sudo()
        if not plan.hour_quota:
            return 0.0
        _count, prior = usage if usage is not None else self._prior_usage()
        return min(hours, max(prior + hours - plan.hour_quota, 0.0))

    def _action_close(self):
        """The tickets entered a closed stage: SLA flags, then billing.

        Only a stage that bills on close (done, solved) bills, and a ticket
        is billed once: moving it on to another closed stage, or closing it
        again after a reopening, never bills it twice.
        """
        self._update_sla_breach()
        billable = {}
        usage = self._prior_usage_batch()
        for ticket in self:
            if not ticket.stage_id.billable_close:
                continue
            # sudo: helpdesk users have no rights on journal items.
            if ticket.billing_state != "none" or ticket.sudo().invoice_line_ids:
                continue  # never invoiced twice
            hours = ticket._get_billable_hours(usage.get(ticket.id, (0, 0.0)))
            if hours > 0:
                billable[ticket] = hours
        to_bill = self.browse([ticket.id for ticket in billable])
        to_bill._check_billing_links()
        for ticket, hours in billable.items():
            # sudo: bookkeeping of a ticket the caller closes (checked above)
            ticket.sudo().billable_hours = hours
        to_bill._create_billable_lines()

    def _check_billing_links(self):
        """Billing acts only within the ticket's company and the caller's rights.

        Runs before billing elevates its rights: the ticket, its plan and
        its contract share one company, and the user closing the tickets
        may write them and read their plan.
        """
        if not self:
            return
        for ticket in self:
            # sudo: only the companies of the plan and contract are compared
            plan = ticket.support_plan_id.sudo()
            companies = plan.company_id | plan.contract_id.company_id
            if plan and companies != ticket.company_id:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot be billed: its support plan "
                        "belongs to another company.",
                        ticket=ticket.display_name,
                    )
                )
        if not self.env.su:
            self.check_access("write")
            self.support_plan_id.check_access("read")
        elif self.env.user.share:
            # helpdesk_mgmt's portal closing runs in superuser mode on the
            # ticket id it is given: bill only tickets of that portal user
            self.with_user(self.env.user).check_access("read")

    def _prepare_billable_line(self):
        self.ensure_one()
        company = self.company_id
        # sudo: plan product and rate go on a draft line that billing reviews
        plan = self.support_plan_id.sudo()
        product = plan.billable_product_id or company.helpdesk_billable_product_id
        vals = {
            "name": self.env._(
                "Support: %(ticket)s (%(hours)s h)",
                ticket=self.display_name,
                hours=self.billable_hours,
            ),
            "quantity": self.billable_hours,
            "price_unit": plan.hourly_rate or company.helpdesk_hourly_rate,
            "helpdesk_ticket_id": self.id,
        }
        if product:
            vals["product_id"] = product.id
        return vals

    def _billing_contract(self):
        """The running contract that takes the line on its next invoice."""
        self.ensure_one()
        # sudo: the contract's invoicing dates, only to attach a draft line
        contract = self.contract_id.sudo()
        if (
            self.company_id.helpdesk_billing_mode != "separate"
            and contract.active
            and self.coverage_state in ("covered", "over_quota")
            and contract.recurring_next_date
        ):
            return contract
        return contract.browse()

    def _create_billable_lines(self):
        """Draft lines for billing users to review.

        sudo: closing is a helpdesk event; helpdesk users have no accounting
        rights, and they only produce draft lines that billing validates.
        """
        for ticket in self:
            if not ticket.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s has billable hours but no customer; "
                        "set the customer before closing it.",
                        ticket=ticket.display_name,
                    )
                )
            contract = ticket._billing_contract()
            line_vals = ticket._prepare_billable_line()
            if contract:
                draft = (
                    contract._get_related_invoices()
                    .filtered(
                        lambda m: m.state == "draft" and m.move_type == "out_invoice"
                    )
                    .sorted("id")[:1]
                )
                if draft:
                    draft.write({"invoice_line_ids": [Command.create(line_vals)]})
                    # sudo: the billing state of the ticket being closed
                    ticket.sudo().billing_state = "invoiced"
                else:
                    # sudo: the billing state of the ticket being closed
                    ticket.sudo().billing_state = "to_invoice"
                continue
            # sudo: a draft invoice for billing; the helpdesk user still cannot read it
            self.env["account.move"].sudo().with_company(ticket.company_id).create(
                {
                    "move_type": "out_invoice",
                    "company_id": ticket.company_id.id,
                    "partner_id": ticket.commercial_partner_id.id,
                    "invoice_origin": ticket.number,
                    "invoice_line_ids": [Command.create(line_vals)],
                }
            )
            # sudo: the billing state of the ticket being closed
            ticket.sudo().billing_state = "invoiced"

    @api.depends("invoice_line_ids")
    def _compute_invoice_count(self):
        for ticket in self:
            # sudo: a count only; opening the invoices applies the user's rights
            ticket.invoice_count = len(ticket.sudo().invoice_line_ids.move_id)

    def action_view_invoices(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        moves = self.invoice_line_ids.move_id
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"create": False}
        if len(moves) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = moves.id
        return action

    # ------------------------------------------------------------------
    # Upsell
    # ------------------------------------------------------------------

    @api.depends("lead_ids")
    def _compute_lead_count(self):
        for ticket in self:
            # sudo: a count only; opening the opportunities applies the user's rights
            ticket.lead_count = len(ticket.sudo().lead_ids)

    def _upsell_counts(self, over_keys, uncovered_keys):
        """Counts deciding the upsell rules, one grouped query per rule.

        over_keys: {(plan id, period start, period end)}, counted as the
        over-quota tickets of the plan in the period; uncovered_keys:
        {(company id, partner id, month start)}, counted as the uncovered or
        expired tickets of the customer in the company that month.
        """
        # sudo: counts only (over-quota / uncovered tickets); no ticket is returned
        Ticket = self.sudo()
        over, uncovered = {}, {}
        if over_keys:
            rows = Ticket._read_group(
                Domain("coverage_state", "=", "over_quota")
                & Domain.OR(
                    Domain("support_plan_id", "=", plan_id)
                    & Domain("coverage_date", ">=", p_start)
                    & Domain("coverage_date", "<=", p_end)
                    for plan_id, p_start, p_end in over_keys
                ),
                ["support_plan_id", "coverage_date:day"],
                ["__count"],
            )
            for plan, day, count in rows:
                day = fields.Date.to_date(day)
                for key in over_keys:
                    if key[0] == plan.id and key[1] <= day <= key[2]:
                        over[key] = over.get(key, 0) + count
        if uncovered_keys:
            rows = Ticket._read_group(
                Domain("coverage_state", "in", ("not_covered", "expired"))
                & Domain.OR(
                    Domain("company_id", "=", company_id)
                    & Domain("commercial_partner_id", "=", partner_id)
                    & Domain("coverage_date", ">=", m_start)
                    & Domain("coverage_date", "<", m_start + relativedelta(months=1))
                    for company_id, partner_id, m_start in uncovered_keys
                ),
                ["company_id", "commercial_partner_id", "coverage_date:month"],
                ["__count"],
            )
            for company, partner, month, count in rows:
                key = (company.id, partner.id, fields.Date.to_date(month))
                uncovered[key] = uncovered.get(key, 0) + count
        return over, uncovered

    def _check_upsell_rules(self):
        Lead = self.env["crm.lead"]
        over_keys, uncovered_keys = {}, {}
        for ticket in self:
            company = ticket.company_id
            day = ticket._coverage_day()
            partner = ticket.commercial_partner_id
            if ticket.coverage_state == "over_quota" and (
                company.helpdesk_upsell_over_quota
            ):
                # sudo: plan period, to key the upsell; nothing is returned
                plan = ticket.support_plan_id.sudo()
                over_keys[ticket.id] = (plan.id, *plan._get_period(day))
            if (
                ticket.coverage_state in ("not_covered", "expired")
                and company.helpdesk_upsell_uncovered
                and partner
            ):
                uncovered_keys[ticket.id] = (
                    company.id,
                    partner.id,
                    day.replace(day=1),
                )
        over_counts, uncovered_counts = self._upsell_counts(
            set(over_keys.values()), set(uncovered_keys.values())
        )
        for ticket in self:
            company = ticket.company_id
            partner = ticket.commercial_partner_id
            key = over_keys.get(ticket.id)
            if key and over_counts.get(key, 0) >= company.helpdesk_upsell_over_quota:
                # sudo: the plan's contract, to key the upsell; nothing is returned
                plan = ticket.support_plan_id.sudo()
                Lead._create_upsell(
                    f"over_quota:{plan.id}:{key[1]}",
                    "over_quota",
                    self.env._(
                        "Upsell: %(customer)s over quota on %(contract)s",
                        customer=partner.display_name,
                        contract=plan.contract_id.display_name,
                    ),
                    partner,
                    plan.contract_id,
                    ticket,
                )
            key = uncovered_keys.get(ticket.id)
            if key and (
                uncovered_counts.get(key, 0) >= company.helpdesk_upsell_uncovered
            ):
                Lead._create_upsell(
                    f"uncovered:{company.id}:{partner.id}:{key[2]}",
                    "uncovered",
                    self.env._(
                        "Upsell: %(customer)s opens tickets without coverage",
                        customer=partner.display_name,
                    ),
                    partner,
                    ticket.contract_id,
                    ticket,
                )

    def action_view_leads(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crm.crm_lead_opportunities"
        )
        action["domain"] = [("helpdesk_ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_contract(self):
        """Billing users get the contract; others its read-only coverage."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        view = False
        if not self.env.user.has_group("account.group_account_invoice"):
            view = self.env.ref(
                "crm_helpdesk_link.contract_contract_view_form_coverage"
            ).id
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.contract",
            "res_id": self.contract_id.id,
            "view_mode": "form",
            "views": [(view, "form")],
        }
