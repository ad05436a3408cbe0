# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError

from .helpdesk_nps_campaign import NPS_CATEGORY, nps_category_of
from .numeric_guard import server_only_fields_given

# Set from the answer itself: clients read them, only server code writes them.
NPS_INPUT_FIELDS = ("nps_campaign_id", "nps_score", "nps_category", "nps_date")


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    nps_campaign_id = fields.Many2one(
        "helpdesk.nps.campaign",
        string="NPS Campaign",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
    )
    nps_score = fields.Integer(
        string="NPS Score",
        compute="_compute_nps",
        store=True,
        help="The 0-10 answer to the campaign's NPS question.",
    )
    nps_category = fields.Selection(
        NPS_CATEGORY,
        string="NPS Category",
        compute="_compute_nps",
        store=True,
        index=True,
    )
    nps_date = fields.Datetime(string="NPS Date", compute="_compute_nps", store=True)

    @api.depends(
        "nps_campaign_id.survey_id",
        "state",
        "end_datetime",
        "user_input_line_ids.value_scale",
        "user_input_line_ids.skipped",
    )
    def _compute_nps(self):
        Campaign = self.env["helpdesk.nps.campaign"]
        for answer in self:
            # sudo: the survey's questions, to find the NPS one
            question = Campaign._nps_question(answer.sudo().survey_id)
            line = answer.user_input_line_ids.filtered(
                lambda x, q=question: x.question_id == q and not x.skipped
            )[:1]
            if answer.nps_campaign_id and answer.state == "done" and line:
                score = max(0, min(10, line.value_scale))
                answer.nps_score = score
                answer.nps_category = nps_category_of(score)
                answer.nps_date = answer.end_datetime or fields.Datetime.now()
            else:
                answer.nps_score = 0
                answer.nps_category = False
                answer.nps_date = False

    def _check_nps_fields(self, vals_list):
        given = server_only_fields_given(self.env, vals_list, NPS_INPUT_FIELDS)
        if given:
            raise UserError(
                self.env._(
                    "The NPS of a survey answer comes from the answer itself "
                    "and cannot be set: %(fields)s.",
                    fields=", ".join(given),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_nps_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_nps_fields([vals])
        return super().write(vals)
