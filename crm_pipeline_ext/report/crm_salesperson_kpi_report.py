# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models, tools
from odoo.tools import SQL

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
}


class CrmSalespersonKpiReport(models.Model):
    _name = "crm.salesperson.kpi.report"
    _description = "Salesperson KPIs"
    _auto = False
    _order = "date desc, user_id"
    _rec_name = "user_id"

    date = fields.Date(string="Month", readonly=True)
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
    won_amount = fields.Float(string="Won Revenue", readonly=True)
    lost_count = fields.Integer(string="Lost", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    cycle_days_total = fields.Float(readonly=True)
    first_activity_hours_total = fields.Float(readonly=True)
    first_activity_count = fields.Integer(readonly=True)
    conversion_rate = fields.Float(
        string="Conversion (%)",
        readonly=True,
        aggregator="sum",
        help="Won out of won and lost.",
    )
    avg_cycle_days = fields.Float(
        string="Avg Cycle (days)",
        readonly=True,
        aggregator="sum",
        help="Days from creation to won.",
    )
    avg_first_activity_hours = fields.Float(
        string="Time to First Activity (h)",
        readonly=True,
        aggregator="sum",
    )
    revenue_per_activity = fields.Float(
        readonly=True,
        aggregator="sum",
        help="Won revenue per activity done: fewer contacts closing bigger "
        "deals is more efficient.",
    )

    def _read_group_select(self, aggregate_spec, query):
        field, _sep, func = aggregate_spec.partition(":")
        if field in RATIOS and func == "sum":
            num, den, factor = RATIOS[field]
            return SQL(
                "COALESCE(SUM(%s) * %s / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, num, query),
                factor,
                self._field_to_sql(self._table, den, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _facts(self):
        """One row per fact (lead received, activity done, quote, won, lost)."""
        return SQL(
            """
            SELECT l.user_id, l.team_id, l.company_id,
                   date_trunc('month', l.create_date)::date AS date,
                   1 AS lead_count, 0 AS activity_count, 0 AS call_count,
                   0 AS meeting_count, 0 AS email_count, 0 AS quote_count,
                   0 AS won_count, 0.0 AS won_amount, 0 AS lost_count,
                   0.0 AS cycle_days_total,
                   COALESCE(EXTRACT(EPOCH FROM fa.first_date - l.create_date)
                            / 3600.0, 0) AS first_activity_hours_total,
                   CASE WHEN fa.first_date IS NULL THEN 0 ELSE 1 END
                       AS first_activity_count
              FROM crm_lead l
              -- one grouped pass over the messages, not one probe per lead
              LEFT JOIN (
                    SELECT m.res_id, MIN(m.date) AS first_date
                      FROM mail_message m
                     WHERE m.model = 'crm.lead'
                       AND m.mail_activity_type_id IS NOT NULL
                     GROUP BY m.res_id
              ) fa ON fa.res_id = l.id
            UNION ALL
            SELECT COALESCE(u.id, l.user_id), l.team_id, l.company_id,
                   date_trunc('month', m.date)::date,
                   0, 1,
                   CASE WHEN t.category = 'phonecall' THEN 1 ELSE 0 END,
                   CASE WHEN t.category = 'meeting' THEN 1 ELSE 0 END,
                   CASE WHEN imd.id IS NOT NULL THEN 1 ELSE 0 END,
                   0, 0, 0.0, 0, 0.0, 0.0, 0
              FROM mail_message m
              JOIN crm_lead l ON m.model = 'crm.lead' AND m.res_id = l.id
              JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
              LEFT JOIN ir_model_data imd
                ON imd.model = 'mail.activity.type' AND imd.res_id = t.id
               AND imd.module = 'mail' AND imd.name = 'mail_activity_data_email'
              LEFT JOIN LATERAL (
                    SELECT id FROM res_users
                     WHERE partner_id = m.author_id ORDER BY id LIMIT 1
              ) u ON TRUE
            UNION ALL
            SELECT so.user_id, so.team_id, so.company_id,
                   date_trunc('month', so.date_order)::date,
                   0, 0, 0, 0, 0, 1, 0, 0.0, 0, 0.0, 0.0, 0
              FROM sale_order so
             WHERE so.opportunity_id IS NOT NULL AND so.state IN ('sent', 'sale')
            UNION ALL
            SELECT l.user_id, l.team_id, l.company_id,
                   date_trunc('month', COALESCE(l.date_closed, l.write_date))::date,
                   0, 0, 0, 0, 0, 0,
                   CASE WHEN l.won_status = 'won' THEN 1 ELSE 0 END,
                   CASE WHEN l.won_status = 'won'
                        THEN COALESCE(l.expected_revenue, 0) ELSE 0 END,
                   CASE WHEN l.won_status = 'lost' THEN 1 ELSE 0 END,
                   CASE WHEN l.won_status = 'won'
                        THEN EXTRACT(EPOCH FROM COALESCE(l.date_closed,
                             l.write_date) - l.create_date) / 86400.0
                        ELSE 0 END,
                   0.0, 0
              FROM crm_lead l
             WHERE l.won_status IN ('won', 'lost')
            """
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
                           SUM(f.first_activity_count) AS first_activity_count,
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
