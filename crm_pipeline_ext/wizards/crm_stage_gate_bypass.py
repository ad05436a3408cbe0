# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.crm_lead_stage_gate import BYPASS_GROUP, BYPASS_KEY


class CrmStageGateBypass(models.TransientModel):
    _name = "crm.stage.gate.bypass"
    _description = "Move Opportunities Past a Stage Gate"

    lead_ids = fields.Many2many("crm.lead", string="Opportunities", required=True)
    stage_id = fields.Many2one("crm.stage", string="Target Stage", required=True)
    reason = fields.Text(required=True)
    missing = fields.Text(compute="_compute_missing", string="Not Met")

    @api.depends("lead_ids", "stage_id")
    def _compute_missing(self):
        for wizard in self:
            lines = []
            # the gate is read as superuser: only leads the user may read
            leads = wizard.lead_ids._origin._filtered_access("read")
            if wizard.stage_id and leads:
                failures = leads._get_gate_failures(wizard.stage_id)
                for lead, missing in failures.items():
                    lines.append(f"{lead.name}: {'; '.join(missing)}")
            wizard.missing = "\n".join(lines)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(BYPASS_GROUP):
            raise AccessError(
                self.env._("Only Stage Gate Bypass users can bypass a stage gate.")
            )
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason of the bypass."))
        self.lead_ids.with_context(**{BYPASS_KEY: self.reason}).write(
            {"stage_id": self.stage_id.id}
        )
        return {"type": "ir.actions.act_window_close"}
