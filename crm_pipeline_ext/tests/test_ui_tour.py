# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestGateTour(HttpCase):
    def test_gate_tour(self):
        Stage = self.env["crm.stage"]
        stage_open = Stage.create({"name": "Tour Open", "sequence": 0})
        stage_gated = Stage.create(
            {
                "name": "Tour Gated",
                "sequence": 0,
                "checklist_item_ids": [(0, 0, {"name": "Tour checklist item"})],
            }
        )
        admin = self.env.ref("base.user_admin")
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Gate Lead",
                "type": "opportunity",
                "user_id": admin.id,
                "stage_id": stage_open.id,
            }
        )
        self.start_tour(
            "/odoo/action-crm.crm_lead_action_pipeline",
            "crm_pipeline_ext_gate_tour",
            login="admin",
        )
        self.assertEqual(lead.stage_id, stage_open)
        self.assertNotEqual(lead.stage_id, stage_gated)
