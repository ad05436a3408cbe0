# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from babel.dates import format_timedelta

from odoo import api, fields, models
from odoo.tools.misc import babel_locale_parse

from .numeric_guard import FiniteFloat


class CrmLeadStageHistory(models.Model):
    _name = "crm.lead.stage.history"
    _description = "Opportunity Stage History"
    _order = "date desc, id desc"
    _rec_name = "lead_id"

    lead_id = fields.Many2one(
        "crm.lead", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="lead_id.company_id", store=True, index=True, readonly=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    user_id = fields.Many2one("res.users", string="Changed By", readonly=True)
    stage_from_id = fields.Many2one("crm.stage", string="From Stage", readonly=True)
    stage_to_id = fields.Many2one(
        "crm.stage", string="To Stage", required=True, readonly=True
    )
    date_from = fields.Datetime(string="Entered From Stage", readonly=True)
    date = fields.Datetime(
        string="Changed On", default=fields.Datetime.now, readonly=True
    )
    days_in_stage = FiniteFloat(
        string="Days in From Stage",
        digits=(16, 2),
        aggregator="avg",
        readonly=True,
        help="Time spent in the stage the opportunity left.",
    )
    duration = fields.Char(
        string="Time in From Stage",
        compute="_compute_duration",
        help="Time spent in the stage the opportunity left, in words.",
    )
    expected_days = fields.Integer(aggregator="avg", readonly=True)
    is_overdue = fields.Boolean(
        string="Left Late",
        compute="_compute_flags",
        store=True,
        help="The opportunity stayed longer than the expected days of the stage.",
    )
    is_forward = fields.Boolean(
        string="Forward Move",
        compute="_compute_flags",
        store=True,
        help="The opportunity moved to a later stage in the pipeline.",
    )

    @api.depends("date", "date_from", "days_in_stage", "stage_from_id")
    @api.depends_context("lang")
    def _compute_duration(self):
        """ "15 minutes", "5 hours", "3 days" rather than 0.01 days; read from
        the two dates (the stored days are rounded to 2 digits)."""
        locale = babel_locale_parse(self.env.lang or "en_US")
        for rec in self:
            if not rec.stage_from_id:
                rec.duration = False
                continue
            if rec.date and rec.date_from:
                seconds = (rec.date - rec.date_from).total_seconds()
            else:
                seconds = rec.days_in_stage * 86400.0
            seconds = max(seconds, 0.0)
            # below a minute the exact seconds say nothing useful
            rec.duration = format_timedelta(
                timedelta(seconds=max(seconds, 60.0)),
                threshold=1.5,
                locale=locale,
            )

    @api.depends("days_in_stage", "expected_days", "stage_from_id", "stage_to_id")
    def _compute_flags(self):
        for rec in self:
            rec.is_overdue = bool(
                rec.expected_days and rec.days_in_stage > rec.expected_days
            )
            rec.is_forward = bool(
                not rec.stage_from_id
                or (rec.stage_from_id.sequence, rec.stage_from_id.id)
                < (rec.stage_to_id.sequence, rec.stage_to_id.id)
            )
