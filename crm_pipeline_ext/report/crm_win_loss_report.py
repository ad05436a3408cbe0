# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models, tools
from odoo.tools import SQL, format_date

from ..models.numeric_guard import FiniteFloat, sql_finite

# Ratio measures: a group's value is the ratio of its sums.
RATIOS = {"win_rate": ("won_count", "closed_count", 100.0)}


class CrmWinLossReport(models.Model):
    """Won and lost opportunities, one row per closed opportunity.

    Each opportunity counts once, so every total of the pivot is exact:
    under its main competitor (the one that won it, else the one beaten
    with the lowest price, else the first noted), its main product category
    (the largest amount on its quotes, live quotes first) and its first tag.
    """

    _name = "crm.win.loss.report"
    _description = "Win/Loss Analysis"
    _inherit = ["crm.pipeline.report.mixin"]
    _auto = False
    _report_ratios = RATIOS
    _report_xlsx = "crm_pipeline_ext.crm_win_loss_xlsx"
    _order = "date desc, id"
    _rec_name = "lead_id"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    date = fields.Date(string="Month Closed", readonly=True)
    month_label = fields.Char(
        string="Month",
        compute="_compute_month_label",
        help="The month with its year, in the user's language.",
    )
    competitor_id = fields.Many2one("crm.competitor", readonly=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    tag_id = fields.Many2one("crm.tag", readonly=True)
    territory_id = fields.Many2one("crm.territory", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    won_count = fields.Integer(string="Won", readonly=True)
    won_amount = FiniteFloat(string="Won Revenue", readonly=True)
    lost_count = fields.Integer(string="Lost", readonly=True)
    lost_amount = FiniteFloat(
        string="Lost Revenue",
        readonly=True,
        help="Expected revenue of the lost opportunities.",
    )
    closed_count = fields.Integer(string="Closed", readonly=True)
    win_rate = FiniteFloat(
        string="Win Rate (%)",
        readonly=True,
        aggregator="sum",
        help="Won out of won and lost.",
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

    def _query(self):
        """One row per won or lost opportunity; its main competitor, category
        and tag each come from one pass over their table (DISTINCT ON), so
        the view reads every table once whatever the number of leads."""
        return SQL(
            """
            WITH competitor AS (
                SELECT DISTINCT ON (c.lead_id) c.lead_id, c.competitor_id
                  FROM crm_lead_competitor c
                 ORDER BY c.lead_id,
                          CASE c.outcome WHEN 'won_them' THEN 0
                                         WHEN 'won_us' THEN 1 ELSE 2 END,
                          CASE WHEN c.outcome = 'won_us' THEN %(price)s END
                              NULLS LAST,
                          c.id
            ), category AS (
                SELECT DISTINCT ON (s.lead_id) s.lead_id, s.categ_id
                  FROM (SELECT so.opportunity_id AS lead_id, pt.categ_id,
                               BOOL_OR(so.state != 'cancel') AS live,
                               SUM(sol.price_subtotal) AS amount
                          FROM sale_order so
                          JOIN sale_order_line sol ON sol.order_id = so.id
                          JOIN product_product pp ON pp.id = sol.product_id
                          JOIN product_template pt ON pt.id = pp.product_tmpl_id
                         WHERE so.opportunity_id IS NOT NULL
                           AND pt.categ_id IS NOT NULL
                         GROUP BY so.opportunity_id, pt.categ_id) s
                 ORDER BY s.lead_id, s.live DESC, s.amount DESC NULLS LAST,
                          s.categ_id
            ), tag AS (
                SELECT rel.lead_id, MIN(rel.tag_id) AS tag_id
                  FROM crm_tag_rel rel
                 GROUP BY rel.lead_id
            )
            SELECT l.id AS id, l.id AS lead_id,
                   date_trunc('month', COALESCE(l.date_closed, l.write_date))::date
                       AS date,
                   competitor.competitor_id, category.categ_id, tag.tag_id,
                   l.territory_id, l.user_id, l.team_id, l.company_id,
                   l.lost_reason_id,
                   CASE WHEN l.won_status = 'won' THEN 1 ELSE 0 END AS won_count,
                   CASE WHEN l.won_status = 'won'
                        THEN COALESCE(%(revenue)s, 0) ELSE 0 END AS won_amount,
                   CASE WHEN l.won_status = 'lost' THEN 1 ELSE 0 END AS lost_count,
                   CASE WHEN l.won_status = 'lost'
                        THEN COALESCE(%(revenue)s, 0) ELSE 0 END AS lost_amount,
                   1 AS closed_count,
                   CASE WHEN l.won_status = 'won' THEN 100.0 ELSE 0.0 END
                       AS win_rate
              FROM crm_lead l
              LEFT JOIN competitor ON competitor.lead_id = l.id
              LEFT JOIN category ON category.lead_id = l.id
              LEFT JOIN tag ON tag.lead_id = l.id
             WHERE l.won_status IN ('won', 'lost')
            """,
            price=sql_finite(SQL("c.price")),
            revenue=sql_finite(SQL("l.expected_revenue")),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
