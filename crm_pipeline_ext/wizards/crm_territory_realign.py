# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models
from odoo.exceptions import UserError


class CrmTerritoryRealign(models.TransientModel):
    _name = "crm.territory.realign"
    _description = "Realign Leads to Territories"

    territory_ids = fields.Many2many(
        "crm.territory",
        string="Territories",
        help="Limit to leads now in these territories or that would move into "
        "them; empty means every open lead.",
    )
    keep_salesperson = fields.Boolean(
        default=True,
        help="Keep the current salesperson when they are a member of the "
        "lead's new territory.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Preview"), ("done", "Done")],
        default="draft",
    )
    line_ids = fields.One2many(
        "crm.territory.realign.line", "wizard_id", string="Changes"
    )
    move_count = fields.Integer(compute="_compute_move_count")

    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.line_ids)

    def _open_leads(self):
        return self.env["crm.lead"].search(
            [("active", "=", True), ("won_status", "=", "pending")]
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_preview(self):
        """Dry run: compute where each open lead would go, change nothing."""
        self.ensure_one()
        plan = self.env["crm.territory"]._plan_routing(
            self._open_leads(), keep_members=self.keep_salesperson
        )
        lines = []
        for lead, (territory, user) in plan.items():
            if lead.territory_id == territory and lead.user_id == user:
                continue
            if self.territory_ids and not (
                (lead.territory_id | territory) & self.territory_ids
            ):
                continue
            lines.append(
                {
                    "lead_id": lead.id,
                    "old_territory_id": lead.territory_id.id,
                    "new_territory_id": territory.id,
                    "old_user_id": lead.user_id.id,
                    "new_user_id": user.id,
                }
            )
        self.line_ids = [(5, 0, 0)] + [(0, 0, vals) for vals in lines]
        self.state = "preview"
        return self._reopen()

    def action_apply(self):
        self.ensure_one()
        if self.state != "preview":
            raise UserError(self.env._("Preview the changes before applying them."))
        plan = {
            line.lead_id: (line.new_territory_id, line.new_user_id)
            for line in self.line_ids
        }
        self.env["crm.territory"]._apply_routing(plan, track=True)
        self.state = "done"
        return self._reopen()


class CrmTerritoryRealignLine(models.TransientModel):
    _name = "crm.territory.realign.line"
    _description = "Realign Preview Line"

    wizard_id = fields.Many2one(
        "crm.territory.realign", required=True, ondelete="cascade"
    )
    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade")
    old_territory_id = fields.Many2one("crm.territory", string="From Territory")
    new_territory_id = fields.Many2one("crm.territory", string="To Territory")
    old_user_id = fields.Many2one("res.users", string="From Salesperson")
    new_user_id = fields.Many2one("res.users", string="To Salesperson")
