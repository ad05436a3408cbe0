# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class StockPicking(models.Model):
    """Delivery done: the invoicing plan's rest of the order."""

    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        # sudo: the orders behind the pickings, to run their invoicing plan
        orders = self.sudo().sale_id
        orders._pricer_on_delivered()
        return res
