# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestStageGate(PipelineCommon):
    def test_gate_lists_what_is_missing(self):
        lead = self._lead(probability=10)
        with self.assertRaises(ValidationError) as err:
            lead.with_user(self.salesman).write({"stage_id": self.stage_proposal.id})
        message = str(err.exception)
        self.assertIn("Expected Revenue", message)
        self.assertIn("field Contact", message)
        self.assertIn("Probability at least 30%", message)
        self.assertIn("Budget confirmed", message)
        self.assertEqual(lead.stage_id, self.stage_new)

    def test_gate_only_lists_remaining(self):
        lead = self._lead(probability=10, partner_id=self.partner.id)
        lead.expected_revenue = 1000
        with self.assertRaises(ValidationError) as err:
            lead.write({"stage_id": self.stage_proposal.id})
        message = str(err.exception)
        self.assertNotIn("Expected Revenue", message)
        self.assertNotIn("field Contact", message)
        self.assertIn("Budget confirmed", message)

    def test_gate_passes_when_met(self):
        lead = self._lead(partner_id=self.partner.id, probability=50)
        lead.write(
            {
                "expected_revenue": 500,
                "checklist_done_ids": [(4, self.item_budget.id)],
            }
        )
        lead.with_user(self.salesman).write({"stage_id": self.stage_proposal.id})
        self.assertEqual(lead.stage_id, self.stage_proposal)

    def test_gate_on_create_and_import(self):
        with self.assertRaises(ValidationError):
            self._lead(stage_id=self.stage_proposal.id)
        result = self.env["crm.lead"].load(
            ["name", "type", "stage_id/id"],
            [["Imported", "opportunity", self._xmlid(self.stage_proposal)]],
        )
        self.assertFalse(result["ids"])
        self.assertTrue(
            any("Budget confirmed" in m["message"] for m in result["messages"])
        )
        self.assertFalse(self.env["crm.lead"].search([("name", "=", "Imported")]))

    def _xmlid(self, record):
        self.env["ir.model.data"].create(
            {
                "module": "__test__",
                "name": f"stage_{record.id}",
                "model": record._name,
                "res_id": record.id,
            }
        )
        return f"__test__.stage_{record.id}"

    def test_bypass_logged_with_reason(self):
        lead = self._lead(user_id=self.bypasser.id)
        lead.with_user(self.bypasser).with_context(
            pipeline_gate_bypass_reason="CEO approved"
        ).write({"stage_id": self.stage_proposal.id})
        self.assertEqual(lead.stage_id, self.stage_proposal)
        body = lead.message_ids[0].body
        self.assertIn("CEO approved", body)
        self.assertIn("Budget confirmed", body)

    def test_bypass_logs_one_note_per_lead(self):
        no_partner = self._lead(user_id=self.bypasser.id)
        with_partner = self._lead(user_id=self.bypasser.id, partner_id=self.partner.id)
        (no_partner | with_partner).with_user(self.bypasser).with_context(
            pipeline_gate_bypass_reason="Batch approved"
        ).write({"stage_id": self.stage_proposal.id})
        notes = {}
        for lead in no_partner | with_partner:
            note = lead.message_ids.filtered(
                lambda m: "Batch approved" in (m.body or "")
            )
            self.assertEqual(len(note), 1)
            self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
            self.assertEqual(note.author_id, self.bypasser.partner_id)
            notes[lead] = note.body
        # each note lists what its own lead misses
        self.assertIn("field Contact", notes[no_partner])
        self.assertNotIn("field Contact", notes[with_partner])
        self.assertIn("Budget confirmed", notes[with_partner])

    def test_bypass_context_ignored_without_group(self):
        lead = self._lead()
        with self.assertRaises(ValidationError):
            lead.with_user(self.salesman).with_context(
                pipeline_gate_bypass_reason="I said so"
            ).write({"stage_id": self.stage_proposal.id})
        self.assertEqual(lead.stage_id, self.stage_new)

    def test_bypass_wizard(self):
        lead = self._lead(user_id=self.bypasser.id)
        wizard = (
            self.env["crm.stage.gate.bypass"]
            .with_user(self.bypasser)
            .create(
                {
                    "lead_ids": [(6, 0, lead.ids)],
                    "stage_id": self.stage_proposal.id,
                    "reason": "Signed on paper",
                }
            )
        )
        self.assertIn("Budget confirmed", wizard.missing)
        wizard.action_confirm()
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertIn("Signed on paper", lead.message_ids[0].body)
        with self.assertRaises(AccessError):
            self.env["crm.stage.gate.bypass"].with_user(self.salesman).create(
                {
                    "lead_ids": [(6, 0, lead.ids)],
                    "stage_id": self.stage_new.id,
                    "reason": "x",
                }
            )

    def test_invalid_gate_domain(self):
        for bad in ("[('no_such_field', '=', 1)]", "[('name', '=',", "42"):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                with mute_logger("odoo.sql_db"):
                    self.stage_new.write({"gate_domain": bad})
        self.assertFalse(self.stage_new.gate_domain)
        self.stage_new.gate_domain = "[]"
        self.assertFalse(self.stage_new.has_gate)

    def test_gate_error_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_pipeline_ext"], ["es_ES"], overwrite=True
        )
        lead = self._lead(probability=10)
        with self.assertRaises(ValidationError) as err:
            lead.with_context(lang="es_ES").write({"stage_id": self.stage_proposal.id})
        self.assertIn("no puede entrar en la etapa", str(err.exception))
        self.assertIn("comprobaciones Budget confirmed", str(err.exception))

    # issue 16, item 8: a gate holds however the stage is chosen on create

    def test_gate_on_create_with_default_stage(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        with self.assertRaises(ValidationError):
            Lead.with_context(default_stage_id=self.stage_proposal.id).create(
                {"name": "Straight to proposal", "user_id": self.salesman.id}
            )
        self.assertFalse(
            self.env["crm.lead"].search([("name", "=", "Straight to proposal")])
        )
        # the bypass right with a reason still works, and is logged
        lead = (
            self.env["crm.lead"]
            .with_user(self.bypasser)
            .with_context(
                default_stage_id=self.stage_proposal.id,
                pipeline_gate_bypass_reason="Signed at the fair",
            )
            .create({"name": "Fair deal", "user_id": self.bypasser.id})
        )
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertIn("Signed at the fair", lead.message_ids[0].body)
        # a team whose first stage is gated: its new leads meet the gate too
        self.stage_proposal.sequence = 0
        team = self.env["crm.team"].create({"name": "Gated first"})
        self.stage_proposal.team_ids = team
        with self.assertRaises(ValidationError):
            Lead.create(
                {"name": "Team default", "team_id": team.id, "type": "opportunity"}
            )

    # issue 16, item 18

    def test_salesperson_duplicates_own_lead(self):
        lead = self._lead(name="Mine", expected_revenue=10)
        self.assertFalse(self.salesman.has_group("sales_team.group_sale_manager"))
        copy = lead.with_user(self.salesman).copy()
        self.assertEqual(copy.user_id, self.salesman)
        self.assertIn("Mine", copy.name)
        # a manager's override stays on the original
        lead.with_user(self.manager).forecast_override = "commit"
        copy = lead.with_user(self.manager).copy()
        self.assertFalse(copy.forecast_override)
        self.assertEqual(lead.forecast_override, "commit")
