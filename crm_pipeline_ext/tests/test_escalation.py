# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 16, item 21: an overdue lead is escalated even when its team has no
leader: to the salesperson's manager (HR), else to the company's fallback."""

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestEscalation(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leaderless = cls.env["crm.team"].create(
            {"name": "No Leader Team", "user_id": False}
        )
        cls.fallback = cls._user(
            "fallback", "Escalation Fallback", "sales_team.group_sale_salesman"
        )
        cls.activity_type = cls.env.ref(
            "crm_pipeline_ext.mail_activity_type_stage_escalation"
        )

    def _overdue(self, **vals):
        lead = self._lead(team_id=self.leaderless.id, **vals)
        lead.stage_id = self.stage_qualified
        lead.date_last_stage_update = "2026-01-01 08:00:00"
        return lead

    def _escalations(self, leads):
        with freeze_time("2026-01-10 08:00:00"):
            self.assertTrue(all(leads.mapped("is_stage_overdue")))
            self.env["crm.lead"]._cron_escalate_overdue()
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_company_fallback_user(self):
        lead = self._overdue()
        self.assertFalse(self._escalations(lead), "nobody to tell yet")
        self.company.crm_escalation_user_id = self.fallback
        activity = self._escalations(lead)
        self.assertEqual(activity.user_id, self.fallback)
        # once, however often the cron runs
        self.assertEqual(self._escalations(lead), activity)

    def test_team_leader_first(self):
        self.company.crm_escalation_user_id = self.fallback
        lead = self._overdue()
        lead.team_id = self.team
        self.assertEqual(self._escalations(lead).user_id, self.leader)
        # an archived leader is no leader
        other = self._overdue(name="Archived leader")
        archived = self._user("gone", "Gone Leader", "sales_team.group_sale_salesman")
        other.team_id = self.env["crm.team"].create(
            {"name": "Gone team", "user_id": archived.id}
        )
        archived.active = False
        self.assertEqual(self._escalations(other).user_id, self.fallback)

    def test_salesperson_manager_when_hr_is_installed(self):
        # hr is optional: the code checks the registry at run time, and so
        # does this test (it runs wherever hr is installed)
        if "hr.employee" not in self.env:
            self.skipTest("hr is not installed")
        boss = self._user("boss", "Sales Boss", "sales_team.group_sale_salesman")
        Employee = self.env["hr.employee"]
        boss_employee = Employee.create({"name": "Boss", "user_id": boss.id})
        Employee.create(
            {
                "name": "Salesman",
                "user_id": self.salesman.id,
                "parent_id": boss_employee.id,
            }
        )
        self.company.crm_escalation_user_id = self.fallback
        lead = self._overdue()
        self.assertEqual(self._escalations(lead).user_id, boss)
        # without a manager, the company's fallback
        other = self._overdue(name="No manager", user_id=self.salesman2.id)
        self.assertEqual(self._escalations(other).user_id, self.fallback)

    def test_fallback_must_be_an_internal_user_of_the_company(self):
        portal = self._user("portal_esc", "Portal", "base.group_portal")
        with self.assertRaises(ValidationError):
            self.company.crm_escalation_user_id = portal
        with self.assertRaises(ValidationError):
            self.company.crm_escalation_user_id = self.other_user
        self.company.invalidate_recordset()
        self.assertFalse(self.company.crm_escalation_user_id)
        settings = self.env["res.config.settings"].create(
            {"crm_escalation_user_id": self.fallback.id}
        )
        settings.execute()
        self.assertEqual(self.company.crm_escalation_user_id, self.fallback)
