# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL


class CrmStage(models.Model):
    _inherit = "crm.stage"

    gate_field_ids = fields.Many2many(
        "ir.model.fields",
        "crm_stage_gate_field_rel",
        "stage_id",
        "field_id",
        string="Required Fields",
        domain="[('model', '=', 'crm.lead'), ('store', '=', True)]",
        help="Fields an opportunity must have set before it enters this stage.",
    )
    gate_domain = fields.Char(
        string="Gate Condition",
        help="Domain on opportunities that must hold before they enter this stage.",
    )
    gate_domain_label = fields.Char(
        string="Condition Description",
        translate=True,
        help="Shown to the user when the gate condition does not hold.",
    )
    checklist_item_ids = fields.One2many(
        "crm.stage.checklist.item", "stage_id", string="Checklist"
    )
    # One notion with Odoo's own "Days to rot": the suite's SLA (deadline,
    # escalation, stage history) reads the same value that drives core's
    # rotting badge. Kept as a stored column so existing data stays.
    expected_days = fields.Integer(
        string="Expected Days",
        related="rotting_threshold_days",
        readonly=False,
        store=True,
        help="Days an opportunity is expected to stay in this stage (Odoo's "
        "Days to rot); 0 means no limit, at most 36500. Opportunities staying "
        "longer show as rotting and are escalated.",
    )
    has_gate = fields.Boolean(compute="_compute_has_gate", compute_sudo=True)

    _expected_days_positive = models.Constraint(
        "CHECK(expected_days >= 0)", "Expected days cannot be negative."
    )

    def init(self):
        """Align the two day counts of databases where they were separate:
        the suite's value wins where it was set, else core's is taken."""
        res = super().init()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_stage SET rotting_threshold_days = expected_days"
                " WHERE expected_days > 0"
                " AND rotting_threshold_days IS DISTINCT FROM expected_days"
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE crm_stage SET expected_days = rotting_threshold_days"
                " WHERE expected_days IS NOT NULL"
                " AND expected_days IS DISTINCT FROM rotting_threshold_days"
                " AND rotting_threshold_days >= 0 RETURNING id"
            )
        )
        changed = [row[0] for row in self.env.cr.fetchall()]
        if changed:
            # the stored deadlines of the leads in those stages follow
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET stage_deadline = CASE"
                    " WHEN s.expected_days > 0 THEN"
                    " crm_lead.date_last_stage_update"
                    " + s.expected_days * INTERVAL '1 day' END"
                    " FROM crm_stage s WHERE s.id = crm_lead.stage_id"
                    " AND s.id IN %s",
                    tuple(changed),
                )
            )
        return res

    @api.depends("gate_field_ids", "gate_domain", "checklist_item_ids")
    def _compute_has_gate(self):
        for stage in self:
            stage.has_gate = bool(
                stage.gate_field_ids
                or stage._get_gate_domain()
                or stage.checklist_item_ids
            )

    def _get_gate_domain(self):
        self.ensure_one()
        if not self.gate_domain or not self.gate_domain.strip():
            return None
        domain = Domain(literal_eval(self.gate_domain.strip()))
        return None if domain.is_true() else domain

    @api.constrains("gate_domain")
    def _check_gate_domain(self):
        lead_model = self.env["crm.lead"]
        for stage in self:
            try:
                domain = stage._get_gate_domain()
                if domain is not None:
                    domain.validate(lead_model)
            except Exception as exc:
                raise ValidationError(
                    self.env._(
                        "The gate condition of stage %(stage)s is not a valid "
                        "domain on opportunities: %(error)s",
                        stage=stage.name,
                        error=exc,
                    )
                ) from exc

    @api.constrains("gate_field_ids")
    def _check_gate_fields(self):
        for stage in self:
            wrong = stage.gate_field_ids.filtered(lambda f: f.model != "crm.lead")
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Required fields of a stage must be opportunity fields: "
                        "%(fields)s",
                        fields=", ".join(wrong.mapped("field_description")),
                    )
                )
