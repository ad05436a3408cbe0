# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged


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


@tagged("post_install", "-at_install")
class TestManagerTour(HttpCase):
    def test_manager_tour(self):
        """A sales manager walks the pipeline (the gate hint on the card)
        and the KPI report (month with year, company, Excel menu)."""
        manager = new_test_user(
            self.env,
            login="tour_manager",
            name="Tour Manager",
            groups="sales_team.group_sale_manager",
        )
        Stage = self.env["crm.stage"]
        stage_open = Stage.create({"name": "Tour Hint Open", "sequence": -2})
        stage_gated = Stage.create(
            {
                "name": "Tour Hint Gated",
                "sequence": -1,
                "checklist_item_ids": [(0, 0, {"name": "Tour hint checklist"})],
            }
        )
        Lead = self.env["crm.lead"]
        values = {
            "type": "opportunity",
            "user_id": manager.id,
            "stage_id": stage_open.id,
        }
        Lead.create(dict(values, name="Tour Hint Lead"))
        Lead.create(
            dict(
                values,
                name="Tour Ready Lead",
                checklist_done_ids=[(6, 0, stage_gated.checklist_item_ids.ids)],
            )
        )
        # from the home screen: the CRM app opens on the pipeline, with menus
        self.start_tour(
            "/odoo",
            "crm_pipeline_ext_manager_tour",
            login="tour_manager",
        )


@tagged("post_install", "-at_install")
class TestWinLossTour(HttpCase):
    def test_win_loss_tour(self):
        """A salesperson sees who won their lost opportunity on its
        Competitors tab, and the loss in the Win/Loss report."""
        salesman = new_test_user(
            self.env,
            login="tour_wl_salesman",
            name="Tour WL Salesman",
            groups="sales_team.group_sale_salesman",
        )
        rival = self.env["crm.competitor"].create({"name": "Tour Rival"})
        reason = self.env["crm.lost.reason"].create({"name": "Tour Too expensive"})
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour Lost Deal",
                "type": "opportunity",
                "user_id": salesman.id,
                "expected_revenue": 12000,
                "competitor_line_ids": [
                    (
                        0,
                        0,
                        {
                            "competitor_id": rival.id,
                            "price": 9900,
                            "outcome": "won_them",
                        },
                    )
                ],
            }
        )
        lead.action_set_lost(lost_reason_id=reason.id)
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_pipeline_ext_competitor_tab_tour",
            login="tour_wl_salesman",
        )
        self.start_tour(
            "/odoo", "crm_pipeline_ext_win_loss_tour", login="tour_wl_salesman"
        )
