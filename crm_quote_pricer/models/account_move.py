# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError


class AccountMove(models.Model):
    _inherit = "account.move"

    pricer_sale_order_id = fields.Many2one(
        "sale.order",
        string="Approved Quote",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Quote whose invoicing plan created this down-payment invoice.",
    )

    def _pricer_check_link(self, vals):
        # the link is set by the quote's invoicing plan only (as superuser):
        # a client pointing an invoice at a quote would fake its down payment
        if "pricer_sale_order_id" in vals and not self.env.su:
            raise AccessError(
                self.env._(
                    "The approved quote of a down-payment invoice is set by the "
                    "quote's invoicing plan only."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._pricer_check_link(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._pricer_check_link(vals)
        return super().write(vals)
