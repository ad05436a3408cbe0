# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service-level report: times, breach rate and CSAT (issue 18)."""

import io
import zipfile

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SupportCommon

REPORT = "helpdesk.service.level.report"


@tagged("post_install", "-at_install")
class TestServiceLevelReport(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.resource_calendar_id = False
        cls.company.resource_calendar_id = False  # clock hours
        cls.plan.write({"ticket_quota": 0, "hour_quota": 0.0})
        cls.stage_done.rating_request = True
        with freeze_time("2026-03-16 08:00:00"):
            cls.fast = cls._ticket(cls)
            cls.slow = cls._ticket(cls)
            cls.open = cls._ticket(cls)
        with freeze_time("2026-03-16 09:00:00"):
            (cls.fast | cls.slow).stage_id = cls.stage_progress
        with freeze_time("2026-03-16 12:00:00"):
            cls.fast.stage_id = cls.stage_done  # resolved in 4 h of 8
        with freeze_time("2026-03-17 08:00:00"):
            cls.slow.stage_id = cls.stage_done  # 24 h: resolution breached
            for ticket, value in ((cls.fast, 5), (cls.slow, 1)):
                token = ticket._rating_get_access_token()
                ticket.sudo().rating_apply(value, token=token)
        cls.company_b = cls.env["res.company"].create({"name": "Levels B"})
        contract_b = cls._create_contract(
            "B", cls.contract.date_start, None, company=cls.company_b
        )
        cls.env["helpdesk.support.plan"].create(
            {"name": "B plan", "contract_id": contract_b.id, "response_hours": 1}
        )
        cls.ticket_b = (
            cls.env["helpdesk.ticket"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "B ticket",
                    "description": "<p>b</p>",
                    "partner_id": cls.contact.id,
                    "company_id": cls.company_b.id,
                }
            )
        )
        cls.tickets = cls.fast | cls.slow | cls.open
        only_a = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.plan_manager = new_test_user(
            cls.env,
            login="levels_plan_manager",
            groups="crm_helpdesk_link.group_support_plan_manager",
            **only_a,
        )
        cls.helpdesk_manager = new_test_user(
            cls.env,
            login="levels_hd_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            **only_a,
        )
        cls.helpdesk_user = new_test_user(
            cls.env, login="levels_hd_user", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.own_user = new_test_user(
            cls.env,
            login="levels_own",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )

    def _group(self, user, groupby):
        return (
            self.env[REPORT]
            .with_user(user)
            .formatted_read_group(
                [("ticket_id", "in", self.tickets.ids)],
                groupby,
                [
                    "ticket_count:sum",
                    "response_hours:avg",
                    "resolution_hours:avg",
                    "breach_count:sum",
                    "breach_rate:avg",
                    "rated_count:sum",
                    "csat:avg",
                ],
            )
        )

    def test_figures_by_team_plan_customer_and_month(self):
        self.env.flush_all()
        for groupby in (
            ["team_id"],
            ["support_plan_id"],
            ["partner_id"],
            ["date:month"],
        ):
            with self.subTest(groupby=groupby):
                (row,) = self._group(self.plan_manager, groupby)
                self.assertEqual(row["ticket_count:sum"], 3)
                self.assertEqual(row["response_hours:avg"], 1.0)  # two answered
                self.assertEqual(row["resolution_hours:avg"], 14.0)  # (4 + 24) / 2
                self.assertEqual(row["breach_count:sum"], 1)
                self.assertAlmostEqual(row["breach_rate:avg"], 100 / 3)
                self.assertEqual(row["rated_count:sum"], 2)
                self.assertEqual(row["csat:avg"], 50.0)
        row = self.env[REPORT].browse(self.slow.id)
        self.assertEqual(row.csat_rating, "dissatisfied")
        self.assertEqual(row.resolution_hours, 24.0)

    def test_roles(self):
        """Managers read it, within their companies; helpdesk users do not;
        nobody writes a report row."""
        self.env.flush_all()
        Report = self.env[REPORT]
        for user in (self.plan_manager, self.helpdesk_manager):
            with self.subTest(user=user.login):
                rows = Report.with_user(user).search(
                    [("ticket_id", "in", (self.tickets | self.ticket_b).ids)]
                )
                self.assertEqual(
                    set(rows.ids), {self.fast.id, self.slow.id, self.open.id}
                )
                self.assertNotIn(self.ticket_b.id, rows.ids)
                with self.assertRaises(AccessError):
                    rows[:1].write({"breach_count": 0})
                with self.assertRaises(AccessError):
                    Report.with_user(user).create({"ticket_count": 1})
                with self.assertRaises(AccessError):
                    rows[:1].unlink()
        for user in (self.helpdesk_user, self.own_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Report.with_user(user).search([]).read(["csat"])

    def test_views_and_menu(self):
        Report = self.env[REPORT].with_user(self.plan_manager)
        for view_type in ("pivot", "graph", "list", "search"):
            with self.subTest(view_type=view_type):
                self.assertTrue(Report.get_view(view_type=view_type)["arch"])
        menu = self.env.ref("crm_helpdesk_link.helpdesk_service_level_report_menu")
        visible = (
            self.env["ir.ui.menu"].with_user(self.plan_manager)._visible_menu_ids()
        )
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.own_user)._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)

    def _workbook(self, user, rows=None):
        """The workbook the user downloads: of rows, or from the menu."""
        Report = self.env[REPORT].with_user(user)
        action = (rows.with_user(user) if rows else Report).action_export_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        ids = action["context"]["active_ids"]
        content, fmt = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_xlsx("crm_helpdesk_link.helpdesk_service_level_xlsx", ids, {})
        )
        self.assertEqual(fmt, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def _sheet_rows(sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def test_xlsx_export_by_team_plan_customer_and_month(self):
        for ticket, name in (
            (self.fast, "Fast"),
            (self.slow, "Slow"),
            (self.open, "Open"),
        ):
            ticket.sudo().name = name
        self.env.flush_all()
        rows = self.env[REPORT].search([("ticket_id", "in", self.tickets.ids)])
        book = self._workbook(self.plan_manager, rows)
        self.assertEqual(
            book.sheetnames,
            ["Tickets", "By Team", "By Plan", "By Customer", "By Month"],
        )
        tickets = self._sheet_rows(book["Tickets"])
        self.assertEqual(tickets[0][:3], ["Opened On", "Subject", "Customer"])
        self.assertEqual(len(tickets), 4)
        by_subject = {row[1]: row for row in tickets[1:]}
        slow = by_subject[self.slow.name]
        self.assertEqual(slow[9], 24.0)  # resolution hours
        self.assertEqual(slow[12], "Dissatisfied")
        self.assertIsNone(by_subject[self.open.name][9])  # still open: blank
        expected = {
            "By Team": self.team.name,
            "By Plan": self.plan.display_name,
            "By Customer": self.customer.display_name,
            "By Month": "2026-03",
        }
        for title, key in expected.items():
            with self.subTest(sheet=title):
                header, *groups = self._sheet_rows(book[title])
                self.assertEqual(
                    header[1:4], ["Tickets", "Response Time (h)", "Resolution Time (h)"]
                )
                self.assertEqual(len(groups), 1)
                self.assertEqual(groups[0][0], key)
                # tickets, response, resolution, breaches, rate, rated, CSAT
                self.assertEqual(groups[0][1:4], [3, 1.0, 14.0])
                self.assertEqual(groups[0][4], 1)
                self.assertAlmostEqual(groups[0][5], 100 / 3)
                self.assertEqual(groups[0][6:], [2, 50.0])

    def test_xlsx_export_roles_and_companies(self):
        self.env.flush_all()
        # from the menu: every row the manager may read, none of company B
        for user in (self.plan_manager, self.helpdesk_manager):
            with self.subTest(user=user.login):
                book = self._workbook(user)
                subjects = [row[1] for row in self._sheet_rows(book["Tickets"])[1:]]
                self.assertNotIn("B ticket", subjects)
                self.assertIn(self.slow.name, subjects)
        # another company's rows, asked for by id
        row_b = self.env[REPORT].browse(self.ticket_b.id)
        with self.assertRaises(AccessError):
            row_b.with_user(self.plan_manager).action_export_xlsx()
        for user in (self.helpdesk_user, self.own_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[REPORT].with_user(user).action_export_xlsx()
        menu = self.env.ref("crm_helpdesk_link.helpdesk_service_level_report_menu_xlsx")
        hidden = self.env["ir.ui.menu"].with_user(self.helpdesk_user)
        self.assertNotIn(menu.id, hidden._visible_menu_ids())

    def test_xlsx_writes_subjects_as_text(self):
        self.slow.sudo().name = '=HYPERLINK("http://evil.example.com","Click")'
        self.env.flush_all()
        rows = self.env[REPORT].search([("ticket_id", "in", self.tickets.ids)])
        content, _fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_helpdesk_link.helpdesk_service_level_xlsx", rows.ids, {}
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
            names = book.namelist()
        self.assertNotIn("<f>", sheet)
        self.assertNotIn("<f ", sheet)
        self.assertFalse([n for n in names if "externalLink" in n])
        self.assertIn("=HYPERLINK(", strings)
