# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from .crm_forecast_snapshot import FORECAST_CATEGORIES
from .numeric_guard import finite

# Context key that creates leads without routing them; honoured only for code
# running as superuser, so passing it over RPC changes nothing.
NO_ROUTING_KEY = "crm_pipeline_ext_no_routing"


class CrmLead(models.Model):
    """Territory and forecast of a lead, its stage history, and the hooks
    that run the stage gates, the history and the routing on every create
    and stage change."""

    _inherit = "crm.lead"

    # The salesperson KPI report reads every lead's grouping columns in id
    # order, merge-joined to the activity index of mail.message: an
    # index-only read instead of a hash of all leads that spills out of
    # work_mem as they grow. Dropped with the module.
    _crm_pipeline_ext_kpi_idx = models.Index(
        "(id, user_id, team_id, company_id, create_date)"
    )

    territory_id = fields.Many2one(
        "crm.territory",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Sales territory the lead was routed through.",
    )
    # not copied: a manager's judgement on one opportunity, and a field the
    # salesperson duplicating their lead cannot read
    forecast_override = fields.Selection(
        FORECAST_CATEGORIES,
        tracking=True,
        copy=False,
        groups="sales_team.group_sale_manager",
        help="Set by a sales manager to replace the forecast category computed "
        "from the probability; every change is logged in the chatter.",
    )
    forecast_category = fields.Selection(
        FORECAST_CATEGORIES,
        compute="_compute_forecast_category",
        store=True,
        help="Won: closed; 90% or more: commit; 50% or more: best case; "
        "otherwise pipeline; unless a manager overrides it.",
    )
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")
    competitor_line_ids = fields.One2many(
        "crm.lead.competitor",
        "lead_id",
        string="Competitors",
        help="Who else bid for this opportunity, their price and who won.",
    )
    stage_history_count = fields.Integer(compute="_compute_stage_history_count")

    @api.depends("probability", "won_status", "forecast_override")
    def _compute_forecast_category(self):
        for lead in self:
            # a NaN or infinite probability says nothing about the deal: it
            # counts as 0, the pipeline (the database refuses one on a saved
            # lead, a record being edited may still hold one)
            probability = finite(lead.probability)
            if lead.won_status == "won":
                lead.forecast_category = "closed"
            elif lead.forecast_override:
                lead.forecast_category = lead.forecast_override
            elif probability >= 90:
                lead.forecast_category = "commit"
            elif probability >= 50:
                lead.forecast_category = "best_case"
            else:
                lead.forecast_category = "pipeline"

    @api.depends("stage_history_ids")
    def _compute_stage_history_count(self):
        counts = dict(
            self.env["crm.lead.stage.history"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.stage_history_count = counts.get(lead, 0)

    def _record_stage_history(self, previous):
        """Write one history row per lead; ``previous`` maps lead id to the
        (stage, date entered) it left."""
        now = fields.Datetime.now()
        vals_list = []
        for lead in self:
            from_stage, date_from = previous.get(lead.id, (False, False))
            days = (now - date_from).total_seconds() / 86400.0 if date_from else 0.0
            vals_list.append(
                {
                    "lead_id": lead.id,
                    "stage_from_id": from_stage and from_stage.id,
                    "stage_to_id": lead.stage_id.id,
                    "user_id": self.env.uid,
                    "salesperson_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "date_from": date_from or now,
                    "date": now,
                    "days_in_stage": days,
                    "expected_days": from_stage and from_stage.expected_days or 0,
                }
            )
        # The history is an audit log: users read it, only this code writes it.
        # sudo: rows for the leads just written (access checked); read stays ruled
        self.env["crm.lead.stage.history"].sudo().create(vals_list)

    def action_view_stage_history(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline_ext.crm_lead_stage_history_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # every created lead meets the gate of the stage it lands in, however
        # the stage was chosen (values, default_stage_id, the team's first)
        staged = leads.filtered("stage_id")
        if staged:
            staged._check_stage_gates()
            staged._record_stage_history({})
        # Routing is a company rule: only code already running as superuser
        # (imports of test and benchmark data) may create leads unrouted.
        if not (self.env.su and self.env.context.get(NO_ROUTING_KEY)):
            to_route = self.browse(
                lead.id
                for lead, vals in zip(leads, vals_list, strict=True)
                if not vals.get("user_id") and lead.won_status == "pending"
            )
            if to_route:
                self.env["crm.territory"]._route_leads(to_route)
        return leads

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        previous = {
            lead.id: (lead.stage_id, lead.date_last_stage_update) for lead in self
        }
        result = super().write(vals)
        changed = self.filtered(
            lambda lead: lead.stage_id and lead.stage_id != previous[lead.id][0]
        )
        if changed:
            changed._check_stage_gates()
            changed._record_stage_history(previous)
        return result
