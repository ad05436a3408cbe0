# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

from .finite_values import FiniteFloat


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "crm.quote.pricer.finite"]

    pricer_margin_floor = FiniteFloat(
        string="Margin Floor (%)",
        help="Quote lines of this product priced below this margin are flagged.",
    )
