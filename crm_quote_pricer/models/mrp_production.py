# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError

# computed from the order that launched the MO, or kept by the late-plan
# to-do (mrp_production_late.py); never set by hand
BOOKKEEPING = (
    "pricer_sale_order_id",
    "pricer_partner_id",
    "pricer_late_activity_id",
    "pricer_configuration_note",
)


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    pricer_sale_order_id = fields.Many2one(
        "sale.order",
        string="Quote",
        compute="_compute_pricer_sale_order",
        store=True,
        index="btree_not_null",
    )
    pricer_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_pricer_sale_order",
        store=True,
    )

    pricer_configuration_note = fields.Text(
        string="Customer Configuration",
        readonly=True,
        copy=False,
        help="The quantities and options the customer chose on the portal, "
        "written when the order was confirmed.",
    )

    @api.depends("reference_ids.sale_ids", "sale_line_id.order_id")
    def _compute_pricer_sale_order(self):
        for production in self:
            sale = production.sale_line_id.order_id
            order = (sale or production.reference_ids.sale_ids)[:1]
            production.pricer_sale_order_id = order
            production.pricer_partner_id = order.partner_id

    def _pricer_check_bookkeeping(self, vals):
        if not self.env.su and any(f in vals for f in BOOKKEEPING):
            raise AccessError(
                self.env._(
                    "The quote and customer of a manufacturing order come from "
                    "the order that launched it and cannot be set by hand."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._pricer_check_bookkeeping(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._pricer_check_bookkeeping(vals)
        return super().write(vals)
