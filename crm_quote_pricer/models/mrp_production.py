# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


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

    @api.depends("reference_ids.sale_ids", "sale_line_id.order_id")
    def _compute_pricer_sale_order(self):
        for production in self:
            sale = production.sale_line_id.order_id
            order = (sale or production.reference_ids.sale_ids)[:1]
            production.pricer_sale_order_id = order
            production.pricer_partner_id = order.partner_id
