# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestCustomerMonth(SegmentationCommon):
    """Product cost 40. A: invoice 100 in May, invoice 200 and refund 50 in
    June, one order in June. B: invoice 300 and one activity done in June."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.standard_price = 40.0
        cls.a = cls._partner("Month A")
        cls.b = cls._partner("Month B")
        cls._invoices(
            [
                (cls.a, "2026-05-10", 100, "out_invoice"),
                (cls.a, "2026-06-05", 200, "out_invoice"),
                (cls.a, "2026-06-20", 50, "out_refund"),
                (cls.b, "2026-06-25", 300, "out_invoice"),
            ]
        )
        with freeze_time("2026-06-12"):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.a.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.product.id, "price_unit": 10.0}
                        )
                    ],
                }
            )
            order.action_confirm()
        with freeze_time("2026-06-15"):
            cls.b.activity_schedule("mail.mail_activity_data_todo").action_feedback(
                feedback="Called"
            )
        with freeze_time("2026-06-30"):
            cls.config.action_recompute()

    def _take(self, day):
        with freeze_time(day):
            self.env["crm.segment.snapshot"].create({}).action_take()

    def _rows(self, cutoff):
        return self.env["crm.customer.month"].search(
            [
                ("cutoff_date", "=", cutoff),
                ("partner_id", "in", (self.a | self.b).ids),
            ],
            order="partner_id, month",
        )

    def test_frozen_facts(self):
        self._take("2026-06-30")
        loyal = self.env["crm.rfm.score"].search([("partner_id", "=", self.a.id)])
        expected = [
            # partner, month, revenue, margin, invoices, orders, activities
            (self.a, "2026-05-01", 100.0, 60.0, 1, 0, 0),
            (self.a, "2026-06-01", 150.0, 150.0, 1, 1, 0),
            (self.b, "2026-06-01", 300.0, 260.0, 1, 0, 1),
        ]
        rows = self._rows("2026-06-30")
        self.assertEqual(
            [
                (
                    r.partner_id,
                    r.month,
                    r.revenue,
                    r.margin,
                    r.invoice_count,
                    r.order_count,
                    r.activity_count,
                )
                for r in rows
            ],
            [
                (p, fields.Date.to_date(m), rev, mg, inv, so, act)
                for p, m, rev, mg, inv, so, act in expected
            ],
        )
        self.assertEqual(rows[0].class_id, loyal.class_id)
        self.assertEqual(set(rows.mapped("ticket_count")), {0})
        if "helpdesk.ticket" not in self.env:
            # no helpdesk: no breaches nor ratings, and the columns are 0
            for name in ("breach_count", "rated_count", "satisfied_count"):
                self.assertEqual(set(rows.mapped(name)), {0}, name)
        # the next cut-off adds rows (the open month again, and the new one)
        # and leaves the earlier ones as they were
        self._invoices([(self.b, "2026-07-10", 100, "out_invoice")])
        self._take("2026-07-31")
        self.assertEqual(self._rows("2026-06-30"), rows)
        self.assertEqual(rows.mapped("revenue"), [100.0, 150.0, 300.0])
        later = self._rows("2026-07-31")
        self.assertEqual(
            [(r.partner_id, str(r.month), r.revenue) for r in later],
            [
                (self.a, "2026-06-01", 150.0),
                (self.b, "2026-06-01", 300.0),
                (self.b, "2026-07-01", 100.0),
            ],
        )
        # insert-only: the same cut-off again adds nothing
        self._take("2026-07-31")
        self.assertEqual(len(self._rows("2026-07-31")), 3)

    def test_service_columns_without_helpdesk(self):
        """Installed alone, the addon has no helpdesk: the breach and rating
        parts of the statement are empty, and a freeze still works."""
        if "helpdesk.ticket" in self.env:
            self.skipTest(
                "a helpdesk is installed (tests/test_customer_month_service.py)"
            )
        self.assertIsNone(self.config._ticket_months_sql("2026-06-01", "2026-07-01"))
        self.assertIsNone(self.config._rating_months_sql("2026-06-01", "2026-07-01"))
        self._take("2026-06-30")
        rows = self._rows("2026-06-30")
        self.assertEqual(len(rows), 3)
        self.assertEqual(
            {(r.breach_count, r.rated_count, r.satisfied_count) for r in rows},
            {(0, 0, 0)},
        )

    def test_query_count_constant(self):
        config = self.config
        # warm caches first, as a running server has them
        self._count_queries(lambda: config._freeze_customer_months("2026-05-31"))
        first = self._count_queries(
            lambda: config._freeze_customer_months("2026-06-30")
        )
        partners = self.env["res.partner"].create(
            [{"name": f"Month Many {i}"} for i in range(18)]
        )
        self._invoices([(p, "2026-07-05", 10.0, "out_invoice") for p in partners])
        self._count_queries(lambda: config._freeze_customer_months("2026-07-15"))
        self.assertEqual(
            first,
            self._count_queries(lambda: config._freeze_customer_months("2026-07-31")),
        )
        self.assertEqual(
            self.env["crm.customer.month"].search_count(
                [("cutoff_date", "=", "2026-07-31"), ("month", "=", "2026-07-01")]
            ),
            18,
        )

    def test_roles(self):
        self._take("2026-06-30")
        user = new_test_user(
            self.env,
            login="month_user",
            groups="crm_segmentation.group_segmentation_user",
        )
        manager = new_test_user(
            self.env,
            login="month_manager",
            groups="crm_segmentation.group_segmentation_manager",
        )
        Month = self.env["crm.customer.month"]
        self.assertEqual(
            len(Month.with_user(user).search([("partner_id", "=", self.a.id)])), 2
        )
        row = Month.search([], limit=1)
        for who in (user, manager):
            with self.assertRaises(AccessError):
                row.with_user(who).write({"revenue": 1.0})
            with self.assertRaises(AccessError):
                Month.with_user(who).create(
                    {
                        "company_id": self.company.id,
                        "cutoff_date": "2026-06-30",
                        "month": "2026-06-01",
                        "partner_id": self.a.id,
                    }
                )
            with self.assertRaises(AccessError):
                row.with_user(who).unlink()
        other_company = self.env["res.company"].create({"name": "Month Other Co"})
        other = new_test_user(
            self.env,
            login="month_other",
            groups="crm_segmentation.group_segmentation_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.assertFalse(Month.with_user(other).search([]))
        with self.assertRaises(AccessError):
            row.with_user(other).read(["revenue"])
