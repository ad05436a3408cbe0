# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The win/loss report (issue 18): won and lost counts and revenue by
competitor, product category, tag, territory, salesperson, company and
month; each opportunity counted once; rows by role and company; a query
count that does not grow with the opportunities; the workbook."""

import io
import zipfile

from odoo.tests import tagged

from .common import PipelineCommon

MEASURES = [
    "won_count:sum",
    "won_amount:sum",
    "lost_count:sum",
    "lost_amount:sum",
    "win_rate:sum",
]


@tagged("post_install", "-at_install")
class TestWinLossReport(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Competitor = cls.env["crm.competitor"]
        cls.acme = Competitor.create({"name": "WL Acme"})
        cls.rival = Competitor.create({"name": "WL Rival", "company_id": False})
        cls.reason = cls.env["crm.lost.reason"].create({"name": "WL Price"})
        cls.tag = cls.env["crm.tag"].create({"name": "WL Tag"})
        cls.territory = cls.env["crm.territory"].create({"name": "WL Territory"})
        Category = cls.env["product.category"]
        cls.categ_chairs = Category.create({"name": "WL Chairs"})
        cls.categ_desks = Category.create({"name": "WL Desks"})
        cls.chair, cls.desk = cls.env["product.product"].create(
            [
                {"name": "WL Chair", "categ_id": cls.categ_chairs.id},
                {"name": "WL Desk", "categ_id": cls.categ_desks.id},
            ]
        )
        # won against Acme; its quote is mostly desks
        cls.won = cls._lead(
            name="WL Won",
            expected_revenue=1000,
            territory_id=cls.territory.id,
            tag_ids=[(6, 0, cls.tag.ids)],
        )
        cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "opportunity_id": cls.won.id,
                "order_line": [
                    (0, 0, {"product_id": cls.chair.id, "price_unit": 300}),
                    (0, 0, {"product_id": cls.desk.id, "price_unit": 600}),
                ],
            }
        )
        cls._compete(cls.won, cls.acme, 950, "won_us")
        cls._compete(cls.won, cls.rival, 900, "won_us")
        cls.won.action_set_won()
        # lost to Acme (the rival made no difference)
        cls.lost = cls._lead(name="WL Lost", expected_revenue=2000)
        cls._compete(cls.lost, cls.rival, 1900, "no_decision")
        cls._compete(cls.lost, cls.acme, 1800, "won_them")
        cls.lost.action_set_lost(lost_reason_id=cls.reason.id)
        # another salesperson's loss to the rival
        cls.lost2 = cls._lead(
            name="WL Lost 2", expected_revenue=500, user_id=cls.salesman2.id
        )
        cls._compete(cls.lost2, cls.rival, 450, "won_them")
        cls.lost2.action_set_lost(lost_reason_id=cls.reason.id)
        # open, and another company's loss: not in the figures of this one
        cls.open = cls._lead(name="WL Open", expected_revenue=5000)
        cls.foreign = cls.env["crm.lead"].create(
            {
                "name": "WL Foreign",
                "type": "opportunity",
                "company_id": cls.other_company.id,
                "user_id": cls.other_user.id,
                "expected_revenue": 700,
            }
        )
        cls.foreign.action_set_lost(lost_reason_id=cls.reason.id)
        cls.leads = cls.won | cls.lost | cls.lost2
        cls.env.flush_all()

    @classmethod
    def _compete(cls, lead, competitor, price, outcome):
        return cls.env["crm.lead.competitor"].create(
            {
                "lead_id": lead.id,
                "competitor_id": competitor.id,
                "price": price,
                "outcome": outcome,
            }
        )

    def _report(self, user=None):
        Report = self.env["crm.win.loss.report"]
        return Report.with_user(user) if user else Report

    def _by(self, groupby, user=None, domain=None):
        Report = self._report(user)
        domain = [("lead_id", "in", self.leads.ids)] + (domain or [])
        return {
            key: dict(zip([m.split(":")[0] for m in MEASURES], values, strict=True))
            for key, *values in Report._read_group(domain, [groupby], MEASURES)
        }

    def test_one_row_per_closed_opportunity(self):
        rows = self._report().search([("lead_id", "in", (self.leads | self.open).ids)])
        self.assertEqual(rows.lead_id, self.leads)
        won = rows.filtered(lambda r: r.lead_id == self.won)
        # the competitor beaten at the lowest price, the quote's main category
        self.assertEqual(won.competitor_id, self.rival)
        self.assertEqual(won.categ_id, self.categ_desks)
        self.assertEqual(won.tag_id, self.tag)
        self.assertEqual(won.territory_id, self.territory)
        self.assertEqual((won.won_count, won.won_amount, won.win_rate), (1, 1000, 100))
        lost = rows.filtered(lambda r: r.lead_id == self.lost)
        # the competitor who won it
        self.assertEqual(lost.competitor_id, self.acme)
        self.assertFalse(lost.categ_id)
        self.assertEqual(lost.lost_reason_id, self.reason)
        self.assertEqual((lost.lost_count, lost.lost_amount), (1, 2000))
        self.assertTrue(lost.month_label)

    def test_totals_by_competitor_and_salesperson(self):
        by_competitor = self._by("competitor_id")
        self.assertEqual(
            by_competitor[self.acme],
            {
                "won_count": 0,
                "won_amount": 0,
                "lost_count": 1,
                "lost_amount": 2000,
                "win_rate": 0,
            },
        )
        rival = by_competitor[self.rival]
        self.assertEqual((rival["won_count"], rival["lost_count"]), (1, 1))
        self.assertEqual(rival["lost_amount"], 500)
        self.assertEqual(rival["win_rate"], 50)
        by_user = self._by("user_id")
        self.assertAlmostEqual(by_user[self.salesman]["win_rate"], 50)
        self.assertEqual(by_user[self.salesman2]["lost_amount"], 500)
        [[total]] = self._report()._read_group(
            [("lead_id", "in", self.leads.ids)], [], ["win_rate:sum"]
        )
        self.assertAlmostEqual(total, 100 / 3)
        by_categ = self._by("categ_id")
        self.assertEqual(by_categ[self.categ_desks]["won_amount"], 1000)

    def test_rows_by_role_and_company(self):
        """A salesperson reads their own rows, team leaders and managers all
        of their company's, another company none of them."""
        own = self._report(self.salesman).search([])
        self.assertEqual(own.lead_id & self.leads, self.won | self.lost)
        for user in (self.leader, self.manager):
            rows = self._report(user).search([])
            self.assertEqual(rows.lead_id & (self.leads | self.foreign), self.leads)
        other = self._report(self.other_user).search([])
        self.assertEqual(other.lead_id & (self.leads | self.foreign), self.foreign)

    def _read_queries(self, leads):
        Report = self._report(self.manager)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        Report.formatted_read_group(
            [("lead_id", "in", leads.ids)], ["competitor_id", "date:month"], MEASURES
        )
        rows = Report.search([("lead_id", "in", leads.ids)])
        rows.web_read(
            {
                "month_label": {},
                "competitor_id": {"fields": {"display_name": {}}},
                "categ_id": {"fields": {"display_name": {}}},
                "user_id": {"fields": {"display_name": {}}},
                "lost_amount": {},
                "win_rate": {},
            }
        )
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow(self):
        """Reading the report (pivot and list) costs the same queries for 3
        opportunities as for 23."""
        more = self.env["crm.lead"]
        for i in range(20):
            lead = self._lead(name=f"WL More {i}", expected_revenue=100 + i)
            self._compete(lead, (self.acme, self.rival)[i % 2], 90, "won_them")
            more |= lead
        more.action_set_lost(lost_reason_id=self.reason.id)
        self.env.flush_all()
        self._read_queries(self.leads)  # warm the caches of rules and ACLs
        expected = self._read_queries(self.leads)
        self.env.invalidate_all()
        with self.assertQueryCount(expected):
            self._read_queries(self.leads | more)
        self.assertEqual(expected, self._read_queries(self.leads | more))

    def test_workbook(self):
        rows = self._report(self.manager).search([("lead_id", "in", self.leads.ids)])
        content, fmt = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_xlsx("crm_pipeline_ext.crm_win_loss_xlsx", rows.ids, {})
        )
        self.assertEqual(fmt, "xlsx")
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            strings = book.read("xl/sharedStrings.xml").decode()
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        for text in ("WL Acme", "WL Rival", "WL Lost", "WL Desks", "Lost Revenue"):
            self.assertIn(text, strings)
        self.assertIn("<v>2000</v>", sheet)
        # from the menu (no row selected): every row the user may read
        action = self._report(self.salesman).action_export_xlsx()
        self.assertEqual(action["report_name"], "crm_pipeline_ext.win_loss_xlsx")
        self.assertEqual(
            set(action["context"]["active_ids"]),
            set(self._report(self.salesman).search([]).ids),
        )
