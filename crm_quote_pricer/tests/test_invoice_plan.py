# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tests.test_cursor import TestCursor
from odoo.tools import mute_logger

from .common import PricerCase, make_mto_product


@tagged("post_install", "-at_install")
class TestInvoicePlan(PricerCase):
    """Down payment at confirmation, a share when production is done, the
    rest on delivery: each milestone drafts its invoice once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.env.company, install_demo=False
            )
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Plan press",
            "Plan tube",
            list_price=1000.0,
            standard_price=600.0,
            invoice_policy="delivery",
            taxes_id=[(6, 0, [])],
        )
        cls._rule(name="Plan", percent=5.0, down_payment_percent=30.0)
        cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        cls.production_user = new_test_user(
            cls.env, login="pricer_plan_mrp", groups="mrp.group_mrp_user"
        )
        cls.billing_user = new_test_user(
            cls.env, login="pricer_plan_billing", groups="account.group_account_invoice"
        )
        cls.stock_user = new_test_user(
            cls.env, login="pricer_plan_stock", groups="stock.group_stock_user"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Plan Other"})
        cls.other_salesman = new_test_user(
            cls.env,
            login="pricer_plan_other",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    def _sold(self, share=40.0):
        order = self._order([(self.machine, 2.0)])
        order = order.with_user(self.salesman)
        order.action_pricer_price()
        order.pricer_production_share = share
        order.action_confirm()
        return order.sudo()

    def _produce(self, order):
        stock = self.env.ref("stock.stock_location_stock")
        self.env["stock.quant"]._update_available_quantity(self.component, stock, 10)
        production = order.mrp_production_ids
        production.action_assign()
        form = Form(production.with_user(self.production_user))
        form.qty_producing = production.product_qty
        production = form.save()
        production.with_user(self.production_user).button_mark_done()
        self.assertEqual(production.state, "done")

    def _deliver(self, order):
        picking = order.picking_ids.filtered(lambda p: p.state != "done")
        picking.action_assign()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.with_user(self.stock_user).button_validate()
        self.assertEqual(order.delivery_status, "full")

    def _drafts(self, order):
        return order.invoice_ids.filtered(lambda m: m.state == "draft")

    def test_each_milestone_drafts_once(self):
        order = self._sold()
        self.assertEqual(order.pricer_down_payment, 30.0)
        self.assertEqual(len(self._drafts(order)), 1)
        self.assertEqual(self._drafts(order).amount_total, 570.0)
        # production done: the 40% share
        self._produce(order)
        self.assertTrue(order.pricer_production_invoiced)
        drafts = self._drafts(order)
        self.assertEqual(len(drafts), 2)
        self.assertEqual(sorted(drafts.mapped("amount_total")), [570.0, 760.0])
        self.assertEqual(drafts.pricer_sale_order_id, order)
        # a second trigger drafts nothing more
        order._pricer_on_production_done()
        (order | order)._pricer_on_production_done()
        self.assertEqual(len(self._drafts(order)), 2)
        # delivered: the rest, less the down payments
        self._deliver(order)
        self.assertTrue(order.pricer_delivery_invoiced)
        drafts = self._drafts(order)
        self.assertEqual(len(drafts), 3)
        final = drafts.sorted("id")[-1]
        # 1900 ordered, less 570 (30%) and 760 (40%) drafted before
        self.assertEqual(final.amount_total, 570.0)
        self.assertEqual(sum(drafts.mapped("amount_total")), 1900.0)
        order._pricer_on_delivered()
        self.assertEqual(len(self._drafts(order)), 3)
        # billing sees the drafts and posts them; salespeople cannot post
        Move = self.env["account.move"].with_user(self.billing_user)
        found = Move.search([("pricer_sale_order_id", "=", order.id)])
        self.assertEqual(found, drafts)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            drafts[:1].with_user(self.salesman).action_post()
        self.assertEqual(drafts[:1].state, "draft")
        found.action_post()
        self.assertEqual(set(found.mapped("state")), {"posted"})

    def test_two_triggers_claim_once(self):
        """Two triggers of the same milestone: the second claims nothing."""
        order = self._sold()
        first = order._pricer_claim_milestone("production")
        second = order._pricer_claim_milestone("production")
        self.assertEqual(first, order)
        self.assertFalse(second)
        # the flag set, production done drafts nothing
        self._produce(order)
        self.assertEqual(len(self._drafts(order)), 1)

    def test_production_after_delivery_drafts_nothing(self):
        """Delivered before the MOs are done (from stock): the final invoice
        took the rest of the order, so production done drafts no share."""
        order = self._sold()
        self.assertEqual(order._pricer_claim_milestone("delivery"), order)
        self.assertFalse(order._pricer_claim_milestone("production"))
        self._produce(order)
        self.assertFalse(order.pricer_production_invoiced)
        self.assertEqual(len(self._drafts(order)), 1)  # the down payment only

    def test_share_from_the_rate_card(self):
        """The rate card's share at production done is the quote's default,
        within what the down payment leaves; a rule over 100% is refused."""
        rule = self._rule(name="Share", percent=1.0, production_share_percent=40.0)
        order = self._order([(self.machine, 2.0)]).with_user(self.salesman)
        order.action_pricer_price()
        self.assertEqual(order.order_line.pricer_production_share, 40.0)
        self.assertEqual(
            (order.pricer_down_payment, order.pricer_production_share), (30.0, 40.0)
        )
        # the salesperson may change it on the quote
        order.pricer_production_share = 20.0
        self.assertEqual(order.pricer_production_share, 20.0)
        # a share the down payment leaves no room for is cut to what is left
        rule.production_share_percent = 70.0
        order.action_pricer_price()
        self.assertEqual(order.pricer_production_share, 70.0)
        self.env["crm.quote.price.rule"].search([("name", "=", "Plan")]).write(
            {"down_payment_percent": 50.0}
        )
        order.action_pricer_price()
        self.assertEqual(
            (order.pricer_down_payment, order.pricer_production_share), (50.0, 50.0)
        )
        # confirmed: the plan it was sold with, whatever the rules become
        order.action_confirm()
        rule.production_share_percent = 10.0
        self.assertEqual(order.sudo().pricer_production_share, 50.0)
        for vals in (
            {"production_share_percent": 101.0},
            {"production_share_percent": -1.0},
            {"production_share_percent": math.nan},
            {"production_share_percent": 60.0, "down_payment_percent": 50.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                rule.write(vals)
        self.assertEqual(rule.production_share_percent, 10.0)

    def test_no_share_no_production_invoice(self):
        order = self._sold(share=0.0)
        self._produce(order)
        self.assertFalse(order.pricer_production_invoiced)
        self.assertEqual(len(self._drafts(order)), 1)

    def test_bad_share_refused(self):
        order = self._order([(self.machine, 1.0)]).with_user(self.salesman)
        order.action_pricer_price()
        for value in (-1.0, 100.5, 71.0, math.nan, math.inf, 2**31):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                order.write({"pricer_production_share": value})
            self.assertEqual(order.pricer_production_share, 0.0)

    def test_who_writes_the_plan(self):
        order = self._order([(self.machine, 1.0)])
        order.with_user(self.salesman).pricer_production_share = 20.0
        self.assertEqual(order.pricer_production_share, 20.0)
        for user in (self.production_user, self.billing_user, self.other_salesman):
            with (
                self.subTest(user=user.login),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                order.with_user(user).write({"pricer_production_share": 50.0})
        for flag in ("pricer_production_invoiced", "pricer_delivery_invoiced"):
            for user in (self.salesman, self.sales_manager, self.billing_user):
                with (
                    self.subTest(flag=flag, user=user.login),
                    self.assertRaises(AccessError),
                    mute_logger("odoo.models"),
                ):
                    order.with_user(user).write({flag: True})
        self.assertEqual(order.pricer_production_share, 20.0)
        self.assertFalse(order.pricer_production_invoiced)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            order.with_user(self.other_salesman).read(["pricer_production_share"])


@tagged("post_install", "-at_install")
class TestInvoicePlanConcurrency(TransactionCase):
    """Two transactions trigger the same milestone at once, on committed
    data through cursors of their own (as tests/test_concurrency.py does).
    The test runner holds the registry lock while it runs, so the two
    transactions interleave in this thread: the second waits on the row
    lock of the first (here cut short by a lock timeout), then, once the
    first committed, is run again as Odoo retries a request and claims
    nothing."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _claim(self, cr, order_id):
        order = self._env(cr)["sale.order"].browse(order_id)
        return len(order._pricer_claim_milestone("production"))

    def test_two_concurrent_triggers_claim_once(self):
        with self.registry.cursor() as cr:
            self.assertNotIsInstance(cr, TestCursor)
            env = self._env(cr)
            partner = env["res.partner"].create({"name": "Concurrent plan"})
            order = env["sale.order"].create({"partner_id": partner.id})
            order_id, partner_id = order.id, partner.id
        try:
            with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
                self.assertEqual(self._claim(cr1, order_id), 1)
                # the second trigger waits for the first one's row lock
                cr2.execute("SET LOCAL lock_timeout = '300ms'")
                with (
                    self.assertRaises(psycopg2.errors.LockNotAvailable),
                    mute_logger("odoo.sql_db"),
                ):
                    self._claim(cr2, order_id)
                cr2.rollback()
                cr1.commit()
                # run again after the first committed: nothing left to claim
                self.assertEqual(self._claim(cr2, order_id), 0)
            with self.registry.cursor() as cr:
                order = self._env(cr)["sale.order"].browse(order_id)
                self.assertTrue(order.pricer_production_invoiced)
        finally:
            with self.registry.cursor() as cr:
                env = self._env(cr)
                env["sale.order"].browse(order_id).unlink()
                env["res.partner"].browse(partner_id).unlink()
