# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.helpdesk_ticket_csat import CSAT
from ..models.numeric_guard import FiniteFloat


class HelpdeskServiceLevelReport(models.Model):
    """One row per ticket: response and resolution times, breaches and
    satisfaction, to group by team, plan, customer and month (tickets
    without a plan have no SLA, hence no breach).

    Rates are averages of 0/100 rows, so every grouping gives the right
    rate; times and CSAT are empty where there is nothing to measure and
    left out of the averages."""

    _name = "helpdesk.service.level.report"
    _description = "Helpdesk Service Level Report"
    _auto = False
    _order = "date desc, id desc"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    date = fields.Datetime(string="Opened On", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    support_plan_id = fields.Many2one("helpdesk.support.plan", readonly=True)
    contract_id = fields.Many2one("contract.contract", readonly=True)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        readonly=True,
    )
    closed = fields.Boolean(readonly=True)
    csat_rating = fields.Selection(CSAT, string="Satisfaction", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    response_hours = FiniteFloat(
        string="Response Time (h)",
        readonly=True,
        aggregator="avg",
        help="Clock hours from the ticket's arrival to its first response.",
    )
    resolution_hours = FiniteFloat(
        string="Resolution Time (h)",
        readonly=True,
        aggregator="avg",
        help="Clock hours from the ticket's arrival to its closing.",
    )
    sla_paused_hours = FiniteFloat(string="Paused (h)", readonly=True, aggregator="avg")
    breach_count = fields.Integer(
        string="SLA Breaches", readonly=True, aggregator="sum"
    )
    breach_rate = FiniteFloat(
        string="Breach Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the tickets with at least one SLA breach.",
    )
    rated_count = fields.Integer(
        string="Rated Tickets", readonly=True, aggregator="sum"
    )
    csat = FiniteFloat(
        string="CSAT (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the rated tickets whose customer was satisfied.",
    )

    @api.readonly
    def action_export_xlsx(self):
        """The workbook of these rows, or, called on none (the report's menu:
        the pivot has no selection to export from), of every row the user
        may read."""
        rows = self
        if rows:
            rows.check_access("read")
        else:
            rows = self.search([])
        return self.env.ref(
            "crm_helpdesk_link.helpdesk_service_level_xlsx"
        ).report_action(rows)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.name AS name,
                   COALESCE(t.sla_start_date, t.create_date) AS date,
                   t.company_id AS company_id,
                   t.team_id AS team_id,
                   t.user_id AS user_id,
                   t.commercial_partner_id AS partner_id,
                   t.support_plan_id AS support_plan_id,
                   t.contract_id AS contract_id,
                   t.priority AS priority,
                   COALESCE(s.closed, FALSE) AS closed,
                   t.csat_rating AS csat_rating,
                   1 AS ticket_count,
                   EXTRACT(EPOCH FROM t.first_response_date - t.sla_start_date)
                       / 3600.0 AS response_hours,
                   CASE WHEN s.closed THEN
                       EXTRACT(EPOCH FROM t.closed_date - t.sla_start_date) / 3600.0
                   END AS resolution_hours,
                   CASE WHEN t.sla_paused_hours::float8
                             IN ('NaN', 'Infinity', '-Infinity') THEN NULL
                        ELSE t.sla_paused_hours END AS sla_paused_hours,
                   COALESCE(t.sla_breach_count, 0) AS breach_count,
                   CASE WHEN COALESCE(t.sla_breach_count, 0) > 0
                        THEN 100.0 ELSE 0.0 END AS breach_rate,
                   CASE WHEN t.csat_rating IS NOT NULL THEN 1 ELSE 0 END
                       AS rated_count,
                   CASE WHEN t.csat_rating = 'satisfied' THEN 100.0
                        WHEN t.csat_rating IS NOT NULL THEN 0.0 END AS csat
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             WHERE t.active
            """
        )
