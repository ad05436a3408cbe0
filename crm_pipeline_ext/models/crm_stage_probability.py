# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A probability per stage, as OCA ``crm_stage_probability`` has it (see
docs/decisions/stage_probability.md): a stage marked "Change Probability
Automatically" gives its probability to the opportunities that enter it,
unless the same write sets one; a mass update applies it to those already
there."""

from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.fields import Domain

from .numeric_guard import FiniteFloat


class CrmStage(models.Model):
    _inherit = "crm.stage"  # pylint: disable=consider-merging-classes-inherited

    probability = FiniteFloat(
        string="Probability (%)",
        default=10.0,
        help="Probability given to an opportunity entering this stage, when "
        "the stage changes the probability automatically (0 to 100).",
    )
    on_change = fields.Boolean(
        string="Change Probability Automatically",
        help="Opportunities entering this stage take its probability, unless "
        "the probability is set in the same change.",
    )

    _probability_range = models.Constraint(
        "CHECK(probability >= 0 AND probability <= 100)",
        "The probability of a stage is between 0 and 100.",
    )

    def _apply_stage_probability(self):
        """The mass update: the open opportunities of these stages (those the
        user may write) take the stage's probability; returns them."""
        leads = self.env["crm.lead"].search(self._off_probability_domain())
        for stage, group in leads.grouped("stage_id").items():
            group.write({"probability": stage.probability})
        return leads

    def _off_probability_domain(self):
        """The open opportunities of these stages (those that change the
        probability) whose probability is not the stage's: one domain."""
        stages = self.filtered(lambda s: s.on_change and not s.is_won)
        if not stages:
            return Domain.FALSE
        return Domain("won_status", "=", "pending") & Domain.OR(
            Domain("stage_id", "=", stage.id)
            & Domain("probability", "!=", stage.probability)
            for stage in stages
        )


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    stage_probability = FiniteFloat(
        related="stage_id.probability", string="Stage Probability (%)"
    )
    is_stage_probability = fields.Boolean(
        compute="_compute_is_stage_probability",
        help="The probability is the one of the stage, which sets it automatically.",
    )

    @api.depends("probability", "stage_id.probability", "stage_id.on_change")
    def _compute_is_stage_probability(self):
        for lead in self:
            lead.is_stage_probability = (
                not lead.stage_id.on_change
                or tools.float_compare(
                    lead.probability, lead.stage_id.probability, precision_digits=2
                )
                == 0
            )

    @api.onchange("stage_id")
    def _onchange_stage_id_probability(self):
        stage = self.stage_id
        if stage.on_change and not stage.is_won:
            self.probability = stage.probability

    def _stage_probability_vals(self, stage_id):
        stage = self.env["crm.stage"].browse(stage_id)
        if stage.on_change and not stage.is_won:
            return {"probability": stage.probability}
        return {}

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # the stage may come from the values, a default or the team: read it
        # after the create; a probability given in the values is kept
        by_stage = defaultdict(lambda: self.browse())
        for lead, vals in zip(leads, vals_list, strict=True):
            stage = lead.stage_id
            if (
                "probability" not in vals
                and stage.on_change
                and not stage.is_won
                and lead.won_status == "pending"
                and lead.probability != stage.probability
            ):
                by_stage[stage] |= lead
        for stage, group in by_stage.items():
            group.write({"probability": stage.probability})
        return leads

    def write(self, vals):
        if vals.get("stage_id") and "probability" not in vals:
            vals = dict(vals, **self._stage_probability_vals(vals["stage_id"]))
        return super().write(vals)

    def action_set_stage_probability(self):
        """Give the opportunities their stage's probability, as entering the
        stage does: open ones, in stages that change it, one write a stage."""
        leads = self.filtered(
            lambda lead: lead.won_status == "pending"
            and lead.stage_id.on_change
            and not lead.stage_id.is_won
        )
        for stage, group in leads.grouped("stage_id").items():
            group.write({"probability": stage.probability})
        return True
