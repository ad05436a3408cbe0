# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


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
