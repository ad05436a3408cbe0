# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import io
import zipfile
from datetime import timedelta

from odoo.tests import tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestKpiReport(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won = cls._lead(
            name="Won", expected_revenue=1000, partner_id=cls.partner.id
        )
        cls.lost = cls._lead(name="Lost")
        cls.open = cls._lead(name="Open")
        activity = cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("crm.lead"),
                "res_id": cls.won.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                "user_id": cls.salesman.id,
            }
        )
        activity.with_user(cls.salesman).action_done()
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "opportunity_id": cls.won.id,
                "user_id": cls.salesman.id,
            }
        )
        order.state = "sent"
        cls.won.action_set_won()
        cls.lost.action_set_lost()
        cls.env.flush_all()

    def _totals(self, user, as_user=None):
        Report = self.env["crm.salesperson.kpi.report"]
        if as_user:
            Report = Report.with_user(as_user)
        measures = [
            "lead_count:sum",
            "activity_count:sum",
            "call_count:sum",
            "quote_count:sum",
            "won_count:sum",
            "won_amount:sum",
            "lost_count:sum",
            "conversion_rate:sum",
            "revenue_per_activity:sum",
        ]
        [row] = Report._read_group([("user_id", "=", user.id)], [], measures)
        return dict(zip([m.split(":")[0] for m in measures], row, strict=True))

    def test_kpis(self):
        totals = self._totals(self.salesman)
        self.assertEqual(totals["lead_count"], 3)
        self.assertEqual(totals["activity_count"], 1)
        self.assertEqual(totals["call_count"], 1)
        self.assertEqual(totals["quote_count"], 1)
        self.assertEqual(totals["won_count"], 1)
        self.assertEqual(totals["won_amount"], 1000)
        self.assertEqual(totals["lost_count"], 1)
        self.assertAlmostEqual(totals["conversion_rate"], 50.0)
        self.assertAlmostEqual(totals["revenue_per_activity"], 1000.0)

    def _done_activity(self, lead, xmlid, user, hours):
        """Mark a new activity of ``user`` done; its message is dated
        ``hours`` after the lead's creation."""
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref(xmlid).id,
                "user_id": user.id,
            }
        )
        activity.with_user(user).action_done()
        message = self.env["mail.message"].search(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "=", lead.id),
                ("mail_activity_type_id", "=", self.env.ref(xmlid).id),
                ("author_id", "=", user.partner_id.id),
            ]
        )
        self.assertEqual(len(message), 1)
        message.date = lead.create_date + timedelta(hours=hours)

    def test_kpis_all_measures(self):
        """Every measure of one salesperson, on a lead with two activities by
        two authors, a won lead with a quote, a lost lead and an idle one."""
        seller = self._user(
            "kpi_seller", "KPI Seller", "sales_team.group_sale_salesman"
        )
        helper = self._user(
            "kpi_helper", "KPI Helper", "sales_team.group_sale_salesman"
        )
        worked = self._lead(name="Worked", user_id=seller.id)
        won = self._lead(
            name="Won",
            user_id=seller.id,
            expected_revenue=500,
            partner_id=self.partner.id,
        )
        lost = self._lead(name="Lost", user_id=seller.id)
        self._lead(name="Idle", user_id=seller.id)
        # the helper's meeting comes first: it is the lead's first activity,
        # but it is the helper's activity, not the owner's
        self._done_activity(worked, "mail.mail_activity_data_meeting", helper, 2)
        self._done_activity(worked, "mail.mail_activity_data_email", seller, 5)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": won.id,
                "user_id": seller.id,
            }
        )
        order.state = "sent"
        won.action_set_won()
        won.date_closed = won.create_date + timedelta(days=3)
        lost.action_set_lost()
        self.env.flush_all()
        names = [
            "lead_count",
            "activity_count",
            "call_count",
            "meeting_count",
            "email_count",
            "quote_count",
            "won_count",
            "won_amount",
            "lost_count",
            "closed_count",
            "first_activity_count",
            "conversion_rate",
            "avg_cycle_days",
            "avg_first_activity_hours",
            "revenue_per_activity",
        ]
        rows = self.env["crm.salesperson.kpi.report"]._read_group(
            [("user_id", "in", (seller + helper).ids)],
            ["user_id"],
            [f"{name}:sum" for name in names],
        )
        totals = {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}
        expected = {
            seller: [4, 1, 0, 0, 1, 1, 1, 500, 1, 2, 1, 50, 3, 2, 500],
            helper: [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        }
        self.assertEqual(set(totals), set(expected))
        for user, values in expected.items():
            for name, value in zip(names, values, strict=True):
                with self.subTest(user=user.name, measure=name):
                    self.assertAlmostEqual(totals[user][name], value, places=6)

    def test_visibility(self):
        self.assertEqual(self._totals(self.salesman, self.salesman)["lead_count"], 3)
        self.assertEqual(self._totals(self.salesman, self.leader)["lead_count"], 3)
        self.assertFalse(self._totals(self.salesman, self.salesman2)["lead_count"])
        self.assertFalse(self._totals(self.salesman, self.other_user)["lead_count"])

    def test_xlsx_export(self):
        rows = self.env["crm.salesperson.kpi.report"].search(
            [("user_id", "=", self.salesman.id)]
        )
        content, fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_pipeline_ext.crm_salesperson_kpi_xlsx", rows.ids, {}
        )
        self.assertEqual(fmt, "xlsx")
        self.assertTrue(content.startswith(b"PK"))

    def test_quote_smart_button(self):
        lead = self.won.with_user(self.salesman)
        self.assertEqual(lead.all_order_count, 1)
        self.assertIn("1 ", lead.order_state_summary)
        action = lead.action_view_all_quotes()
        self.assertEqual(action["domain"], [("opportunity_id", "=", lead.id)])
        self.assertFalse(action["context"]["create"])
        self.assertFalse(self.open.all_order_count)

    def test_xlsx_writes_names_as_text(self):
        """Issue 16, item 9: a salesperson named like a formula lands in the
        sheet as text, not as a live formula or link."""
        name = '=HYPERLINK("http://evil.example.com","Click")'
        self.salesman.with_user(self.salesman).write({"name": name})
        self.team.name = "@SUM(1+1)"
        self.env.flush_all()
        rows = self.env["crm.salesperson.kpi.report"].search(
            [("user_id", "=", self.salesman.id)]
        )
        self.assertTrue(rows)
        content, _fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_pipeline_ext.crm_salesperson_kpi_xlsx", rows.ids, {}
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            names = book.namelist()
            strings = book.read("xl/sharedStrings.xml").decode()
        self.assertNotIn("<f>", sheet)
        self.assertNotIn("<f ", sheet)
        self.assertFalse([n for n in names if "externalLink" in n])
        self.assertIn("=HYPERLINK(", strings)
        self.assertIn("http://evil.example.com", strings)
        self.assertIn("@SUM(1+1)", strings)
