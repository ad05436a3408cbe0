# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    pricer_margin_floor = fields.Float(
        string="Margin Floor (%)",
        help="Quote lines of this category priced below this margin are flagged.",
    )
