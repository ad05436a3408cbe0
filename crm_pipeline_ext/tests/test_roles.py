# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestRoles(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.territory = cls.env["crm.territory"].create(
            {
                "name": "Role Territory",
                "member_ids": [(0, 0, {"user_id": cls.salesman.id})],
            }
        )
        cls.lead = cls._lead(name="Role Lead", expected_revenue=10)
        cls.other_lead = cls._lead(name="Other Lead", user_id=cls.salesman2.id)
        cls.env["crm.forecast.snapshot"]._cron_freeze_forecast()

    def test_salesperson(self):
        user = self.salesman
        # configures nothing
        with self.assertRaises(AccessError):
            self.stage_proposal.with_user(user).write({"gate_domain": "[]"})
        with self.assertRaises(AccessError):
            self.env["crm.stage.checklist.item"].with_user(user).create(
                {"name": "x", "stage_id": self.stage_new.id}
            )
        with self.assertRaises(AccessError):
            self.territory.with_user(user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.lead.with_user(user).write({"forecast_override": "commit"})
        with self.assertRaises(AccessError):
            self.env["crm.stage.gate.bypass"].with_user(user).create(
                {
                    "lead_ids": [(6, 0, self.lead.ids)],
                    "stage_id": self.stage_proposal.id,
                    "reason": "x",
                }
            )
        # reads the gate it must meet, its own history, territories
        self.assertTrue(self.stage_proposal.with_user(user).checklist_item_ids)
        self.assertTrue(self.lead.with_user(user).stage_history_ids)
        self.assertTrue(
            self.env["crm.territory"]
            .with_user(user)
            .search([("id", "=", self.territory.id)])
        )
        # moves its own opportunity through ungated stages
        self.lead.with_user(user).write({"stage_id": self.stage_qualified.id})
        self.assertFalse(
            self.env["crm.lead.stage.history"]
            .with_user(user)
            .search([("lead_id", "=", self.other_lead.id)])
        )

    def test_team_leader(self):
        user = self.leader
        History = self.env["crm.lead.stage.history"].with_user(user)
        self.assertEqual(
            History.search(
                [("lead_id", "in", (self.lead | self.other_lead).ids)]
            ).lead_id,
            self.lead | self.other_lead,
        )
        Snapshot = self.env["crm.forecast.snapshot"].with_user(user)
        self.assertTrue(Snapshot.search([("user_id", "=", self.salesman2.id)]))
        with self.assertRaises(AccessError):
            self.lead.with_user(user).write({"forecast_override": "commit"})
        with self.assertRaises(AccessError):
            self.stage_proposal.with_user(user).write({"expected_days": 2})

    def test_sales_manager(self):
        user = self.manager
        self.stage_proposal.with_user(user).write(
            {"expected_days": 5, "gate_domain": "[('expected_revenue', '>', 0)]"}
        )
        self.env["crm.stage.checklist.item"].with_user(user).create(
            {"name": "Demo done", "stage_id": self.stage_proposal.id}
        )
        self.lead.with_user(user).write({"forecast_override": "commit"})
        self.assertEqual(self.lead.forecast_category, "commit")
        self.assertTrue(
            self.env["crm.salesperson.kpi.report"]
            .with_user(user)
            .search([("user_id", "=", self.salesman2.id)])
        )
        # the audit trail cannot be rewritten, even by a manager
        with self.assertRaises(AccessError):
            self.lead.stage_history_ids.with_user(user).write({"days_in_stage": 0})

    def test_other_company_user(self):
        user = self.other_user
        leads = self.lead | self.other_lead
        for model, domain in (
            ("crm.lead", [("id", "in", leads.ids)]),
            ("crm.lead.stage.history", [("lead_id", "in", leads.ids)]),
            ("crm.territory", [("id", "=", self.territory.id)]),
            ("crm.territory.member", [("territory_id", "=", self.territory.id)]),
            ("crm.forecast.snapshot", [("user_id", "in", [self.salesman.id])]),
            ("crm.salesperson.kpi.report", [("user_id", "=", self.salesman.id)]),
        ):
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(user).search(domain))
