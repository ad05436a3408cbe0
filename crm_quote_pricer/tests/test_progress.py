# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PricerCase, make_mto_product


@tagged("post_install", "-at_install")
class TestProgress(PricerCase):
    """Sales sees production and billing on the order and the opportunity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.env.company, install_demo=False
            )
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Progress press",
            "Progress tube",
            list_price=1000.0,
            standard_price=600.0,
            invoice_policy="order",
            taxes_id=[(6, 0, [])],
        )
        cls.production_user = new_test_user(
            cls.env, login="pricer_progress_mrp", groups="mrp.group_mrp_user"
        )
        cls.billing_user = new_test_user(
            cls.env,
            login="pricer_progress_billing",
            groups="account.group_account_invoice",
        )
        cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        cls.other_company = cls.env["res.company"].create({"name": "Progress Other"})
        cls.other_salesman = new_test_user(
            cls.env,
            login="pricer_progress_other",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )

    @classmethod
    def _sold(cls, qty=2.0, lead=None):
        order = cls._order([(cls.machine, qty)])
        order.opportunity_id = lead
        order.commitment_date = datetime(2030, 1, 15, 12, 0)
        order.with_user(cls.salesman).action_confirm()
        return order

    def _invoice_and_pay(self, order, paid):
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": paid})._create_payments()
        return invoice

    def test_order_shows_production_delivery_and_billing(self):
        order = self._sold()
        production = order.mrp_production_ids
        self.assertEqual(len(production), 1)
        production.date_finished = datetime(2030, 2, 1, 8, 0)
        self._invoice_and_pay(order, 500.0)
        self.env.invalidate_all()
        for user in (self.salesman, self.production_user, self.billing_user):
            with self.subTest(user=user.login):
                seen = order.with_user(user)
                self.assertEqual(seen.pricer_mo_state, "planned")
                self.assertEqual(
                    seen.pricer_mo_date_planned, datetime(2030, 2, 1, 8, 0)
                )
                self.assertTrue(seen.pricer_mo_late)
                self.assertEqual(seen.pricer_amount_invoiced, 2000.0)
                self.assertEqual(seen.pricer_amount_paid, 500.0)
                self.assertEqual(seen.pricer_amount_to_invoice, 0.0)
                self.assertIn(production.name, seen.pricer_progress_html)
                self.assertEqual(seen.delivery_status, "pending")
                # what the form reads, as that user
                seen.web_read(
                    {
                        name: {}
                        for name in (
                            "pricer_mo_state",
                            "pricer_mo_date_planned",
                            "pricer_mo_late",
                            "pricer_amount_invoiced",
                            "pricer_amount_paid",
                            "pricer_amount_to_invoice",
                            "delivery_status",
                        )
                    }
                )
        # the MO done: production done; nothing late any more
        production.write({"date_finished": datetime(2030, 1, 10, 8, 0)})
        self.env.invalidate_all()
        self.assertFalse(order.pricer_mo_late)

    def test_salesman_without_mrp_rights_does_not_crash(self):
        """A salesperson whose MO read right is taken away still reads the
        summary; the MO records stay closed to them."""
        order = self._sold()
        production = order.mrp_production_ids
        self.env.ref("sale_mrp.access_mrp_production_salesman").perm_read = False
        self.env.invalidate_all()
        seen = order.with_user(self.salesman)
        self.assertEqual(seen.pricer_mo_state, "planned")
        self.assertIn(production.name, seen.pricer_progress_html)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            production.with_user(self.salesman).read(["name"])

    def test_unconfirmed_order_has_nothing_to_show(self):
        order = self._order([(self.machine, 1.0)])
        self.assertEqual(order.pricer_mo_state, "none")
        self.assertFalse(order.pricer_progress_html)
        self.assertEqual(order.pricer_amount_to_invoice, 0.0)

    def test_still_to_invoice_after_down_payment(self):
        order = self._sold(qty=1.0)
        self.assertEqual(order.pricer_amount_to_invoice, 1000.0)
        order.invoice_ids.unlink()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 30.0})
        )
        wizard._create_invoices(order).action_post()
        self.env.invalidate_all()
        self.assertEqual(order.pricer_amount_invoiced, 300.0)
        self.assertEqual(order.pricer_amount_paid, 0.0)
        self.assertEqual(order.pricer_amount_to_invoice, 700.0)

    def test_opportunity_shows_each_order(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Progress deal",
                "type": "opportunity",
                "partner_id": self.partner.id,
                "user_id": self.salesman.id,
            }
        )
        first = self._sold(lead=lead)
        second = self._sold(qty=1.0, lead=lead)
        first.mrp_production_ids.date_finished = datetime(2030, 2, 1, 8, 0)
        self.env.invalidate_all()
        for user in (self.salesman, self.sales_manager):
            seen = lead.with_user(user)
            html = seen.pricer_progress_html
            for order in first | second:
                self.assertIn(order.name, html)
                self.assertIn(order.mrp_production_ids.name, html)
            self.assertTrue(seen.pricer_mo_late)

    def test_other_company_cannot_read(self):
        order = self._sold()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            order.with_user(self.other_salesman).read(["pricer_progress_html"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            order.with_user(self.other_salesman).read(["pricer_amount_paid"])

    def _read_progress(self, orders):
        self.env.flush_all()
        self.env.invalidate_all()
        orders = orders.with_user(self.salesman)
        start = self.env.cr.sql_log_count
        orders.mapped("pricer_progress_html")
        orders.mapped("pricer_amount_paid")
        return self.env.cr.sql_log_count - start

    def test_progress_query_count_constant(self):
        orders = self.env["sale.order"]
        for _index in range(10):
            orders |= self._sold(qty=1.0)
        for order in orders[:4]:
            order._create_invoices().action_post()
        self._read_progress(orders[:2])  # warm the caches
        two = self._read_progress(orders[:2])
        ten = self._read_progress(orders)
        self.assertEqual(two, ten)
        self.env.invalidate_all()
        with self.assertQueryCount(two):
            orders.with_user(self.salesman).mapped("pricer_progress_html")
            orders.with_user(self.salesman).mapped("pricer_amount_paid")
