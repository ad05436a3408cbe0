# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

from .finite_values import FiniteFloat


class ProductCategory(models.Model):
    _name = "product.category"
    _inherit = ["product.category", "crm.quote.pricer.finite"]

    pricer_margin_floor = FiniteFloat(
        string="Margin Floor (%)",
        help="Quote lines of this category priced below this margin are flagged.",
    )
