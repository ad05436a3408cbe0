# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .numeric_guard import FiniteFloat

COVERAGE_STATES = [
    ("covered", "Covered"),
    ("over_quota", "Over Quota"),
    ("not_covered", "Not Covered"),
    ("expired", "Expired"),
]


class HelpdeskTicket(models.Model):
    """Coverage: the support plan that covers a ticket, and its quota."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

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
    hours_remaining = FiniteFloat(
        compute="_compute_remaining",
        help="Hours left in the plan's current period (0 when unlimited).",
    )
    support_hours = FiniteFloat(
        string="Hours Spent",
        tracking=True,
        copy=False,
        aggregator="sum",
        help="Hours worked on the ticket: from 0 to 10,000.",
    )

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
