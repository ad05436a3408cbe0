# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models
from odoo.exceptions import AccessError, UserError


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
    # Bookkeeping of the wizard (read-only: only its own buttons set them,
    # see models/base.py): the preview is what Apply moves.
    state = fields.Selection(
        [("draft", "Draft"), ("preview", "Preview"), ("done", "Done")],
        default="draft",
        readonly=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "crm.territory.realign.line",
        "wizard_id",
        string="Changes",
        readonly=True,
        copy=False,
    )
    move_count = fields.Integer(compute="_compute_move_count")
    over_capacity_count = fields.Integer(compute="_compute_move_count")

    def _compute_move_count(self):
        for wizard in self:
            wizard.move_count = len(wizard.line_ids)
            wizard.over_capacity_count = len(
                wizard.line_ids.filtered("is_over_capacity")
            )

    def _open_leads(self):
        return self.env["crm.lead"].search(
            [("active", "=", True), ("won_status", "=", "pending")]
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "name": self.env._("Realign Territories"),
            "view_mode": "form",
            "target": "new",
        }

    def _write_bookkeeping(self, vals):
        self.check_access("write")
        # sudo: the wizard's own preview lines and state, on a wizard the
        # user may write (checked above); leads are checked again on Apply
        return self.sudo().write(vals)

    def action_preview(self):
        """Dry run: compute where each open lead would go, change nothing."""
        self.ensure_one()
        self.territory_ids.check_access("read")
        plan = self.env["crm.territory"]._plan_routing(
            self._open_leads(), keep_members=self.keep_salesperson
        )
        lines = []
        for lead, (territory, user) in plan.items():
            # a realign never takes a lead away from its salesperson to leave
            # it unassigned: when nobody can take it, it stays with them
            user = user or lead.user_id
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
        self._set_loads_after(lines)
        self._write_bookkeeping(
            {
                "line_ids": [(5, 0, 0)] + [(0, 0, vals) for vals in lines],
                "state": "preview",
            }
        )
        return self._reopen()

    def _set_loads_after(self, lines):
        """Add to each line the load its salesperson will carry once every
        line is applied, against their capacity in the new territory."""
        Territory = self.env["crm.territory"]
        Users = self.env["res.users"]
        users = Users.browse({v["new_user_id"] for v in lines if v["new_user_id"]})
        # sudo: the loads the routing itself compares with the capacities
        loads = dict(Territory.sudo()._get_open_loads(users))
        for vals in lines:
            if vals["new_user_id"] != vals["old_user_id"]:
                for key, step in (("new_user_id", 1), ("old_user_id", -1)):
                    if vals[key]:
                        loads[vals[key]] = loads.get(vals[key], 0) + step
        # sudo: the capacities of the members of the target territories
        members = Territory.sudo().browse({v["new_territory_id"] for v in lines})
        capacity = {
            (m.territory_id.id, m.user_id.id): m.capacity for m in members.member_ids
        }
        for vals in lines:
            cap = capacity.get((vals["new_territory_id"], vals["new_user_id"]))
            load = loads.get(vals["new_user_id"], 0)
            vals["load_after"] = load if vals["new_user_id"] else 0
            vals["capacity"] = cap or 0
            vals["is_over_capacity"] = bool(cap and load > cap)

    def action_apply(self):
        self.ensure_one()
        if self.state != "preview":
            raise UserError(self.env._("Preview the changes before applying them."))
        lines = self.line_ids
        leads = lines.lead_id.exists()
        if leads != lines.lead_id:
            raise UserError(
                self.env._("Some leads of the preview are gone: preview again.")
            )
        # the routing below writes as superuser: the user must be able to
        # read and change every lead it moves, and see where it moves them
        leads.check_access("read")
        leads.check_access("write")
        lines.new_territory_id.check_access("read")
        for line in lines:
            company = line.new_territory_id.company_id
            lead_company = line.lead_id.company_id
            if company and lead_company and lead_company != company:
                raise AccessError(
                    self.env._(
                        "Lead %(lead)s belongs to another company than "
                        "territory %(territory)s.",
                        lead=line.lead_id.display_name,
                        territory=line.new_territory_id.display_name,
                    )
                )
        plan = {
            line.lead_id: (line.new_territory_id, line.new_user_id) for line in lines
        }
        self.env["crm.territory"]._apply_routing(plan, track=True)
        self._write_bookkeeping({"state": "done"})
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
    user_kept = fields.Boolean(
        string="Same Salesperson",
        compute="_compute_user_kept",
        help="The lead changes territory and keeps its salesperson.",
    )
    load_after = fields.Integer(
        readonly=True,
        copy=False,
        help="Open leads the salesperson will hold once the preview is applied.",
    )
    capacity = fields.Integer(
        readonly=True,
        copy=False,
        help="Capacity of the salesperson in the new territory (0: not a member).",
    )
    is_over_capacity = fields.Boolean(
        string="Over Capacity",
        readonly=True,
        copy=False,
        help="The salesperson will hold more open leads than their capacity.",
    )

    def _compute_user_kept(self):
        for line in self:
            line.user_kept = bool(line.new_user_id) and (
                line.new_user_id == line.old_user_id
            )
