# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_mto_product


@tagged("post_install", "-at_install")
class TestTourProgress(HttpCase):
    """The salesperson sees production and billing on the opportunity and
    the order, and has the late-production to-do."""

    def test_salesperson_sees_late_production(self):
        env = self.env
        _component, machine = make_mto_product(
            env,
            "Progress tour press",
            "Progress tour tube",
            list_price=1000.0,
            standard_price=500.0,
            taxes_id=[(6, 0, [])],
        )
        salesman = new_test_user(
            env, login="tour_progress_sales", groups="sales_team.group_sale_salesman"
        )
        env["crm.quote.authority"].create(
            {"user_id": salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        partner = env["res.partner"].create({"name": "Progress Tour Customer"})
        lead = env["crm.lead"].create(
            {
                "name": "Progress tour deal",
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": salesman.id,
            }
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "user_id": salesman.id,
                "commitment_date": datetime(2030, 1, 15, 12, 0),
                "order_line": [
                    (0, 0, {"product_id": machine.id, "product_uom_qty": 1})
                ],
            }
        )
        order.with_user(salesman).action_confirm()
        order.mrp_production_ids.date_finished = datetime(2030, 2, 1, 8, 0)
        self.assertTrue(order.mrp_production_ids.pricer_late_activity_id)
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_quote_pricer_progress_lead_tour",
            login="tour_progress_sales",
        )
        self.start_tour(
            f"/odoo/action-sale.action_orders/{order.id}",
            "crm_quote_pricer_progress_order_tour",
            login="tour_progress_sales",
        )
