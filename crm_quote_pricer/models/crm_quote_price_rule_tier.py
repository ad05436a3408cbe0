# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .finite_values import FiniteFloat


class CrmQuotePriceRuleTier(models.Model):
    _name = "crm.quote.price.rule.tier"
    _inherit = ["crm.quote.pricer.finite"]
    _description = "Quantity Break Tier"
    _order = "rule_id, min_qty"

    rule_id = fields.Many2one(
        "crm.quote.price.rule", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    min_qty = FiniteFloat(string="From Quantity", required=True, default=0.0)
    max_qty = FiniteFloat(
        string="To Quantity",
        help="Upper bound, excluded. Leave 0 on the last tier for no upper bound.",
    )
    discount = FiniteFloat(
        string="Discount (%)",
        help="Discount on the running price for the quantity in this tier. "
        "A negative value is a surcharge.",
    )

    def write(self, vals):
        if "rule_id" in vals and any(t.rule_id.id != vals["rule_id"] for t in self):
            raise UserError(
                self.env._(
                    "A quantity tier belongs to its rule: delete it and add a "
                    "tier to the other rule instead."
                )
            )
        return super().write(vals)

    @api.constrains("min_qty", "max_qty", "discount")
    def _check_tier_values(self):
        for tier in self:
            if tier.min_qty < 0:
                raise ValidationError(
                    self.env._("A quantity tier cannot start below zero.")
                )
            if tier.max_qty and tier.max_qty <= tier.min_qty:
                raise ValidationError(
                    self.env._(
                        "A quantity tier must end above where it starts "
                        "(%(min)s - %(max)s).",
                        min=tier.min_qty,
                        max=tier.max_qty,
                    )
                )
            if tier.discount >= 100:
                raise ValidationError(
                    self.env._("A tier discount must stay below 100%.")
                )
        # constraints run as superuser and the errors below name the rule:
        # a rule the user cannot read gets the AccessError the create would
        self.rule_id.with_user(self.env.uid).check_access("read")
        self.rule_id._check_tiers()
