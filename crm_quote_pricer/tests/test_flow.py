# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from ast import literal_eval

from odoo.tests import new_test_user, tagged

from .common import PricerCase, make_mto_product


@tagged("post_install", "-at_install")
class TestFlow(PricerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.env.company, install_demo=False
            )
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Press frame",
            "Steel tube",
            component_qty=4,
            list_price=1000.0,
            standard_price=600.0,
            invoice_policy="delivery",
            taxes_id=[(6, 0, [])],
        )
        cls.production_manager = new_test_user(
            cls.env, login="pricer_prod_manager", groups="mrp.group_mrp_manager"
        )
        cls.billing_user = new_test_user(
            cls.env, login="pricer_biller", groups="account.group_account_invoice"
        )
        cls._rule(
            name="Machines",
            method="list_discount",
            percent=5.0,
            down_payment_percent=30.0,
        )
        cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )

    def test_confirm_creates_mo_and_down_payment(self):
        order = self._order([(self.machine, 2.0)])
        order.with_user(self.salesman).action_pricer_price()
        self.assertEqual(order.order_line.price_unit, 950.0)
        self.assertEqual(order.pricer_down_payment, 30.0)
        order.with_user(self.salesman).action_confirm()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        self.assertEqual(production.pricer_sale_order_id, order)
        self.assertEqual(production.pricer_partner_id, self.partner)
        self.assertIn(order.name, production.origin or "")
        activity = production.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("mrp.group_mrp_user"))
        # a production user, not the administrator (who holds every group)
        self.assertTrue(self.env.ref("base.user_admin").has_group("mrp.group_mrp_user"))
        self.assertFalse(activity.user_id._is_admin())
        self.assertIn(self.env.company, activity.user_id.company_ids)
        self.assertIn(
            self.production_manager.partner_id,
            production.message_ids.partner_ids,
        )
        down_payment = order.invoice_ids
        self.assertEqual(len(down_payment), 1)
        self.assertEqual(down_payment.state, "draft")
        self.assertEqual(down_payment.pricer_sale_order_id, order)
        self.assertAlmostEqual(down_payment.amount_untaxed, 1900.0 * 0.3)
        self.assertTrue(order.pricer_down_payment_invoiced)
        action = self.env.ref("crm_quote_pricer.account_move_action_pricer_to_invoice")
        moves = (
            self.env["account.move"]
            .with_user(self.billing_user)
            .search(literal_eval(action.domain))
        )
        self.assertIn(down_payment, moves)
        # each row names its quote
        arch = (
            self.env["account.move"]
            .with_user(self.billing_user)
            .get_views([(action.view_id.id, "list")])["views"]["list"]["arch"]
        )
        self.assertIn('name="pricer_sale_order_id"', arch)
        # billing posts it: sale rewrites the down payment line's price as
        # the billing user, which is no repricing of the quote
        down_payment.with_user(self.billing_user).action_post()
        self.assertEqual(down_payment.state, "posted")
        down_payment_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        self.assertAlmostEqual(down_payment_line.price_unit, 1900.0 * 0.3)
        # the Fulfilment tab: the salesperson (no manufacturing rights) sees
        # the quote's orders, as production does
        self.assertEqual(
            order.with_user(self.salesman).pricer_production_ids, production
        )
        self.assertEqual(
            order.with_user(self.production_manager).pricer_production_ids, production
        )
        # production reads the quote and its customer, cannot reprice
        order.with_user(self.production_manager).read(["name", "partner_id"])
        production.with_user(self.production_manager).pricer_partner_id.read(["name"])

    def test_planning_activity_can_be_switched_off(self):
        self.env.company.pricer_mo_planning_activity = False
        order = self._order([(self.machine, 1.0)])
        order.with_user(self.salesman).action_confirm()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        self.assertFalse(production.activity_ids)
        # production is still told about it
        self.assertIn(
            self.production_manager.partner_id,
            production.message_ids.partner_ids,
        )
