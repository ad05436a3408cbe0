# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain

from .numeric_guard import FiniteFloat, FiniteMonetary

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
# helpdesk_mgmt's ticket priorities -> suffix of the plan's per-priority
# hours; Medium (and any other) uses the plan's own hours
PRIORITY_SUFFIX = {"0": "low", "2": "high", "3": "urgent"}


class HelpdeskSupportPlan(models.Model):
    """Entitlement attached to a contract (or one of its lines)."""

    _name = "helpdesk.support.plan"
    _description = "Support Plan"
    _inherit = ["mail.thread", "crm.helpdesk.numeric.guard"]
    _order = "date_start desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    contract_id = fields.Many2one(
        "contract.contract",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('contract_type', '=', 'sale')]",
    )
    contract_line_id = fields.Many2one(
        "contract.line",
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('contract_id', '=', contract_id)]",
        help="Optional: when set, the plan follows the dates of this line "
        "instead of those of the whole contract.",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="contract_id.commercial_partner_id",
        store=True,
        index=True,
        readonly=True,
    )
    date_start = fields.Date(compute="_compute_dates", store=True, index=True)
    date_end = fields.Date(compute="_compute_dates", store=True, index=True)
    period_type = fields.Selection(
        [("month", "Monthly"), ("quarter", "Quarterly"), ("year", "Yearly")],
        string="Quota Period",
        required=True,
        default="month",
        tracking=True,
        help="Quotas restart every period, counted from the plan's start date.",
    )
    ticket_quota = fields.Integer(
        string="Tickets per Period",
        tracking=True,
        help="Tickets included per period. 0 means no limit.",
    )
    hour_quota = FiniteFloat(
        string="Hours per Period",
        tracking=True,
        help="Support hours included per period. 0 means no limit.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Covered Products",
        check_company=True,
        help="Leave products and categories empty to cover every product.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Covered Categories",
        help="Products of these categories (and their subcategories) are covered.",
    )
    response_hours = FiniteFloat(
        tracking=True,
        help="SLA: working hours (team calendar) to the first response. 0: no SLA.",
    )
    resolution_hours = FiniteFloat(
        tracking=True,
        help="SLA: working hours (team calendar) to the resolution. 0: no SLA.",
    )
    response_hours_low = FiniteFloat(
        string="Response Hours (Low)",
        tracking=True,
        help="Working hours to the first response of a low-priority ticket. "
        "0: the plan's response hours.",
    )
    resolution_hours_low = FiniteFloat(
        string="Resolution Hours (Low)",
        tracking=True,
        help="Working hours to the resolution of a low-priority ticket. "
        "0: the plan's resolution hours.",
    )
    response_hours_high = FiniteFloat(
        string="Response Hours (High)",
        tracking=True,
        help="Working hours to the first response of a high-priority ticket. "
        "0: the plan's response hours.",
    )
    resolution_hours_high = FiniteFloat(
        string="Resolution Hours (High)",
        tracking=True,
        help="Working hours to the resolution of a high-priority ticket. "
        "0: the plan's resolution hours.",
    )
    response_hours_urgent = FiniteFloat(
        string="Response Hours (Very High)",
        tracking=True,
        help="Working hours to the first response of a very-high-priority "
        "ticket. 0: the plan's response hours.",
    )
    resolution_hours_urgent = FiniteFloat(
        string="Resolution Hours (Very High)",
        tracking=True,
        help="Working hours to the resolution of a very-high-priority ticket. "
        "0: the plan's resolution hours.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    hourly_rate = FiniteMonetary(
        string="Billable Hourly Rate",
        tracking=True,
        # a price of the contract: not for helpdesk users (docs/access.md)
        groups="crm_helpdesk_link.group_support_plan_manager,"
        "account.group_account_invoice",
        help="Rate of the hours billed outside coverage. 0: the company rate.",
    )
    billable_product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Product of the billable invoice lines. Empty: the company product.",
    )
    ticket_ids = fields.One2many("helpdesk.ticket", "support_plan_id")
    ticket_count = fields.Integer(compute="_compute_usage")
    period_start = fields.Date(string="Current Period Start", compute="_compute_usage")
    period_end = fields.Date(string="Current Period End", compute="_compute_usage")
    tickets_used = fields.Integer(compute="_compute_usage")
    hours_used = FiniteFloat(compute="_compute_usage")
    tickets_remaining = fields.Integer(compute="_compute_usage")
    hours_remaining = FiniteFloat(compute="_compute_usage")

    @api.depends(
        "contract_id.date_start",
        "contract_id.date_end",
        "contract_id.line_recurrence",
        "contract_id.contract_line_ids.date_start",
        "contract_line_id.date_start",
        "contract_line_id.date_end",
    )
    def _compute_dates(self):
        for plan in self:
            if plan.contract_line_id:
                line = plan.contract_line_id
                plan.date_start, plan.date_end = line.date_start, line.date_end
            elif plan.contract_id:
                plan.date_start, plan.date_end = plan.contract_id._support_dates()
            else:
                plan.date_start = plan.date_end = False

    def _check_contract_access(self, vals_list):
        """A plan is put on a contract the user may read, in one of the
        user's companies: the plan takes the contract's company, which the
        record rules checked before the write would not see."""
        if self.env.su:
            return
        if any("partner_id" in vals for vals in vals_list):
            # the contract's customer, shown on the plan: writing it here
            # would write the contract's customer
            raise AccessError(
                self.env._(
                    "The customer of a support plan is its contract's: change "
                    "the contract instead."
                )
            )
        ids = {
            vals["contract_id"]
            for vals in vals_list
            if isinstance(vals.get("contract_id"), int)
            and not isinstance(vals["contract_id"], bool)
        }
        if ids:
            self.env["contract.contract"].browse(ids).check_access("read")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_contract_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_contract_access([vals])
        return super().write(vals)

    @api.constrains("contract_id")
    def _check_contract_dates(self):
        self.contract_id._check_support_dates()

    @api.constrains("contract_id", "contract_line_id")
    def _check_contract_line(self):
        for plan in self:
            if plan.contract_line_id and plan.contract_line_id.contract_id != (
                plan.contract_id
            ):
                raise ValidationError(
                    self.env._(
                        "Support plan '%(plan)s': the contract line must belong "
                        "to the plan's contract.",
                        plan=plan.name,
                    )
                )

    # ------------------------------------------------------------------
    # Periods and usage
    # ------------------------------------------------------------------

    def _get_period(self, day):
        """Return (start, end) of the quota period containing ``day``.

        Periods are counted from the plan's start date, so a plan starting on
        the 15th has periods from the 15th to the 14th.
        """
        self.ensure_one()
        start = self.date_start
        if not start or not day or day < start:
            return False, False
        step = PERIOD_MONTHS[self.period_type]
        months = (day.year - start.year) * 12 + day.month - start.month
        k = months // step
        p_start = start + relativedelta(months=k * step)
        if p_start > day:
            k -= 1
            p_start = start + relativedelta(months=k * step)
        p_end = start + relativedelta(months=(k + 1) * step) - relativedelta(days=1)
        return p_start, p_end

    def _covers_date(self, day):
        self.ensure_one()
        return bool(
            self.date_start
            and self.date_start <= day
            and (not self.date_end or day <= self.date_end)
        )

    def _covers_product(self, product):
        """No product on the ticket: the product filter does not apply."""
        self.ensure_one()
        if not product or not (self.product_ids or self.product_categ_ids):
            return True
        if product in self.product_ids:
            return True
        path = product.categ_id.parent_path or ""
        return any(
            categ.parent_path and path.startswith(categ.parent_path)
            for categ in self.product_categ_ids
        )

    def _match_rank(self, product):
        """Lower is stronger: explicit product, then category, then all."""
        self.ensure_one()
        if product and product in self.product_ids:
            return 0
        if product and self.product_categ_ids:
            return 1
        return 2

    def _usage(self, day):
        """Tickets and hours consumed in the period containing ``day``."""
        self.ensure_one()
        return self._usage_batch(day).get(self.id, (0, 0.0))

    def _usage_batch(self, day):
        """{plan id: (tickets, hours)} of the periods containing ``day``.

        One query for all the plans, whatever their periods.
        """
        domains = []
        for plan in self:
            p_start, p_end = plan._get_period(day)
            if p_start and isinstance(plan.id, int):
                domains.append(
                    Domain("support_plan_id", "=", plan.id)
                    & Domain("coverage_date", ">=", p_start)
                    & Domain("coverage_date", "<=", p_end)
                )
        if not domains:
            return {}
        rows = (
            self.env["helpdesk.ticket"]
            # sudo: a count and hours per plan; no ticket leaves this method
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                Domain.OR(domains),
                ["support_plan_id"],
                ["__count", "support_hours:sum"],
            )
        )
        return {plan.id: (count, hours or 0.0) for plan, count, hours in rows}

    @api.depends("ticket_ids", "ticket_quota", "hour_quota", "period_type")
    def _compute_usage(self):
        today = fields.Date.context_today(self)
        usage = self._usage_batch(today)
        for plan in self:
            plan.ticket_count = len(plan.ticket_ids)
            p_start, p_end = plan._get_period(today) if plan.id else (False, False)
            plan.period_start = p_start
            plan.period_end = p_end
            count, hours = usage.get(plan.id, (0, 0.0))
            plan.tickets_used = count
            plan.hours_used = hours
            plan.tickets_remaining = (
                max(plan.ticket_quota - count, 0) if plan.ticket_quota else 0
            )
            plan.hours_remaining = (
                max(plan.hour_quota - hours, 0.0) if plan.hour_quota else 0.0
            )

    def _sla_hours(self, priority):
        """(response, resolution) working hours of a ticket of ``priority``:
        the priority's own hours where set, the plan's otherwise."""
        self.ensure_one()
        suffix = PRIORITY_SUFFIX.get(priority)
        response, resolution = self.response_hours, self.resolution_hours
        if suffix:
            response = self[f"response_hours_{suffix}"] or response
            resolution = self[f"resolution_hours_{suffix}"] or resolution
        return response, resolution

    def _upsell_price(self):
        """What the plan sells for: its contract line, or the contract's lines."""
        self.ensure_one()
        lines = self.contract_line_id or self.contract_id.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        )
        return sum(lines.mapped("price_subtotal"))

    def action_view_tickets(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("support_plan_id", "=", self.id)]
        action["context"] = {"default_support_plan_id": self.id}
        return action
