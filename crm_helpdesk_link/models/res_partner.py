# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models

from .contract_contract import HEALTH
from .numeric_guard import FiniteFloat


class ResPartner(models.Model):
    _inherit = "res.partner"

    support_plan_count = fields.Integer(compute="_compute_support_health")
    support_health = fields.Selection(
        HEALTH,
        compute="_compute_support_health",
        help="Worst health of the customer's running support contracts.",
    )
    support_sla_breach_count = fields.Integer(
        string="SLA Breaches", compute="_compute_support_health"
    )
    support_csat_count = fields.Integer(
        string="Rated Tickets", compute="_compute_support_health"
    )
    support_csat = FiniteFloat(
        string="Satisfaction %",
        compute="_compute_support_health",
        help="Share of the rated tickets of the customer's running contracts, "
        "in their current periods, whose customer was satisfied (CSAT).",
    )

    def _compute_support_health(self):
        order = [h[0] for h in HEALTH]
        # sudo: a summary for whoever sees the customer, no contract data.
        all_plans = (
            self.env["helpdesk.support.plan"]
            # sudo: plans of the user's companies only, summed into counts/health
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            plans = all_plans.filtered(lambda p, c=commercial: p.partner_id == c)
            contracts = plans.contract_id.filtered("active")
            partner.support_plan_count = len(plans)
            partner.support_sla_breach_count = sum(
                contracts.mapped("support_sla_breach_count")
            )
            rated = sum(contracts.mapped("support_csat_count"))
            satisfied = sum(contracts.mapped("support_csat_satisfied_count"))
            partner.support_csat_count = rated
            partner.support_csat = 100.0 * satisfied / rated if rated else 0.0
            healths = contracts.mapped("support_health")
            partner.support_health = max(healths, key=order.index) if healths else False

    def action_view_support_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crm_helpdesk_link.helpdesk_support_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
