# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from .numeric_guard import FINITE_CONTEXT, FiniteFloat

FORECAST_CATEGORIES = [
    ("pipeline", "Pipeline"),
    ("best_case", "Best Case"),
    ("commit", "Commit"),
    ("closed", "Closed"),
]


class CrmForecastSnapshot(models.Model):
    _name = "crm.forecast.snapshot"
    _description = "Frozen Weekly Forecast"
    _order = "snapshot_date desc, user_id, period"

    snapshot_date = fields.Date(required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    period = fields.Date(
        string="Closing Month",
        readonly=True,
        help="Month of the expected closing date of the opportunities; empty "
        "when they have none.",
    )
    forecast_category = fields.Selection(FORECAST_CATEGORIES, readonly=True)
    opportunity_count = fields.Integer(readonly=True)
    expected_revenue = FiniteFloat(readonly=True)
    weighted_revenue = FiniteFloat(
        readonly=True, help="Expected revenue multiplied by the probability."
    )

    @api.model
    def _cron_freeze_forecast(self):
        """Freeze this week's forecast, once per date (safe to run again)."""
        today = fields.Date.context_today(self)
        if self.search_count([("snapshot_date", "=", today)], limit=1):
            return self.browse()
        groups = (
            self.env["crm.lead"]
            # sudo: cron totals per salesperson; the snapshots stay under record rules
            .sudo()
            # a lead whose expected or prorated revenue is NaN or infinite
            # (stored by SQL or an import) still counts as an opportunity, its
            # revenue as 0: one such lead must not make the frozen totals of
            # its salesperson unreadable
            .with_context(**{FINITE_CONTEXT: True})
            ._read_group(
                [("type", "=", "opportunity"), ("won_status", "=", "pending")],
                [
                    "user_id",
                    "team_id",
                    "company_id",
                    "date_deadline:month",
                    "forecast_category",
                ],
                ["__count", "expected_revenue:sum", "prorated_revenue:sum"],
            )
        )
        # sudo: the snapshot is written by the system for every salesperson;
        # reading it stays under the record rules.
        snapshots = self.sudo().create(
            [
                {
                    "snapshot_date": today,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "period": month,
                    "forecast_category": category,
                    "opportunity_count": count,
                    "expected_revenue": expected or 0.0,
                    "weighted_revenue": weighted or 0.0,
                }
                for user, team, company, month, category, count, expected, weighted in (
                    groups
                )
            ]
        )
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(len(snapshots))
        return snapshots
