# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class SaleOrder(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    """A confirmation or a new promised date checks the order's MOs for a
    late planned end (the to-do itself is raised by mrp.production)."""

    _inherit = "sale.order"

    def _pricer_after_confirm(self):
        res = super()._pricer_after_confirm()
        self._pricer_raise_late_activities()
        return res

    def _pricer_raise_late_activities(self):
        # sudo: the MOs of these orders, only to raise the salesperson's
        # to-do; nothing of them is returned to the user
        productions = self.env["mrp.production"].sudo()
        productions = productions.search([("pricer_sale_order_id", "in", self.ids)])
        return productions._pricer_raise_late_activities()

    def write(self, vals):
        res = super().write(vals)
        if "commitment_date" in vals:
            self._pricer_raise_late_activities()
        return res
