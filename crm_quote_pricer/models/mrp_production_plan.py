# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class MrpProduction(models.Model):
    """Production done: the invoicing plan's share of the order."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "mrp.production"

    def button_mark_done(self):
        res = super().button_mark_done()
        # sudo: the order behind the MOs, to run its invoicing plan only
        orders = self.sudo().pricer_sale_order_id
        orders._pricer_on_production_done()
        return res
