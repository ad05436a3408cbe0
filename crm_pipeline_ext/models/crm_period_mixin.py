# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter")]
PERIOD_MONTHS = {"month": 1, "quarter": 3}
# one record per salesperson (or team) and period in a company, for the
# unique index of each model; NULLS NOT DISTINCT: a team's record has no
# salesperson and is still unique
PERIOD_KEY = "(user_id, team_id, period_type, date_from, company_id) NULLS NOT DISTINCT"


def period_start(day, period_type):
    """First day of the month or quarter holding ``day``."""
    month = day.month
    if period_type == "quarter":
        month -= (month - 1) % 3
    return day.replace(month=month, day=1)


class CrmPeriodMixin(models.AbstractModel):
    """A figure of a salesperson or a team for a month or a quarter: the
    period starts on its first day whatever day is given, ends with it, and
    holds one record per salesperson (or team) in a company."""

    _name = "crm.period.mixin"
    _description = "Salesperson or Team Figure for a Period"

    period_type = fields.Selection(
        PERIOD_TYPES, string="Period", required=True, default="month"
    )
    date_from = fields.Date(
        string="Period Start",
        required=True,
        default=lambda self: period_start(fields.Date.context_today(self), "month"),
        help="Any day of the period: the period starts on the first day of its "
        "month or quarter.",
    )
    date_to = fields.Date(
        string="Period End", compute="_compute_date_to", store=True, readonly=True
    )
    period_label = fields.Char(string="Period Name", compute="_compute_period_label")

    @api.depends("date_from", "period_type")
    def _compute_date_to(self):
        for rec in self:
            months = PERIOD_MONTHS.get(rec.period_type, 1)
            rec.date_to = rec.date_from and (
                rec.date_from + relativedelta(months=months, days=-1)
            )

    @api.depends("date_from", "period_type")
    @api.depends_context("lang")
    def _compute_period_label(self):
        for rec in self:
            if not rec.date_from:
                rec.period_label = False
            elif rec.period_type == "quarter":
                rec.period_label = "Q%s %s" % (
                    (rec.date_from.month - 1) // 3 + 1,
                    rec.date_from.year,
                )
            else:
                rec.period_label = format_date(
                    self.env, rec.date_from, date_format="MMMM y"
                )

    @api.depends("user_id", "team_id", "period_label")
    def _compute_display_name(self):
        for rec in self:
            who = rec.user_id.name or rec.team_id.name or ""
            rec.display_name = f"{who} - {rec.period_label or ''}"

    def _normalize_period(self, vals):
        if vals.get("date_from"):
            period_type = vals.get("period_type") or (
                self[:1].period_type if self else "month"
            )
            vals["date_from"] = period_start(
                fields.Date.to_date(vals["date_from"]), period_type
            )
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._normalize_period(dict(v)) for v in vals_list])

    def write(self, vals):
        if "period_type" in vals and "date_from" not in vals:
            # a new period type moves each record to the start of its period:
            # one write per distinct start, not per record
            by_start = defaultdict(lambda: self.browse())
            for rec in self:
                by_start[period_start(rec.date_from, vals["period_type"])] |= rec
            for start, recs in by_start.items():
                super(CrmPeriodMixin, recs).write(dict(vals, date_from=start))
            return True
        return super().write(self._normalize_period(dict(vals)))

    def _period_no_one_error(self):
        """The model's message when neither a salesperson nor a team is set."""
        raise NotImplementedError

    # one record per salesperson (or team) and period: the unique index
    # PERIOD_KEY of each model, which also holds for two sessions at once
    # (with the period's fields: a constraint runs on create only for the
    # fields given, and a target for nobody gives neither of the two)
    @api.constrains("user_id", "team_id", "period_type", "date_from")
    def _check_someone(self):
        if self.filtered(lambda rec: not rec.user_id and not rec.team_id):
            raise ValidationError(self._period_no_one_error())
