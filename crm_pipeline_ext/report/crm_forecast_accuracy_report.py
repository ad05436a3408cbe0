# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models, tools
from odoo.tools import SQL, formatLang

from ..models.numeric_guard import FiniteFloat, sql_finite


class CrmForecastAccuracyReport(models.Model):
    _name = "crm.forecast.accuracy.report"
    _description = "Forecast Accuracy"
    _auto = False
    _order = "snapshot_date desc, period, user_id"
    _rec_name = "user_id"
    _inherit = ["crm.pipeline.report.mixin"]
    # a total is the ratio of the totals; no commit: no ratio, never 0 %
    _report_ratios = {
        "accuracy": ("actual_revenue", "commit_revenue", 100.0),
        "submission_accuracy": ("actual_revenue", "submitted_commit", 100.0),
    }
    _report_ratios_empty = ("accuracy", "submission_accuracy")

    snapshot_date = fields.Date(readonly=True)
    period = fields.Date(string="Closing Month", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    commit_revenue = FiniteFloat(
        string="Forecast (Commit)",
        readonly=True,
        help="Frozen expected revenue of commit and closed opportunities.",
    )
    best_case_revenue = FiniteFloat(
        string="Forecast (Best Case)",
        readonly=True,
        help="Frozen expected revenue of best case, commit and closed opportunities.",
    )
    weighted_revenue = FiniteFloat(string="Forecast (Weighted)", readonly=True)
    actual_revenue = FiniteFloat(
        string="Actual Won", readonly=True, help="Revenue won in the closing month."
    )
    accuracy = FiniteFloat(
        string="Actual / Commit (%)",
        readonly=True,
        aggregator="sum",
        help="Won revenue of the month against the commit forecast frozen "
        "at the snapshot date; empty when nothing was committed.",
    )
    submitted_commit = FiniteFloat(
        string="Submitted Commit",
        readonly=True,
        help="The salesperson's submitted commit for the month (as adjusted "
        "by their manager).",
    )
    submission_accuracy = FiniteFloat(
        string="Actual / Submitted (%)",
        readonly=True,
        aggregator="sum",
        help="Won revenue of the month against the submitted commit; empty "
        "when nothing was submitted.",
    )
    accuracy_display = fields.Char(
        string="Accuracy",
        compute="_compute_accuracy_display",
        help='Won revenue against the commit forecast, or "no commit" when '
        "nothing was committed (a ratio to zero means nothing).",
    )

    @api.depends("accuracy", "commit_revenue")
    @api.depends_context("lang")
    def _compute_accuracy_display(self):
        for row in self:
            if not row.commit_revenue:
                row.accuracy_display = self.env._("no commit")
            else:
                # with the separators of the user's language
                row.accuracy_display = "%s %%" % formatLang(
                    self.env, row.accuracy, digits=1, rounding_method="HALF-UP"
                )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    -- a NaN or infinite amount (stored by SQL or an import)
                    -- counts as 0: the other rows of its group stay readable
                    WITH forecast AS (
                        SELECT s.snapshot_date, s.period, s.user_id, s.company_id,
                               SUM(CASE WHEN s.forecast_category IN
                                   ('commit', 'closed')
                                   THEN COALESCE(%s, 0) ELSE 0 END)
                                   AS commit_revenue,
                               SUM(CASE WHEN s.forecast_category IN
                                   ('best_case', 'commit', 'closed')
                                   THEN COALESCE(%s, 0) ELSE 0 END)
                                   AS best_case_revenue,
                               SUM(COALESCE(%s, 0)) AS weighted_revenue
                          FROM crm_forecast_snapshot s
                         GROUP BY s.snapshot_date, s.period, s.user_id,
                                  s.company_id
                    ), actual AS (
                        SELECT date_trunc('month', l.date_closed)::date AS period,
                               l.user_id, l.company_id,
                               SUM(COALESCE(%s, 0)) AS actual_revenue
                          FROM crm_lead l
                         WHERE l.won_status = 'won' AND l.date_closed IS NOT NULL
                         GROUP BY 1, 2, 3
                    ), submitted AS (
                        SELECT fs.date_from AS period, fs.user_id, fs.company_id,
                               SUM(COALESCE(%s, 0)) AS submitted_commit
                          FROM crm_forecast_submission fs
                         WHERE fs.state = 'submitted'
                           AND fs.period_type = 'month'
                           AND fs.user_id IS NOT NULL
                         GROUP BY 1, 2, 3
                    )
                    SELECT row_number() OVER (
                               ORDER BY f.snapshot_date, f.period, f.user_id,
                                        f.company_id
                           ) AS id,
                           f.snapshot_date, f.period, f.user_id, f.company_id,
                           f.commit_revenue, f.best_case_revenue,
                           f.weighted_revenue,
                           COALESCE(a.actual_revenue, 0) AS actual_revenue,
                           COALESCE(a.actual_revenue, 0) * 100.0
                               / NULLIF(f.commit_revenue, 0) AS accuracy,
                           COALESCE(sb.submitted_commit, 0) AS submitted_commit,
                           COALESCE(a.actual_revenue, 0) * 100.0
                               / NULLIF(sb.submitted_commit, 0)
                               AS submission_accuracy
                      FROM forecast f
                      LEFT JOIN actual a
                        ON a.period = f.period
                       AND a.user_id IS NOT DISTINCT FROM f.user_id
                       AND a.company_id IS NOT DISTINCT FROM f.company_id
                      LEFT JOIN submitted sb
                        ON sb.period = f.period
                       AND sb.user_id IS NOT DISTINCT FROM f.user_id
                       AND sb.company_id IS NOT DISTINCT FROM f.company_id
                )
                """,
                SQL.identifier(self._table),
                sql_finite(SQL("s.expected_revenue")),
                sql_finite(SQL("s.expected_revenue")),
                sql_finite(SQL("s.weighted_revenue")),
                sql_finite(SQL("l.expected_revenue")),
                sql_finite(SQL("fs.commit_amount")),
            )
        )
