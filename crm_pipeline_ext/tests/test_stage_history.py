# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestStageHistory(PipelineCommon):
    def test_history_recorded(self):
        with freeze_time("2026-01-01 08:00:00"):
            lead = self._lead()
            # crm stamps stage changes with the transaction time, which
            # freeze_time does not move
            lead.date_last_stage_update = "2026-01-01 08:00:00"
        with freeze_time("2026-01-03 08:00:00"):
            lead.with_user(self.salesman).write({"stage_id": self.stage_qualified.id})
        history = lead.stage_history_ids.sorted("id")
        self.assertEqual(len(history), 2)
        self.assertFalse(history[0].stage_from_id)
        self.assertEqual(history[1].stage_from_id, self.stage_new)
        self.assertEqual(history[1].stage_to_id, self.stage_qualified)
        self.assertEqual(history[1].user_id, self.salesman)
        self.assertAlmostEqual(history[1].days_in_stage, 2.0, places=2)
        self.assertTrue(history[1].is_forward)
        self.assertEqual(lead.stage_history_count, 2)
        # no row when the stage does not change
        lead.write({"stage_id": self.stage_qualified.id, "name": "Renamed"})
        self.assertEqual(len(lead.stage_history_ids), 2)

    def test_overdue_and_escalation(self):
        lead = self._lead()
        lead.stage_id = self.stage_qualified
        lead.date_last_stage_update = "2026-01-01 08:00:00"
        fresh = self._lead(name="Fresh")
        fresh.stage_id = self.stage_qualified
        fresh.date_last_stage_update = "2026-01-03 08:00:00"
        with freeze_time("2026-01-05 08:00:00"):
            self.assertTrue(lead.is_stage_overdue)
            self.assertFalse(fresh.is_stage_overdue)
            overdue = self.env["crm.lead"].search(
                [("is_stage_overdue", "=", True), ("team_id", "=", self.team.id)]
            )
            self.assertEqual(overdue, lead)
            Lead = self.env["crm.lead"]
            Lead._cron_escalate_overdue()
            Lead._cron_escalate_overdue()
            activity_type = self.env.ref(
                "crm_pipeline_ext.mail_activity_type_stage_escalation"
            )
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", (lead | fresh).ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.res_id, lead.id)
            self.assertEqual(activities.user_id, self.leader)

    def test_history_visibility(self):
        mine = self._lead(user_id=self.salesman.id)
        theirs = self._lead(user_id=self.salesman2.id)
        History = self.env["crm.lead.stage.history"]
        seen = History.with_user(self.salesman).search(
            [("lead_id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(seen.lead_id, mine)
        seen = History.with_user(self.leader).search(
            [("lead_id", "in", (mine | theirs).ids)]
        )
        self.assertEqual(seen.lead_id, mine | theirs)
        seen = History.with_user(self.other_user).search(
            [("lead_id", "in", (mine | theirs).ids)]
        )
        self.assertFalse(seen)
        with self.assertRaises(AccessError):
            History.with_user(self.manager).create(
                {"lead_id": mine.id, "stage_to_id": self.stage_new.id}
            )
        with self.assertRaises(AccessError):
            mine.stage_history_ids.with_user(self.manager).write({"days_in_stage": 9})
