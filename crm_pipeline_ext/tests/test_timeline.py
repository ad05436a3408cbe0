# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer timeline: its entries, each reader's access, its cost."""

from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import PipelineCommon

# the kinds this addon's own dependencies (crm, sale_crm) can give; helpdesk,
# manufacturing and mass mailing add theirs where installed
CORE_KINDS = {
    "message",
    "call",
    "meeting",
    "quote",
    "order",
    "signature",
    "invoice",
    "credit_note",
    "payment",
}


@tagged("post_install", "-at_install")
class TestCustomerTimeline(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.account"].search_count(
            [("company_ids", "in", cls.company.id)], limit=1
        ):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", cls.company, install_demo=False
            )
        cls.billing = cls._user(
            "tl_billing", "Timeline Billing", "account.group_account_invoice"
        )
        cls.currency = cls.company.currency_id.name
        cls.customer = cls.env["res.partner"].create(
            {"name": "Timeline Co", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Tina Timeline", "parent_id": cls.customer.id}
        )
        cls.stranger = cls.env["res.partner"].create({"name": "Someone Else"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Timeline Service",
                "type": "service",
                "invoice_policy": "order",
                "list_price": 100.0,
            }
        )
        cls.lead = cls._lead(name="Timeline deal", partner_id=cls.contact.id)
        cls.other_lead = cls._lead(
            name="Someone else's deal",
            partner_id=cls.customer.id,
            user_id=cls.salesman2.id,
        )
        # messages: a note on the customer, an e-mail on the lead, one on
        # the other salesperson's lead, one on another customer
        cls.note = cls._message(cls.customer, "comment", "Visited the plant", 1)
        cls.email = cls._message(cls.lead, "email", "Price list sent", 2)
        cls.hidden = cls._message(cls.other_lead, "email", "Their offer", 3)
        cls._message(cls.stranger, "comment", "Not this customer", 4)
        cls.call = cls._activity_done(cls.lead, "phonecall", "Intro call", 5)
        cls.meeting = cls._activity_done(cls.lead, "meeting", "Demo", 6)
        # a quote, and an order signed on the portal, then invoiced and paid
        cls.quote = cls._order(cls.customer, datetime(2026, 3, 7, 9))
        cls.order = cls._order(cls.contact, datetime(2026, 3, 8, 9))
        cls.order.action_confirm()
        # confirming dates the order today
        cls.order.write(
            {
                "date_order": datetime(2026, 3, 8, 9),
                "signed_by": "Tina Timeline",
                "signed_on": datetime(2026, 3, 9, 9),
            }
        )
        cls.invoice = cls.order._create_invoices()
        cls.invoice.invoice_date = fields.Date.to_date("2026-03-10")
        cls.invoice.action_post()
        cls.payment = cls.env["account.payment"].create(
            {
                "partner_id": cls.customer.id,
                "amount": 40.0,
                "payment_type": "inbound",
                "partner_type": "customer",
                "date": "2026-03-11",
            }
        )
        cls.payment.action_post()
        cls.env.flush_all()

    @classmethod
    def _message(cls, record, message_type, body, day):
        message = record.message_post(
            body=body, message_type=message_type, subtype_xmlid="mail.mt_note"
        )
        message.sudo().date = datetime(2026, 3, day, 9)
        return message

    @classmethod
    def _activity_done(cls, record, category, summary, day):
        activity_type = cls.env["mail.activity.type"].create(
            {"name": f"TL {category}", "category": category}
        )
        activity = record.activity_schedule(
            activity_type_id=activity_type.id, summary=summary, user_id=cls.env.uid
        )
        activity.action_done()
        message = cls.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("mail_activity_type_id", "=", activity_type.id),
            ]
        )
        message.sudo().date = datetime(2026, 3, day, 9)
        return message

    @classmethod
    def _order(cls, partner, date_order):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.salesman.id,
                "date_order": date_order,
                "order_line": [
                    (0, 0, {"product_id": cls.product.id, "product_uom_qty": 2})
                ],
            }
        )

    def _page(self, user=None, record=None, **kwargs):
        record = record or self.customer
        if user:
            record = record.with_user(user)
        return record.crm_timeline(**kwargs)

    def _core(self, page):
        """(date, kind, channel, department, title, amount, model, res_id) of
        the entries whose kinds come from this addon's dependencies."""
        return [
            (
                e["date"],
                e["kind"],
                e["channel"],
                e["department"],
                e["title"],
                e["amount"],
                e["model"],
                e["res_id"],
            )
            for e in page["entries"]
            if e["kind"] in CORE_KINDS
        ]

    def test_entries(self):
        """One entry per event of the customer and its contacts, newest first,
        with channel, department, amount and the record to open."""
        self.maxDiff = None
        total = self.order.amount_total
        page = self._page(limit=100)
        core = self._core(page)
        self.assertEqual(
            core,
            [
                (
                    "2026-03-11 00:00:00",
                    "payment",
                    "document",
                    "billing",
                    self.payment.name,
                    40.0,
                    "account.payment",
                    self.payment.id,
                ),
                (
                    "2026-03-10 00:00:00",
                    "invoice",
                    "document",
                    "billing",
                    self.invoice.name,
                    total,
                    "account.move",
                    self.invoice.id,
                ),
                (
                    "2026-03-09 09:00:00",
                    "signature",
                    "portal",
                    "sales",
                    f"{self.order.name} - Tina Timeline",
                    total,
                    "sale.order",
                    self.order.id,
                ),
                (
                    "2026-03-08 09:00:00",
                    "order",
                    "document",
                    "sales",
                    self.order.name,
                    total,
                    "sale.order",
                    self.order.id,
                ),
                (
                    "2026-03-07 09:00:00",
                    "quote",
                    "document",
                    "sales",
                    self.quote.name,
                    total,
                    "sale.order",
                    self.quote.id,
                ),
                (
                    "2026-03-06 09:00:00",
                    "meeting",
                    "meeting",
                    "sales",
                    "TL meeting done: Demo",
                    None,
                    "crm.lead",
                    self.lead.id,
                ),
                (
                    "2026-03-05 09:00:00",
                    "call",
                    "phone",
                    "sales",
                    "TL phonecall done: Intro call",
                    None,
                    "crm.lead",
                    self.lead.id,
                ),
                (
                    "2026-03-03 09:00:00",
                    "message",
                    "email",
                    "sales",
                    "Their offer",
                    None,
                    "crm.lead",
                    self.other_lead.id,
                ),
                (
                    "2026-03-02 09:00:00",
                    "message",
                    "email",
                    "sales",
                    "Price list sent",
                    None,
                    "crm.lead",
                    self.lead.id,
                ),
                (
                    "2026-03-01 09:00:00",
                    "message",
                    "chatter",
                    "sales",
                    "Visited the plant",
                    None,
                    "res.partner",
                    self.customer.id,
                ),
            ],
        )
        self.assertTrue(
            all(e["currency"] == self.currency for e in page["entries"] if e["amount"])
        )
        by_kind = {e["kind"]: e for e in page["entries"]}
        self.assertTrue(by_kind["invoice"]["date_only"])
        self.assertTrue(by_kind["payment"]["date_only"])
        self.assertFalse(by_kind["call"]["date_only"])
        # the contact's and the opportunity's timelines are the customer's
        self.assertEqual(self._core(self._page(record=self.contact, limit=100)), core)
        self.assertEqual(self._core(self._page(record=self.lead, limit=100)), core)
        # optional sources appear only when their module is installed
        kinds = {e["kind"] for e in page["entries"]}
        for model, kind in (
            ("helpdesk.ticket", "ticket"),
            ("mrp.production", "production"),
            ("mailing.trace", "mailing"),
        ):
            if model not in self.env:
                self.assertNotIn(kind, kinds)
        self.assertEqual(page["labels"]["kind"]["call"], "Call")

    def test_filters(self):
        page = self._page(filters={"kind": ["call", "meeting"]})
        self.assertEqual([e["kind"] for e in page["entries"]], ["meeting", "call"])
        page = self._page(filters={"department": "billing"})
        self.assertEqual([e["kind"] for e in page["entries"]], ["payment", "invoice"])
        page = self._page(filters={"channel": ["portal"]})
        self.assertEqual([e["res_id"] for e in page["entries"]], self.order.ids)
        page = self._page(
            filters={
                "date_from": "2026-03-02",
                "date_to": "2026-03-03",
                "kind": "message",
            }
        )
        self.assertEqual(
            [e["title"] for e in page["entries"]], ["Their offer", "Price list sent"]
        )
        self.assertEqual(page["total"], 2)

    def test_access(self):
        """Each reader sees what their own rights let them read."""
        salesman = self._core(self._page(self.salesman, limit=100))
        titles = [e[4] for e in salesman]
        # the other salesperson's lead and its e-mail are not the salesman's
        self.assertNotIn("Their offer", titles)
        self.assertIn("Price list sent", titles)
        self.assertIn(self.order.name, titles)
        # billing reads invoices and payments, not the leads' messages
        billing = self._core(self._page(self.billing, limit=100))
        kinds = {e[1] for e in billing}
        self.assertIn("invoice", kinds)
        self.assertIn("payment", kinds)
        self.assertNotIn("call", kinds)
        self.assertNotIn("Price list sent", [e[4] for e in billing])
        # another company's user sees nothing of this company's documents
        other = self._page(self.other_user, limit=100)
        self.assertFalse([e for e in other["entries"] if e["model"] != "res.partner"])
        # nor the timeline of a customer of this company it cannot open
        own_company_customer = self.env["res.partner"].create(
            {"name": "Company-only customer", "company_id": self.company.id}
        )
        with self.assertRaises(AccessError):
            own_company_customer.with_user(self.other_user).crm_timeline()
        # a portal user gets no timeline at all
        portal = self._user("tl_portal", "Timeline Portal", "base.group_portal")
        with self.assertRaises(AccessError):
            self.contact.with_user(portal).crm_timeline()

    def test_paging(self):
        """Pages follow each other without gaps or repeats."""
        everything = self._page(limit=100)["entries"]
        pages = []
        for offset in range(0, len(everything), 3):
            pages += self._page(offset=offset, limit=3)["entries"]
        self.assertEqual(pages, everything)
        past = self._page(offset=1000, limit=3)
        self.assertEqual(past["entries"], [])
        self.assertEqual(past["total"], len(everything))

    def test_bad_input(self):
        for kwargs in (
            {"limit": -1},
            {"limit": 0},
            {"limit": 10**6},
            {"limit": float("nan")},
            {"limit": float("inf")},
            {"limit": "10"},
            {"limit": True},
            {"offset": -5},
            {"offset": 2**31},
            {"filters": {"colour": "red"}},
            {"filters": {"kind": ["rumour"]}},
            {"filters": {"date_from": "yesterday"}},
            {"filters": [("kind", "=", "call")]},
        ):
            with self.subTest(**kwargs), self.assertRaises(UserError):
                self._page(**kwargs)

    def test_query_count(self):
        """A page costs the same queries for 10 events or for 2,000."""
        big = self.env["res.partner"].create({"name": "Big Customer"})
        small = self.env["res.partner"].create({"name": "Small Customer"})
        for partner, count in ((small, 10), (big, 2000)):
            self.env.execute_query(
                SQL(
                    "INSERT INTO mail_message (model, res_id, message_type, body,"
                    " date, create_date, write_date, create_uid, write_uid)"
                    " SELECT 'res.partner', %s, 'comment', 'Event ' || n,"
                    " now() - n * interval '1 hour', now(), now(), %s, %s"
                    " FROM generate_series(1, %s) n",
                    partner.id,
                    self.env.uid,
                    self.env.uid,
                    count,
                )
            )
        self.env.invalidate_all()
        salesman_small = small.with_user(self.salesman)
        salesman_big = big.with_user(self.salesman)
        salesman_small.crm_timeline(limit=20)  # warm the caches
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        first = salesman_small.crm_timeline(limit=20)
        queries = self.env.cr.sql_log_count - queries
        self.assertEqual(first["total"], 10)
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            page = salesman_big.crm_timeline(limit=20)
        self.assertEqual(page["total"], 2000)
        self.assertEqual(len(page["entries"]), 20)
        self.assertEqual(page["entries"][0]["title"], "Event 1")
