# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup

from odoo import api, fields, models


class CrmLead(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.lead"

    pricer_progress_html = fields.Html(
        string="Order Progress",
        compute="_compute_pricer_progress_html",
        sanitize=False,
        help="Per confirmed order of the opportunity: its manufacturing "
        "orders (state and planned date), delivery, and what is invoiced, "
        "paid and still to invoice, in the order's currency.",
    )
    pricer_mo_late = fields.Boolean(
        string="Production Late",
        compute="_compute_pricer_progress_html",
        help="A manufacturing order of the opportunity's orders is planned "
        "to end after the date promised to the customer.",
    )

    @api.depends("order_ids.state")
    def _compute_pricer_progress_html(self):
        # the orders the user may read; their summary is computed for all
        # the leads' orders at once
        orders = self.order_ids.filtered(lambda o: o.state == "sale")
        orders.mapped("pricer_progress_html")
        for lead in self:
            sold = lead.order_ids & orders
            lead.pricer_mo_late = any(sold.mapped("pricer_mo_late"))
            lead.pricer_progress_html = (
                Markup("").join(
                    Markup("<h5>%s</h5>%s") % (order.name, order.pricer_progress_html)
                    for order in sold
                )
                if sold
                else False
            )
