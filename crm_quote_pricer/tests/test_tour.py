# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_mto_product


@tagged("post_install", "-at_install")
class TestTour(HttpCase):
    def test_opportunity_to_mo_and_invoice(self):
        env = self.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        _component, machine = make_mto_product(
            env, "Tour press", "Tour tube", list_price=1000.0, standard_price=500.0
        )
        env["crm.quote.price.rule"].create(
            {
                "name": "Tour catalogue",
                "method": "list_discount",
                "percent": 5.0,
                "down_payment_percent": 20.0,
            }
        )
        salesman = new_test_user(
            env, login="tour_salesman", groups="sales_team.group_sale_salesman"
        )
        admin = env.ref("base.user_admin")
        env["crm.quote.authority"].create(
            [
                {"user_id": salesman.id, "max_discount": 5.0},
                {
                    "user_id": admin.id,
                    "max_discount": 50.0,
                    "min_margin": -50.0,
                    "allow_below_floor": True,
                    "can_approve": True,
                    "forbid_self_approval": False,
                },
            ]
        )
        partner = env["res.partner"].create({"name": "Tour Customer"})
        lead = env["crm.lead"].create(
            {"name": "Tour deal", "type": "opportunity", "partner_id": partner.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "user_id": salesman.id,
                "order_line": [
                    (0, 0, {"product_id": machine.id, "product_uom_qty": 2})
                ],
            }
        )
        order.order_line.write({"discount": 10.0, "price_unit": 1200.0})
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_quote_pricer_tour",
            login="admin",
        )
        self.assertEqual(order.state, "sale")
        line = order.order_line.filtered(lambda sol: sol.product_id == machine)
        self.assertEqual(line.price_unit, 950.0)
        self.assertTrue(order.mrp_production_ids)
        self.assertTrue(order.invoice_ids)
