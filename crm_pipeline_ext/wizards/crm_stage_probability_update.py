# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError


class CrmStageProbabilityUpdate(models.TransientModel):
    """The mass update of OCA crm_stage_probability: the open opportunities
    of the chosen stages take the stage's probability. For sales managers;
    the leads written are those the manager may write (their companies')."""

    _name = "crm.stage.probability.update"
    _description = "Apply Stage Probabilities to Opportunities"

    stage_ids = fields.Many2many(
        "crm.stage",
        string="Stages",
        domain="[('on_change', '=', True)]",
        default=lambda self: self._default_stages(),
        help="Stages that change the probability automatically.",
    )
    lead_count = fields.Integer(
        string="Opportunities to Update", compute="_compute_lead_count"
    )

    @api.model
    def _default_stages(self):
        if self.env.context.get("active_model") != "crm.stage":
            return self.env["crm.stage"]
        stages = self.env["crm.stage"].browse(self.env.context.get("active_ids", []))
        return stages.exists().filtered("on_change")

    @api.depends("stage_ids")
    def _compute_lead_count(self):
        for wizard in self:
            wizard.lead_count = self.env["crm.lead"].search_count(
                wizard.stage_ids._off_probability_domain()
            )

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only a sales manager applies stage probabilities.")
            )
        updated = self.stage_ids._apply_stage_probability()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s opportunities now have their stage's probability.",
                    count=len(updated),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
