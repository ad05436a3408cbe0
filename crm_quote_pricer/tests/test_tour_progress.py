# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime

from odoo.tests import Form, HttpCase, new_test_user, tagged

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

    def test_billing_sees_the_milestone_draft(self):
        env = self.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        component, machine = make_mto_product(
            env,
            "Plan tour press",
            "Plan tour tube",
            list_price=1000.0,
            standard_price=500.0,
            invoice_policy="delivery",
            taxes_id=[(6, 0, [])],
        )
        env["crm.quote.price.rule"].create(
            {
                "name": "Plan tour",
                "method": "list_discount",
                "percent": 5.0,
                "down_payment_percent": 30.0,
            }
        )
        salesman = new_test_user(
            env, login="tour_plan_sales", groups="sales_team.group_sale_salesman"
        )
        new_test_user(
            env, login="tour_plan_billing", groups="account.group_account_invoice"
        )
        env["crm.quote.authority"].create(
            {"user_id": salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        partner = env["res.partner"].create({"name": "Plan Tour Customer"})
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": salesman.id,
                "order_line": [
                    (0, 0, {"product_id": machine.id, "product_uom_qty": 2})
                ],
            }
        )
        order = order.with_user(salesman)
        order.action_pricer_price()
        order.pricer_production_share = 40.0
        order.action_confirm()
        stock = env.ref("stock.stock_location_stock")
        env["stock.quant"]._update_available_quantity(component, stock, 10)
        production = order.sudo().mrp_production_ids
        production.action_assign()
        form = Form(production)
        form.qty_producing = production.product_qty
        form.save().button_mark_done()
        self.assertEqual(len(order.sudo().invoice_ids), 2)
        self.start_tour(
            "/odoo/action-crm_quote_pricer.account_move_action_pricer_to_invoice",
            "crm_quote_pricer_milestone_billing_tour",
            login="tour_plan_billing",
        )
