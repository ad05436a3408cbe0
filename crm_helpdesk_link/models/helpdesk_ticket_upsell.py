# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_date


class HelpdeskTicket(models.Model):
    """Upsell: opportunities from tickets over quota or without coverage."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    lead_ids = fields.One2many(
        "crm.lead", "helpdesk_ticket_id", string="Upsell Opportunities"
    )
    lead_count = fields.Integer(
        string="Opportunity Count", compute="_compute_lead_count"
    )

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
                description = self.env._(
                    "Ticket %(ticket)s made %(count)s tickets over the quota of "
                    "support plan %(plan)s (contract %(contract)s) in the period "
                    "from %(start)s to %(end)s. Quota per period: %(tickets)s "
                    "tickets, %(hours)s hours (0: no limit).",
                    ticket=ticket.display_name,
                    count=over_counts[key],
                    plan=plan.display_name,
                    contract=plan.contract_id.display_name,
                    start=format_date(self.env, key[1]),
                    end=format_date(self.env, key[2]),
                    tickets=plan.ticket_quota,
                    hours=plan.hour_quota,
                )
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
                    plan=plan,
                    description=Markup("<p>%s</p>") % description,
                )
            key = uncovered_keys.get(ticket.id)
            if key and (
                uncovered_counts.get(key, 0) >= company.helpdesk_upsell_uncovered
            ):
                # sudo: the plan that ended, if any, to price the opportunity
                plan = ticket.support_plan_id.sudo()
                description = self.env._(
                    "Ticket %(ticket)s is the ticket number %(count)s of "
                    "%(customer)s without coverage in %(month)s.",
                    ticket=ticket.display_name,
                    count=uncovered_counts[key],
                    customer=partner.display_name,
                    month=format_date(self.env, key[2], date_format="MMMM y"),
                )
                if plan and ticket.coverage_state == "expired" and plan.date_end:
                    description += " " + self.env._(
                        "Its support plan %(plan)s (contract %(contract)s) "
                        "ended on %(date)s.",
                        plan=plan.display_name,
                        contract=plan.contract_id.display_name,
                        date=format_date(self.env, plan.date_end),
                    )
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
                    plan=plan,
                    description=Markup("<p>%s</p>") % description,
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
