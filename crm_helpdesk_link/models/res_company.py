# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from .numeric_guard import FiniteMonetary


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "crm.helpdesk.numeric.guard"]

    helpdesk_billing_mode = fields.Selection(
        string="Billing of Support Hours",
        selection=[
            ("contract", "On the contract's next invoice"),
            ("separate", "On a separate draft invoice"),
        ],
        default="contract",
        # not NOT NULL: the at_install tests of the modules below this one
        # create companies without knowing the column; empty means "contract"
        help="Where the billable hours of a closed ticket go. Tickets without "
        "a running contract always get a separate draft invoice.",
    )
    helpdesk_billable_product_id = fields.Many2one(
        "product.product",
        string="Billable Support Product",
        domain="[('type', '=', 'service')]",
        check_company=True,
    )
    helpdesk_hourly_rate = FiniteMonetary(
        string="Default Support Hourly Rate", currency_field="currency_id"
    )
    helpdesk_upsell_over_quota = fields.Integer(
        string="Upsell After Over-quota Tickets",
        default=3,
        help="Create an opportunity once a contract has this many over-quota "
        "tickets in one period. 0 disables the rule.",
    )
    helpdesk_upsell_uncovered = fields.Integer(
        string="Upsell After Uncovered Tickets",
        default=3,
        help="Create an opportunity once a customer opens this many uncovered "
        "or expired tickets in one month. 0 disables the rule.",
    )
    helpdesk_upsell_expiry_days = fields.Integer(
        string="Upsell Days Before Expiry",
        default=30,
        help="Create a renewal opportunity for contracts with a support plan "
        "ending within this many days. 0 disables the rule.",
    )

    helpdesk_sla_warning_hours = fields.Integer(
        string="SLA Warning Lead Time (Hours)",
        default=2,
        help="A to-do goes to the ticket's user (or the team leader) this "
        "many hours before a response or resolution deadline. 0 disables "
        "the warnings.",
    )

    helpdesk_health_breach_threshold = fields.Integer(
        string="At Risk After SLA Breaches (90 Days)",
        default=2,
        help="A contract's health is At Risk when its tickets of the last 90 "
        "days have more SLA breaches than this. 0 disables the rule.",
    )

    @api.constrains("helpdesk_billable_product_id")
    def _check_helpdesk_company_links(self):
        """res.company has no _check_company_auto: check our link here."""
        self._check_company(["helpdesk_billable_product_id"])
