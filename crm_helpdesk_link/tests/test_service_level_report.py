# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service-level report: times, breach rate and CSAT (issue 18)."""

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
