# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestQuoteInvoices(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.account"].search_count(
            [("company_ids", "in", cls.company.id)], limit=1
        ):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", cls.company, install_demo=False
            )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Invoiced Service",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 100.0,
            }
        )
        cls.leads = cls.env["crm.lead"]
        cls.invoices = cls.env["account.move"]
        for index in range(5):
            lead = cls._lead(name=f"Invoiced {index}", partner_id=cls.partner.id)
            cls.leads |= lead
            cls.invoices |= cls._invoiced_order(lead)
        cls.lead = cls.leads[0]
        cls.invoice = cls.invoices[0]
        cls.bare = cls._lead(name="No Invoice")
        cls.env.flush_all()

    @classmethod
    def _invoiced_order(cls, lead):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "opportunity_id": lead.id,
                "user_id": cls.salesman.id,
                "order_line": [
                    (0, 0, {"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def test_salesperson_sees_invoice(self):
        lead = self.lead.with_user(self.salesman)
        self.assertEqual(lead.quote_invoice_count, 1)
        action = lead.action_view_quote_invoices()
        self.assertEqual(action["res_model"], "account.move")
        self.assertFalse(action["context"]["create"])
        self.assertFalse(action["context"]["edit"])
        self.assertFalse(action["context"]["delete"])
        found = (
            self.env["account.move"].with_user(self.salesman).search(action["domain"])
        )
        self.assertEqual(found, self.invoice)
        found.read(["name", "state", "payment_state", "amount_total_signed"])
        self.assertEqual(found.invoice_origin, self.lead.order_ids.name)
        self.assertEqual(found.state, "posted")
        self.assertFalse(self.bare.with_user(self.salesman).quote_invoice_count)
        # The list and form views open, and the Quotes tab shows invoice data.
        Move = self.env["account.move"].with_user(self.salesman)
        views = Move.get_views(action["views"])
        self.assertIn("list", views["views"])
        Move.web_search_read(
            action["domain"],
            {
                name: {}
                for name in (
                    "name",
                    "invoice_origin",
                    "amount_total_signed",
                    "state",
                    "payment_state",
                )
            },
        )
        orders = lead.order_ids.read(["invoice_count", "invoice_status"])
        self.assertEqual(orders[0]["invoice_count"], 1)
        self.assertEqual(orders[0]["invoice_status"], "invoiced")

    def test_salesperson_cannot_change_invoice(self):
        invoice = self.invoice.with_user(self.salesman)
        with self.assertRaises(AccessError):
            invoice.write({"ref": "changed"})
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.salesman).create(
                {"move_type": "out_invoice", "partner_id": self.partner.id}
            )

    def test_other_salesperson_sees_no_invoice(self):
        # Odoo's own rules: a salesperson reads only their own invoices.
        lead = self.lead.with_user(self.leader)
        self.assertEqual(lead.quote_invoice_count, 1)
        self.lead.user_id = self.salesman2
        lead = self.lead.with_user(self.salesman2)
        self.assertFalse(lead.quote_invoice_count)
        self.assertEqual(
            lead.action_view_quote_invoices()["domain"], [("id", "in", [])]
        )

    def test_credit_note_counted(self):
        reversal = self.invoice._reverse_moves()
        self.env.flush_all()
        self.assertEqual(reversal.move_type, "out_refund")
        self.assertEqual(self.lead.quote_invoice_count, 2)

    def _count_queries(self, leads):
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        leads.mapped("quote_invoice_count")
        return self.cr.sql_log_count - before

    def test_count_query_constant(self):
        """The count costs the same number of queries for 1 or 5 leads."""
        one = self.leads[:1].with_user(self.salesman)
        five = self.leads.with_user(self.salesman)
        # Warm up the caches that do not depend on the leads (rules, ACLs).
        self._count_queries(self.leads[1:2].with_user(self.salesman))
        expected = self._count_queries(one)
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            counts = five.mapped("quote_invoice_count")
        self.assertEqual(counts, [1] * 5)
