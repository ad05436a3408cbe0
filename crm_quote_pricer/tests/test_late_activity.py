# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import PricerCase, make_mto_product

PROMISED = datetime(2030, 1, 15, 12, 0)


@tagged("post_install", "-at_install")
class TestLateActivity(PricerCase):
    """An MO planned after the promised date: one to-do for the salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Late press",
            "Late tube",
            list_price=1000.0,
            standard_price=600.0,
            taxes_id=[(6, 0, [])],
        )
        cls.production_user = new_test_user(
            cls.env, login="pricer_late_mrp", groups="mrp.group_mrp_user"
        )
        cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )

    def _sold(self, lines=None):
        order = self._order(lines or [(self.machine, 1.0)])
        order.commitment_date = PROMISED
        order.with_user(self.salesman).action_confirm()
        return order

    def _todos(self, order):
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        )

    def test_late_plan_raises_one_todo(self):
        order = self._sold()
        production = order.mrp_production_ids
        self.assertFalse(self._todos(order), "planned in time: nothing")
        production.with_user(self.production_user).write(
            {"date_finished": datetime(2030, 2, 1, 8, 0)}
        )
        todo = self._todos(order)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.salesman)
        self.assertIn(production.name, todo.summary)
        self.assertEqual(production.pricer_late_activity_id, todo)
        # re-planned later again while the to-do is open: no second one
        production.with_user(self.production_user).write(
            {"date_finished": datetime(2030, 3, 1, 8, 0)}
        )
        production.with_user(self.production_user).write(
            {"date_start": datetime(2030, 2, 20, 8, 0)}
        )
        self.assertEqual(self._todos(order), todo)
        # done by the salesperson; a later re-planning raises a new one
        todo.with_user(self.salesman).action_feedback("Customer told")
        self.assertFalse(todo.active)
        production.with_user(self.production_user).write(
            {"date_finished": datetime(2030, 4, 1, 8, 0)}
        )
        todos = self._todos(order)
        self.assertEqual(len(todos), 2)
        self.assertEqual(len(todos.filtered("active")), 1)

    def test_in_time_raises_nothing(self):
        order = self._sold()
        order.mrp_production_ids.write({"date_finished": datetime(2030, 1, 10, 8, 0)})
        self.assertFalse(self._todos(order))
        # no promised date: nothing to be late for
        order.commitment_date = False
        order.mrp_production_ids.write({"date_finished": datetime(2031, 1, 1, 8, 0)})
        self.assertFalse(self._todos(order))

    def test_one_todo_per_mo(self):
        _component, other = make_mto_product(
            self.env, "Late lathe", "Lathe bed", list_price=500.0, taxes_id=[]
        )
        order = self._sold([(self.machine, 1.0), (other, 1.0)])
        productions = order.mrp_production_ids
        self.assertEqual(len(productions), 2)
        productions.write({"date_finished": datetime(2030, 2, 1, 8, 0)})
        todos = self._todos(order)
        self.assertEqual(len(todos), 2)
        self.assertEqual(productions.pricer_late_activity_id, todos)

    def test_promised_date_moved_earlier(self):
        order = self._sold()
        order.mrp_production_ids.write({"date_finished": datetime(2030, 1, 10, 8, 0)})
        order.with_user(self.salesman).commitment_date = datetime(2030, 1, 5, 8, 0)
        self.assertEqual(len(self._todos(order)), 1)

    def test_cron_catches_unwritten_dates_once(self):
        order = self._sold()
        production = order.mrp_production_ids
        self.env.cr.execute(
            SQL(
                "UPDATE mrp_production SET date_finished = %s WHERE id = %s",
                datetime(2030, 2, 1, 8, 0),
                production.id,
            )
        )
        self.env.invalidate_all()
        self.assertFalse(self._todos(order))
        self.env["mrp.production"]._cron_pricer_late_activities()
        self.env["mrp.production"]._cron_pricer_late_activities()
        self.assertEqual(len(self._todos(order)), 1)

    def test_check_query_count_constant(self):
        """Checking 2 or 10 MOs that already have their to-do costs the
        same queries."""
        productions = self.env["mrp.production"]
        for _index in range(10):
            productions |= self._sold().mrp_production_ids
        self.env.cr.execute(
            SQL(
                "UPDATE mrp_production SET date_finished = %s WHERE id IN %s",
                datetime(2030, 2, 1, 8, 0),
                tuple(productions.ids),
            )
        )
        self.env.invalidate_all()
        self.assertEqual(len(productions._pricer_raise_late_activities()), 10)

        def count(records):
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self.assertFalse(records._pricer_raise_late_activities())
            return self.env.cr.sql_log_count - start

        count(productions[:2])
        self.assertEqual(count(productions[:2]), count(productions))

    def test_link_is_bookkeeping(self):
        order = self._sold()
        production = order.mrp_production_ids
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": order.id,
                "user_id": self.salesman.id,
            }
        )
        for user in (self.production_user, self.salesman):
            with (
                self.subTest(user=user.login),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                production.with_user(user).write(
                    {"pricer_late_activity_id": activity.id}
                )
        self.assertFalse(production.pricer_late_activity_id)


@tagged("post_install", "-at_install")
class TestPortalProgress(HttpCase):
    """The customer's portal order page shows the order's progress."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Portal press",
            "Portal tube",
            list_price=1000.0,
            standard_price=600.0,
            taxes_id=[(6, 0, [])],
        )
        cls.customer = new_test_user(
            cls.env, login="pricer_portal_customer", groups="base.group_portal"
        )
        cls.stranger = cls.env["res.partner"].create({"name": "Other Customer"})
        cls.orders = {}
        for key, partner in (
            ("own", cls.customer.partner_id),
            ("other", cls.stranger),
        ):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "commitment_date": PROMISED,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": cls.machine.id, "product_uom_qty": 1.0},
                        )
                    ],
                }
            )
            order.action_confirm()
            cls.orders[key] = order
        cls.orders["own"].mrp_production_ids.date_finished = datetime(2030, 2, 1, 8, 0)

    def test_portal_shows_progress_of_own_order_only(self):
        self.authenticate("pricer_portal_customer", "pricer_portal_customer")
        own = self.orders["own"]
        response = self.url_open(f"/my/orders/{own.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Order Progress", response.text)
        self.assertIn("o_pricer_progress_production", response.text)
        self.assertIn("Planned", response.text)
        self.assertIn("02/01/2030", response.text)
        other = self.orders["other"]
        response = self.url_open(f"/my/orders/{other.id}")
        self.assertNotIn(other.name, response.text)
        self.assertNotIn("o_pricer_progress_production", response.text)
        self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
