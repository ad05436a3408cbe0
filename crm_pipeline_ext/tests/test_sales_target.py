# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sales targets per salesperson and team (issue 19): attainment against won
revenue, invoiced revenue and margin, in the KPI report and its workbook, and
who may read or write them."""

import io
import math
import zipfile

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.crm_period_mixin import period_start
from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestSalesTarget(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["account.account"].search_count(
            [("company_ids", "in", cls.company.id)], limit=1
        ):
            cls.env["account.chart.template"].try_loading(
                "generic_coa", cls.company, install_demo=False
            )
        cls.team.member_ids = [(4, cls.salesman.id), (4, cls.salesman2.id)]
        cls.other_team = cls.env["crm.team"].create({"name": "Other Team"})
        cls.month = period_start(fields.Date.today(), "month")
        Target = cls.env["crm.sales.target"]
        cls.t_own = Target.create(
            {
                "user_id": cls.salesman.id,
                "team_id": cls.team.id,
                "date_from": cls.month,
                "target_won_revenue": 6000,
                "target_invoiced_revenue": 2000,
                "target_margin": 1200,
            }
        )
        cls.t_other = Target.create(
            {
                "user_id": cls.salesman2.id,
                "team_id": cls.team.id,
                "date_from": cls.month,
                "target_won_revenue": 1000,
            }
        )
        cls.t_team = Target.create(
            {
                "team_id": cls.team.id,
                "period_type": "quarter",
                "date_from": cls.month,
                "target_won_revenue": 9000,
            }
        )
        cls.t_other_team = Target.create(
            {"team_id": cls.other_team.id, "date_from": cls.month}
        )
        cls.t_company2 = Target.with_user(cls.other_user).create(
            {"user_id": cls.other_user.id, "date_from": cls.month}
        )
        for amount in (1000, 2000):
            cls._lead(name=f"T won {amount}", expected_revenue=amount).action_set_won()
        cls._lead(
            name="T won 2", user_id=cls.salesman2.id, expected_revenue=500
        ).action_set_won()
        cls._lead(name="T open", expected_revenue=9999)
        product = cls.env["product.product"].create(
            {"name": "T product", "list_price": 100.0, "standard_price": 40.0}
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.partner.id,
                "invoice_user_id": cls.salesman.id,
                "team_id": cls.team.id,
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {"product_id": product.id, "quantity": 10, "price_unit": 100},
                    )
                ],
            }
        )
        invoice.line_ids.tax_ids = False
        invoice.invoice_line_ids.tax_ids = False
        invoice.action_post()
        cls.env.flush_all()

    def test_attainment(self):
        target = self.t_own.with_user(self.salesman)
        self.assertEqual(target.date_to, fields.Date.end_of(self.month, "month"))
        self.assertEqual(target.actual_won_revenue, 3000)
        self.assertEqual(target.won_attainment, 50)
        self.assertEqual(target.actual_invoiced_revenue, 1000)
        self.assertEqual(target.invoiced_attainment, 50)
        self.assertEqual(target.actual_margin, 600)
        self.assertEqual(target.margin_attainment, 50)
        # the team's quarter counts the whole team's won revenue
        self.assertEqual(self.t_team.actual_won_revenue, 3500)
        self.assertEqual(self.t_team.date_from, period_start(self.month, "quarter"))
        # nothing targeted, no ratio
        self.assertEqual(self.t_other_team.won_attainment, 0)

    def test_kpi_report_and_workbook(self):
        Kpi = self.env["crm.salesperson.kpi.report"].with_user(self.salesman)
        rows = Kpi.search(
            [("user_id", "=", self.salesman.id), ("date", "=", self.month)]
        )
        self.assertEqual(sum(rows.mapped("target_won_amount")), 6000)
        self.assertEqual(sum(rows.mapped("won_amount")), 3000)
        [[attainment]] = Kpi._read_group(
            [("user_id", "=", self.salesman.id), ("date", "=", self.month)],
            [],
            ["won_attainment:sum"],
        )
        self.assertEqual(attainment, 50)
        # the salesperson sees none of the others' targets in the report
        self.assertFalse(Kpi.search([("user_id", "!=", self.salesman.id)]))
        content, _fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_pipeline_ext.crm_salesperson_kpi_xlsx", rows.ids, {}
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            strings = book.read("xl/sharedStrings.xml").decode()
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("Won Target", strings)
        self.assertIn("Attainment (%)", strings)
        self.assertIn("<v>6000</v>", sheet)
        self.assertIn("<v>50</v>", sheet)

    def test_salesperson(self):
        Target = self.env["crm.sales.target"].with_user(self.salesman)
        self.assertEqual(Target.search([]), self.t_own | self.t_team)
        with self.assertRaises(AccessError):
            self.t_other.with_user(self.salesman).read(["target_won_revenue"])
        with self.assertRaises(AccessError):
            self.t_own.with_user(self.salesman).write({"target_won_revenue": 1})
        with self.assertRaises(AccessError):
            Target.create({"user_id": self.salesman.id, "date_from": self.month})
        with self.assertRaises(AccessError):
            self.t_company2.with_user(self.salesman).read(["user_id"])
        # the actuals are the system's
        with self.assertRaises(AccessError):
            self.t_own.with_user(self.manager).write({"actual_won_revenue": 1e6})

    def test_manager_and_other_company(self):
        target = self.t_own.with_user(self.manager)
        target.write({"target_won_revenue": 3000})
        self.assertEqual(target.won_attainment, 100)
        with self.assertRaises(AccessError):
            self.t_company2.with_user(self.manager).write({"target_margin": 5})
        # another company's salesperson or team: refused, nothing written
        count = self.env["crm.sales.target"].search_count([])
        other_team = self.env["crm.team"].create(
            {"name": "Co2 team", "company_id": self.other_company.id}
        )
        for vals in (
            {"team_id": other_team.id},
            {"user_id": self.other_user.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.env["crm.sales.target"].with_user(self.manager).create(
                    dict(vals, date_from=self.month)
                )
        self.assertEqual(self.env["crm.sales.target"].search_count([]), count)
        # one target per scope and period, for somebody
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            target.copy()
        with self.assertRaises(ValidationError):
            target.create({"date_from": self.month})

    def test_bad_numbers_refused(self):
        target = self.t_own.with_user(self.manager)
        # amounts: finite, not negative, at most 1e12 (a typo, not a plan);
        # 2**31 is an amount a large company may target
        for value in (math.nan, math.inf, -math.inf, -1, 1e12 + 1):
            for name in (
                "target_won_revenue",
                "target_invoiced_revenue",
                "target_margin",
            ):
                with self.subTest(value=value, name=name):
                    with self.assertRaises(ValidationError):
                        target.write({name: value})
        target.write({"target_won_revenue": 2**31})
        self.env.invalidate_all()
        self.assertEqual(self.t_own.target_won_revenue, 2**31)
        self.assertEqual(self.t_own.target_margin, 1200)

    def test_query_count_does_not_grow(self):
        Target = self.env["crm.sales.target"]
        more = Target.create(
            [
                {
                    "team_id": self.env["crm.team"].create({"name": f"Q{i}"}).id,
                    "date_from": self.month,
                }
                for i in range(12)
            ]
        )
        few = (self.t_own | self.t_team).with_env(self.env)
        # warm the caches that do not depend on the targets (currency, rules)
        (few | more).mapped("won_attainment")
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            few.mapped("won_attainment")
        self.env.invalidate_all()
        with self.assertQueryCount(7):
            (few | more).mapped("won_attainment")
