# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


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
    expected_days = fields.Integer(
        help="Days an opportunity is expected to stay in this stage; 0 means no "
        "limit, at most 36500. Opportunities staying longer are flagged as "
        "overdue.",
    )
    has_gate = fields.Boolean(compute="_compute_has_gate", compute_sudo=True)

    _expected_days_positive = models.Constraint(
        "CHECK(expected_days >= 0)", "Expected days cannot be negative."
    )

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
