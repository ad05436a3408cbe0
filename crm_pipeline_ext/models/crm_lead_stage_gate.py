# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

BYPASS_GROUP = "crm_pipeline_ext.group_pipeline_bypass"
# Context key carrying the reason of a gate bypass. It is only honoured for
# members of the bypass group, so passing it over RPC grants nothing.
BYPASS_KEY = "pipeline_gate_bypass_reason"


def is_set(value):
    """Whether a gate field has a value. A NaN or infinite number (stored by
    SQL or an import) is no amount at all: the gate counts it as missing,
    as it does 0."""
    if isinstance(value, float):
        return bool(value) and math.isfinite(value)
    return bool(value)


class CrmLead(models.Model):
    """Stage gates: what an opportunity must have to enter a stage, and the
    logged bypass. Enforced from the create and write hooks of crm_lead.py."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    checklist_done_ids = fields.Many2many(
        "crm.stage.checklist.item",
        "crm_lead_checklist_done_rel",
        "lead_id",
        "item_id",
        help="Stage gate checklist items this opportunity has completed.",
    )
    gate_next_hint = fields.Char(
        string="Next Stage Needs",
        compute="_compute_gate_next_hint",
        help="What the gate of the next stage still misses on this opportunity, "
        "shown on its card before anyone tries to move it.",
    )

    @api.depends("stage_id", "team_id", "type", "won_status", "checklist_done_ids")
    def _compute_gate_next_hint(self):
        """Set-based: the stage order is read once, and each next stage's gate
        is checked once for all the leads heading to it."""
        self.gate_next_hint = False
        leads = self.filtered(
            lambda lead: lead.id
            and lead.type == "opportunity"
            and lead.stage_id
            and lead.won_status == "pending"
        )
        if not leads:
            return
        # sudo: the stage order, as the pipeline's columns show it
        stages = self.env["crm.stage"].sudo().search([])
        position = {stage.id: index for index, stage in enumerate(stages)}
        next_stage = {}
        heading = defaultdict(list)
        for lead in leads:
            key = (lead.stage_id.id, lead.team_id.id)
            if key not in next_stage:
                next_stage[key] = next(
                    (
                        stage
                        for stage in stages[position.get(key[0], len(stages)) + 1 :]
                        if not stage.team_ids or key[1] in stage.team_ids.ids
                    ),
                    None,
                )
            stage = next_stage[key]
            if stage and stage.has_gate:
                heading[stage].append(lead.id)
        for stage, lead_ids in heading.items():
            failures = self.browse(lead_ids)._get_gate_failures(stage)
            for lead, missing in failures.items():
                lead.gate_next_hint = self.env._(
                    "%(stage)s needs %(missing)s",
                    stage=stage.name,
                    missing="; ".join(missing),
                )

    def _get_gate_failures(self, stage):
        """Return {lead: [what is missing]} for the leads failing ``stage``'s gate.

        Read as superuser: the gate is a business rule, it must see the fields
        it checks whatever the rights of the user moving the opportunity.
        """
        failures = {}
        # sudo: the gate sees the fields it checks; it returns only what is missing
        leads = self.sudo()
        # sudo: the gate's definition (fields, checklist) of the target stage
        stage = stage.sudo()
        domain = stage._get_gate_domain()
        passing = leads
        if domain is not None:
            passing = leads.with_context(active_test=False).search(
                Domain("id", "in", leads.ids) & domain
            )
        gate_fields = stage.gate_field_ids.filtered(lambda f: f.name in self._fields)
        items = stage.checklist_item_ids
        for lead in leads:
            missing = [
                self.env._("field %(field)s", field=field.field_description)
                for field in gate_fields
                if not is_set(lead[field.name])
            ]
            if domain is not None and lead not in passing:
                missing.append(
                    self.env._(
                        "condition %(condition)s",
                        condition=stage.gate_domain_label or stage.gate_domain,
                    )
                )
            todo = items - lead.checklist_done_ids
            if todo:
                missing.append(
                    self.env._(
                        "checklist %(items)s", items=", ".join(todo.mapped("name"))
                    )
                )
            if missing:
                failures[lead.with_env(self.env)] = missing
        return failures

    def _check_stage_gates(self):
        """Enforce the gate of each lead's current stage, or log the bypass."""
        reason = (self.env.context.get(BYPASS_KEY) or "").strip()
        can_bypass = bool(reason) and self.env.user.has_group(BYPASS_GROUP)
        errors = []
        bypassed = []
        for stage in self.stage_id.filtered("has_gate"):
            leads = self.filtered(lambda lead, s=stage: lead.stage_id == s)
            for lead, missing in leads._get_gate_failures(stage).items():
                if can_bypass:
                    bypassed.append((lead, missing))
                else:
                    errors.append(
                        self.env._(
                            '"%(lead)s" cannot enter stage "%(stage)s"; '
                            "missing: %(missing)s.",
                            lead=lead.name,
                            stage=stage.name,
                            missing="; ".join(missing),
                        )
                    )
        if errors:
            raise ValidationError("\n".join(errors))
        if not bypassed:
            return
        # one note per bypassed lead, created in one batch (the user just
        # wrote these leads, so logging on them needs no further check)
        bodies = {
            lead.id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Stage gate of %(stage)s bypassed by %(user)s. "
                    "Reason: %(reason)s. Missing:",
                    stage=lead.stage_id.name,
                    user=self.env.user.name,
                    reason=reason,
                ),
                Markup().join(Markup("<li>%s</li>") % m for m in missing),
            )
            for lead, missing in bypassed
        }
        self.browse(bodies)._message_log_batch(bodies, message_type="comment")

    def action_open_gate_bypass(self):
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bypass Stage Gate"),
            "res_model": "crm.stage.gate.bypass",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }
