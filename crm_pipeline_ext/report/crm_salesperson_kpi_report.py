# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models, tools
from odoo.tools import SQL, format_date

from ..models.numeric_guard import FiniteFloat, sql_finite

# Ratio measures: the value of a group is a ratio of the group's sums, never
# an average of the rows' ratios.
RATIOS = {
    "conversion_rate": ("won_count", "closed_count", 100.0),
    "avg_cycle_days": ("cycle_days_total", "won_count", 1.0),
    "avg_first_activity_hours": (
        "first_activity_hours_total",
        "first_activity_count",
        1.0,
    ),
    "revenue_per_activity": ("won_amount", "activity_count", 1.0),
    "won_attainment": ("won_amount", "target_won_amount", 100.0),
}


class CrmSalespersonKpiReport(models.Model):
    _name = "crm.salesperson.kpi.report"
    _description = "Salesperson KPIs"
    _inherit = ["crm.pipeline.report.mixin"]
    _auto = False
    _report_ratios = RATIOS
    _report_xlsx = "crm_pipeline_ext.crm_salesperson_kpi_xlsx"
    _order = "date desc, user_id"
    _rec_name = "user_id"

    date = fields.Date(string="Month Start", readonly=True)
    month_label = fields.Char(
        string="Month",
        compute="_compute_month_label",
        help="The month with its year, in the user's language.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lead_count = fields.Integer(string="Leads Received", readonly=True)
    activity_count = fields.Integer(string="Activities Done", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    meeting_count = fields.Integer(string="Meetings", readonly=True)
    email_count = fields.Integer(string="Emails", readonly=True)
    quote_count = fields.Integer(string="Quotes Sent", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    won_amount = FiniteFloat(string="Won Revenue", readonly=True)
    lost_count = fields.Integer(string="Lost", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    cycle_days_total = FiniteFloat(readonly=True)
    first_activity_hours_total = FiniteFloat(readonly=True)
    first_activity_count = fields.Integer(readonly=True)
    conversion_rate = FiniteFloat(
        string="Conversion (%)",
        readonly=True,
        aggregator="sum",
        help="Won out of won and lost.",
    )
    avg_cycle_days = FiniteFloat(
        string="Avg Cycle (days)",
        readonly=True,
        aggregator="sum",
        help="Days from creation to won.",
    )
    avg_first_activity_hours = FiniteFloat(
        string="Time to First Activity (h)",
        readonly=True,
        aggregator="sum",
    )
    revenue_per_activity = FiniteFloat(
        readonly=True,
        aggregator="sum",
        help="Won revenue per activity done: fewer contacts closing bigger "
        "deals is more efficient.",
    )

    target_won_amount = FiniteFloat(
        string="Won Target",
        readonly=True,
        help="Won revenue target of the salesperson for the month (a "
        "quarterly target counts a third in each of its months).",
    )
    won_attainment = FiniteFloat(
        string="Attainment (%)",
        readonly=True,
        aggregator="sum",
        help="Won revenue against the won revenue target.",
    )

    @api.depends("date")
    @api.depends_context("lang")
    def _compute_month_label(self):
        for row in self:
            row.month_label = (
                format_date(self.env, row.date, date_format="MMMM y")
                if row.date
                else False
            )

    def _facts(self):
        """The facts (leads received, activities done, quotes, won, lost),
        each kind already summed per salesperson, team, company and month.

        Every branch aggregates its rows where they are read, so the final
        GROUP BY adds a few hundred partial sums instead of one row per fact.
        The activities and the leads are read in lead order from the two
        indexes this addon puts on mail.message and crm.lead, merge-joined:
        the first activity of each lead is then a streaming aggregate, not a
        hash or sort of 100k+ leads that spills out of ``work_mem`` as the
        data grows. The ``OFFSET 0``
        subqueries keep PostgreSQL from estimating one group per row for the
        ``date_trunc`` keys, which makes it choose sort-based aggregation
        that spills to disk. The partial counts are integers, as the facts
        were, so the final sums are bigint with a small by-value state (a sum
        of bigint or numeric keeps a large one per group, which makes the
        final hash aggregate look too big to the planner).
        """
        return SQL(
            """
            -- leads received, and the hours from creation to first activity
            SELECT s.user_id, s.team_id, s.company_id, s.date,
                   COUNT(*)::int AS lead_count, 0 AS activity_count,
                   0 AS call_count, 0 AS meeting_count, 0 AS email_count,
                   0 AS quote_count,
                   0 AS won_count, 0.0 AS won_amount, 0 AS lost_count,
                   0.0 AS cycle_days_total,
                   SUM(COALESCE(EXTRACT(EPOCH FROM s.first_date - s.create_date)
                                / 3600.0, 0)) AS first_activity_hours_total,
                   COUNT(s.first_date)::int AS first_activity_count,
                   0.0 AS target_won_amount
              FROM (SELECT l.user_id, l.team_id, l.company_id, l.create_date,
                           date_trunc('month', l.create_date)::date AS date,
                           MIN(m.date) AS first_date
                      FROM crm_lead l
                      LEFT JOIN mail_message m
                        ON m.model = 'crm.lead' AND m.res_id = l.id
                       AND m.mail_activity_type_id IS NOT NULL
                     GROUP BY l.id
                    OFFSET 0) s
             GROUP BY s.user_id, s.team_id, s.company_id, s.date
            UNION ALL
            -- activities done: counted per lead owner, author, type and month
            -- first, then credited to the author's user (else the owner)
            SELECT COALESCE(au.user_id, s.user_id), s.team_id, s.company_id,
                   s.date, 0, SUM(s.n)::int,
                   SUM(CASE WHEN t.category = 'phonecall' THEN s.n ELSE 0 END)::int,
                   SUM(CASE WHEN t.category = 'meeting' THEN s.n ELSE 0 END)::int,
                   SUM(CASE WHEN imd.id IS NOT NULL THEN s.n ELSE 0 END)::int,
                   0, 0, 0.0, 0, 0.0, 0.0, 0, 0.0
              FROM (SELECT g.user_id, g.team_id, g.company_id, g.author_id,
                           g.type_id, g.date, COUNT(*)::int AS n
                      FROM (SELECT l.user_id, l.team_id, l.company_id,
                                   m.author_id,
                                   m.mail_activity_type_id AS type_id,
                                   date_trunc('month', m.date)::date AS date
                              FROM mail_message m
                              JOIN crm_lead l
                                ON m.model = 'crm.lead' AND m.res_id = l.id
                             WHERE m.mail_activity_type_id IS NOT NULL
                            OFFSET 0) g
                     GROUP BY g.user_id, g.team_id, g.company_id, g.author_id,
                              g.type_id, g.date) s
              JOIN mail_activity_type t ON t.id = s.type_id
              LEFT JOIN ir_model_data imd
                ON imd.model = 'mail.activity.type' AND imd.res_id = t.id
               AND imd.module = 'mail' AND imd.name = 'mail_activity_data_email'
              -- the author's first user, as one hash join (not a probe per row)
              LEFT JOIN (SELECT partner_id, MIN(id) AS user_id
                           FROM res_users GROUP BY partner_id) au
                ON au.partner_id = s.author_id
             GROUP BY COALESCE(au.user_id, s.user_id), s.team_id, s.company_id,
                      s.date
            UNION ALL
            SELECT so.user_id, so.team_id, so.company_id,
                   date_trunc('month', so.date_order)::date,
                   0, 0, 0, 0, 0, COUNT(*)::int, 0, 0.0, 0, 0.0, 0.0, 0, 0.0
              FROM sale_order so
             WHERE so.opportunity_id IS NOT NULL AND so.state IN ('sent', 'sale')
             GROUP BY 1, 2, 3, 4
            UNION ALL
            -- won and lost, in the month they were closed
            SELECT s.user_id, s.team_id, s.company_id, s.date,
                   0, 0, 0, 0, 0, 0, SUM(s.won)::int, SUM(s.won_amount),
                   SUM(s.lost)::int,
                   SUM(s.cycle_days), 0.0, 0, 0.0
              FROM (SELECT l.user_id, l.team_id, l.company_id,
                           date_trunc('month', COALESCE(l.date_closed,
                                                        l.write_date))::date
                               AS date,
                           CASE WHEN l.won_status = 'won' THEN 1 ELSE 0 END AS won,
                           -- a NaN or infinite revenue (stored by SQL or an
                           -- import) counts as 0: the lead is still won
                           CASE WHEN l.won_status = 'won'
                                THEN COALESCE(%s, 0) ELSE 0 END
                               AS won_amount,
                           CASE WHEN l.won_status = 'lost' THEN 1 ELSE 0 END
                               AS lost,
                           CASE WHEN l.won_status = 'won'
                                THEN EXTRACT(EPOCH FROM COALESCE(l.date_closed,
                                     l.write_date) - l.create_date) / 86400.0
                                ELSE 0 END AS cycle_days
                      FROM crm_lead l
                     WHERE l.won_status IN ('won', 'lost')
                    OFFSET 0) s
             GROUP BY s.user_id, s.team_id, s.company_id, s.date
            UNION ALL
            -- the salespeople's won revenue targets, a quarter's spread over
            -- its three months
            SELECT t.user_id, t.team_id, t.company_id, m.month::date,
                   0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0,
                   COALESCE(%s, 0)
                       / CASE WHEN t.period_type = 'quarter' THEN 3 ELSE 1 END
              FROM crm_sales_target t
             CROSS JOIN LATERAL generate_series(
                       t.date_from, t.date_to, INTERVAL '1 month') m(month)
             WHERE t.user_id IS NOT NULL
            """,
            sql_finite(SQL("l.expected_revenue")),
            sql_finite(SQL("t.target_won_revenue")),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT row_number() OVER (
                               ORDER BY f.date, f.user_id, f.team_id, f.company_id
                           ) AS id,
                           f.user_id, f.team_id, f.company_id, f.date,
                           SUM(f.lead_count) AS lead_count,
                           SUM(f.activity_count) AS activity_count,
                           SUM(f.call_count) AS call_count,
                           SUM(f.meeting_count) AS meeting_count,
                           SUM(f.email_count) AS email_count,
                           SUM(f.quote_count) AS quote_count,
                           SUM(f.won_count) AS won_count,
                           SUM(f.won_amount) AS won_amount,
                           SUM(f.lost_count) AS lost_count,
                           SUM(f.won_count + f.lost_count) AS closed_count,
                           SUM(f.cycle_days_total) AS cycle_days_total,
                           SUM(f.first_activity_hours_total)
                               AS first_activity_hours_total,
                           SUM(f.first_activity_count)
                               AS first_activity_count,
                           SUM(f.target_won_amount) AS target_won_amount,
                           COALESCE(SUM(f.won_amount) * 100.0
                               / NULLIF(SUM(f.target_won_amount), 0), 0)
                               AS won_attainment,
                           COALESCE(SUM(f.won_count) * 100.0
                               / NULLIF(SUM(f.won_count + f.lost_count), 0), 0)
                               AS conversion_rate,
                           COALESCE(SUM(f.cycle_days_total)
                               / NULLIF(SUM(f.won_count), 0), 0)
                               AS avg_cycle_days,
                           COALESCE(SUM(f.first_activity_hours_total)
                               / NULLIF(SUM(f.first_activity_count), 0), 0)
                               AS avg_first_activity_hours,
                           COALESCE(SUM(f.won_amount)
                               / NULLIF(SUM(f.activity_count), 0), 0)
                               AS revenue_per_activity
                      FROM (%s) f
                     GROUP BY f.user_id, f.team_id, f.company_id, f.date
                )
                """,
                SQL.identifier(self._table),
                self._facts(),
            )
        )
