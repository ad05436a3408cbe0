# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from .helpdesk_nps_campaign import NPS_CATEGORY
from .numeric_guard import FiniteFloat

HEALTH = [("good", "Good"), ("warning", "At Risk"), ("critical", "Critical")]
# The window of the SLA breaches that put a contract or a customer at risk.
BREACH_WINDOW_DAYS = 90


def support_breaches_90d(env, groupby, ids=None, companies=None):
    """{id of the tickets' ``groupby`` (contract, commercial partner): SLA
    breaches of its tickets opened in the last 90 days}, in one query; only
    ``ids`` of it, only tickets of ``companies`` when given."""
    since = fields.Datetime.now() - timedelta(days=BREACH_WINDOW_DAYS)
    domain = [("sla_breach_count", ">", 0), ("sla_start_date", ">=", since)]
    if ids is not None:
        domain.append((groupby, "in", ids))
    if companies is not None:
        domain.append(("company_id", "in", companies.ids))
    groups = (
        env["helpdesk.ticket"]
        # sudo: breaches are counted per contract or customer, no ticket is
        # shown
        .sudo()
        ._read_group(domain, [groupby], ["sla_breach_count:sum"])
    )
    return {record.id: count for record, count in groups}


class ContractContract(models.Model):
    _inherit = "contract.contract"

    support_plan_ids = fields.One2many("helpdesk.support.plan", "contract_id")
    support_plan_count = fields.Integer(compute="_compute_support_counts")
    helpdesk_ticket_ids = fields.One2many("helpdesk.ticket", "contract_id")
    helpdesk_ticket_count = fields.Integer(compute="_compute_support_counts")
    upsell_lead_ids = fields.One2many(
        "crm.lead", "support_contract_id", string="Upsell Opportunities"
    )
    upsell_lead_count = fields.Integer(
        string="Opportunity Count", compute="_compute_support_counts"
    )
    support_sla_breach_count = fields.Integer(
        string="SLA Breaches", compute="_compute_support_health"
    )
    support_hours_used = FiniteFloat(
        string="Hours Used (Period)", compute="_compute_support_health"
    )
    support_hours_included = FiniteFloat(
        string="Hours Included (Period)", compute="_compute_support_health"
    )
    support_tickets_period = fields.Integer(
        string="Tickets (Period)", compute="_compute_support_health"
    )
    support_csat_count = fields.Integer(
        string="Rated Tickets (Period)",
        compute="_compute_support_health",
        help="Tickets of the current period rated by the customer.",
    )
    support_csat_satisfied_count = fields.Integer(
        string="Satisfied Ratings (Period)", compute="_compute_support_health"
    )
    support_csat = FiniteFloat(
        string="Satisfaction % (Period)",
        compute="_compute_support_health",
        help="Share of the current period's rated tickets whose customer was "
        "satisfied (CSAT). 0 without ratings.",
    )
    support_breach_count_90d = fields.Integer(
        string="SLA Breaches (90 Days)",
        compute="_compute_support_health",
        help="SLA breaches of the contract's tickets opened in the last 90 days.",
    )
    support_nps_category = fields.Selection(
        NPS_CATEGORY,
        string="Customer NPS",
        compute="_compute_support_health",
        help="The last NPS answer of the customer or one of its contacts.",
    )
    support_health = fields.Selection(
        HEALTH,
        compute="_compute_support_health",
        help="Critical: SLA breaches, hours beyond the included ones, or "
        "fewer than half of the rated tickets satisfied in the current "
        "period. At risk: over 80% of the hours or tickets used, fewer "
        "than 80% of the rated tickets satisfied, a customer whose last NPS "
        "answer is a detractor's, or more SLA breaches in the last 90 days "
        "than the company allows.",
    )

    def _support_dates(self):
        """(start, end) of the contract as support plans and checks see it.

        With line-level recurrence OCA hides the contract's own start date,
        which defaults to the day the contract was created, and computes the
        end date from the lines: the start is then the earliest line start.
        """
        self.ensure_one()
        start = self.date_start
        if self.line_recurrence:
            starts = [
                line.date_start
                for line in self.contract_line_ids
                if line.date_start and not line.display_type
            ]
            start = min(starts, default=start)
        return start, self.date_end

    @api.constrains("date_start", "date_end", "line_recurrence")
    def _check_support_dates(self):
        """A contract that carries support plans cannot end before its
        support starts.

        The start is the contract's own with contract-level recurrence, and
        the earliest line start with line-level recurrence (the contract's
        start is then hidden and left at the day it was created). Contracts
        without plans keep OCA's rules, which accept an end date before the
        start as a termination.
        """
        # sudo: plans are counted, to know whether the check applies
        for contract in self.filtered(lambda c: c.sudo().support_plan_ids):
            start, end = contract._support_dates()
            if start and end and end < start:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s ends (%(end)s) before it starts "
                        "(%(start)s).",
                        contract=contract.display_name,
                        end=end,
                        start=start,
                    )
                )

    def _compute_support_counts(self):
        # Counts what the user may read; no count at all without read access.
        can_tickets = self.env["helpdesk.ticket"].has_access("read")
        can_leads = self.env["crm.lead"].has_access("read")
        for contract in self:
            contract.support_plan_count = len(contract.support_plan_ids)
            contract.helpdesk_ticket_count = (
                len(contract.helpdesk_ticket_ids) if can_tickets else 0
            )
            contract.upsell_lead_count = (
                len(contract.upsell_lead_ids) if can_leads else 0
            )

    def _support_nps_categories(self):
        """{commercial partner id: NPS category of the last answer of the
        partner or one of its contacts}, in one query."""
        partners = (
            self.env["res.partner"]
            # sudo: the customers' NPS category, a summary for the health
            .sudo()
            .search_fetch(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("nps_category", "!=", False),
                ],
                ["commercial_partner_id", "nps_category", "nps_date"],
                order="nps_date desc, id desc",
            )
        )
        last = {}
        for partner in partners:
            last.setdefault(partner.commercial_partner_id.id, partner.nps_category)
        return last

    def _compute_support_health(self):
        today = fields.Date.context_today(self)
        # sudo: health is a summary; it must not depend on who reads it.
        usage = self.sudo().support_plan_ids._usage_batch(today)
        breaches_90d = support_breaches_90d(self.env, "contract_id", self.ids)
        nps = self._support_nps_categories()
        for contract in self:
            # sudo: plan figures are only aggregated into the health fields
            plans = contract.sudo().support_plan_ids.filtered(
                lambda p, d=today: p._covers_date(d)
            )
            tickets = hours = included = ticket_quota = breaches = 0
            rated = satisfied = 0
            for plan in plans:
                count, used = usage.get(plan.id, (0, 0.0))
                tickets += count
                hours += used
                included += plan.hour_quota
                ticket_quota += plan.ticket_quota
                p_start, p_end = plan._get_period(today)
                period_tickets = plan.ticket_ids.filtered(
                    lambda t, s=p_start, e=p_end: s <= t.coverage_date <= e
                )
                breaches += sum(period_tickets.mapped("sla_breach_count"))
                answers = period_tickets.filtered("csat_rating").mapped("csat_rating")
                rated += len(answers)
                satisfied += answers.count("satisfied")
            contract.support_tickets_period = tickets
            contract.support_hours_used = hours
            contract.support_hours_included = included
            contract.support_sla_breach_count = breaches
            contract.support_csat_count = rated
            contract.support_csat_satisfied_count = satisfied
            csat = 100.0 * satisfied / rated if rated else 0.0
            contract.support_csat = csat
            recent = breaches_90d.get(contract.id, 0)
            category = nps.get(contract.commercial_partner_id.id, False)
            contract.support_breach_count_90d = recent
            contract.support_nps_category = category
            threshold = contract.company_id.helpdesk_health_breach_threshold
            if breaches or (included and hours > included) or (rated and csat < 50):
                health = "critical"
            elif (
                (included and hours > 0.8 * included)
                or (ticket_quota and tickets > 0.8 * ticket_quota)
                or (rated and csat < 80)
                or category == "detractor"
                or (threshold and recent > threshold)
            ):
                health = "warning"
            else:
                health = "good"
            contract.support_health = health

    def _recurring_create_invoice(self, date_ref=False):
        """Billable ticket hours waiting for the contract's next invoice."""
        moves = super()._recurring_create_invoice(date_ref=date_ref)
        if not self.env.su:
            self.check_access("read")
        pending = (
            self.env["helpdesk.ticket"]
            # sudo: billable tickets of these contracts only, turned into invoice lines
            .sudo()
            .search(
                [
                    ("contract_id", "in", self.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("billing_state", "=", "to_invoice"),
                ],
                order="id",
            )
        )
        for contract in self:
            move = (moves & contract._get_related_invoices()).filtered(
                lambda m: m.state == "draft"
            )[:1]
            if not move:
                continue
            # hours closed after the invoice's month wait for a later invoice
            tickets = pending.filtered(
                lambda t, c=contract, m=move: t.contract_id == c and t._billing_fits(m)
            )
            if not tickets:
                continue
            move.write(
                {
                    "invoice_line_ids": [
                        Command.create(t._prepare_billable_line()) for t in tickets
                    ]
                }
            )
            tickets.billing_state = "invoiced"  # pending is in superuser mode
        return moves

    @api.model
    def _cron_upsell_expiring(self):
        """Renewal opportunities for support plans ending soon."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search(
            [("helpdesk_upsell_expiry_days", ">", 0)]
        ):
            limit = today + timedelta(days=company.helpdesk_upsell_expiry_days)
            plans = self.env["helpdesk.support.plan"].search(
                [
                    ("company_id", "=", company.id),
                    ("date_end", ">=", today),
                    ("date_end", "<=", limit),
                    ("contract_id.active", "=", True),
                ]
            )
            for plan in plans:
                contract = plan.contract_id
                self.env["crm.lead"]._create_upsell(
                    f"expiry:{contract.id}:{plan.date_end}",
                    "expiry",
                    self.env._(
                        "Renewal: %(contract)s ends on %(date)s",
                        contract=contract.display_name,
                        date=plan.date_end,
                    ),
                    contract.commercial_partner_id,
                    contract,
                    plan=plan,
                    description=Markup("<p>%s</p>")
                    % self.env._(
                        "Support plan %(plan)s of contract %(contract)s ends on "
                        "%(date)s: %(days)s days or less from today.",
                        plan=plan.display_name,
                        contract=contract.display_name,
                        date=format_date(self.env, plan.date_end),
                        days=company.helpdesk_upsell_expiry_days,
                    ),
                )
        return True

    def _support_action(self, xmlid, domain, context=None):
        action = self.env["ir.actions.actions"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = context or {}
        return action

    def action_view_helpdesk_tickets(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return self._support_action(
            "helpdesk_mgmt.helpdesk_ticket_action",
            [("contract_id", "=", self.id)],
            {"create": False},
        )

    def action_view_support_plans(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return self._support_action(
            "crm_helpdesk_link.helpdesk_support_plan_action",
            [("contract_id", "=", self.id)],
            {"default_contract_id": self.id},
        )

    def action_view_upsell_leads(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return self._support_action(
            "crm.crm_lead_opportunities",
            [("support_contract_id", "=", self.id)],
            {"create": False},
        )
