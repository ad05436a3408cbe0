# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import operator

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .contract_contract import HEALTH, support_breaches_90d
from .helpdesk_nps_campaign import NPS_CATEGORY
from .numeric_guard import FiniteFloat, server_only_fields_given

COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}

# The customer's last NPS answer: kept from the survey answers, never typed.
# It, the SLA breaches, the health and the satisfaction are internal figures:
# a portal user reading its own partner must not see how the company classes
# it (groups= on every field this addon adds to partners).
NPS_PARTNER_FIELDS = ("nps_last_score", "nps_category", "nps_date")


class ResPartner(models.Model):
    """Support health of the customer, its last Net Promoter answer (stored
    so that searches and segment rules can use it) and whether it has a
    running contract."""

    _inherit = "res.partner"

    support_plan_count = fields.Integer(
        compute="_compute_support_health", groups="base.group_user"
    )
    support_health = fields.Selection(
        HEALTH,
        compute="_compute_support_health",
        groups="base.group_user",
        help="Worst health of the customer's running support contracts.",
    )
    support_sla_breach_count = fields.Integer(
        string="SLA Breaches",
        compute="_compute_support_health",
        groups="base.group_user",
    )
    support_csat_count = fields.Integer(
        string="Rated Tickets",
        compute="_compute_support_health",
        groups="base.group_user",
    )
    support_csat = FiniteFloat(
        string="Satisfaction %",
        compute="_compute_support_health",
        search="_search_support_csat",
        groups="base.group_user",
        help="Share of the rated tickets of the customer's running contracts, "
        "in their current periods, whose customer was satisfied (CSAT). "
        "Searches match only customers with rated tickets.",
    )
    support_breach_count_90d = fields.Integer(
        string="SLA Breaches (90 Days)",
        compute="_compute_support_breach_count_90d",
        search="_search_support_breach_count_90d",
        groups="base.group_user",
        help="SLA breaches of the customer's tickets opened in the last 90 days.",
    )

    def _compute_support_health(self):
        order = [h[0] for h in HEALTH]
        # sudo: a summary for whoever sees the customer, no contract data.
        all_plans = (
            self.env["helpdesk.support.plan"]
            # sudo: plans of the user's companies only, summed into counts/health
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            plans = all_plans.filtered(lambda p, c=commercial: p.partner_id == c)
            contracts = plans.contract_id.filtered("active")
            partner.support_plan_count = len(plans)
            partner.support_sla_breach_count = sum(
                contracts.mapped("support_sla_breach_count")
            )
            rated = sum(contracts.mapped("support_csat_count"))
            satisfied = sum(contracts.mapped("support_csat_satisfied_count"))
            partner.support_csat_count = rated
            partner.support_csat = 100.0 * satisfied / rated if rated else 0.0
            healths = contracts.mapped("support_health")
            partner.support_health = max(healths, key=order.index) if healths else False

    @api.model
    def _support_csat_by_partner(self):
        """{commercial partner id: (rated, satisfied)} of the rated tickets of
        the running plans of active contracts, in the plans' current periods
        (as the contract health counts them), in the user's companies: one
        grouped query, whatever the number of contracts."""
        today = fields.Date.context_today(self)
        for model in ("helpdesk.ticket", "helpdesk.support.plan", "contract.contract"):
            self.env[model].flush_model()
        # the current period of a plan: from its start, every step months
        # (the same arithmetic as helpdesk.support.plan._get_period)
        self.env.cr.execute(
            SQL(
                """
                WITH plan AS (
                    SELECT pl.id, cc.commercial_partner_id AS pid, pl.date_start,
                           CASE pl.period_type WHEN 'quarter' THEN 3
                                WHEN 'year' THEN 12 ELSE 1 END AS step,
                           ((date_part('year', %(today)s::date)
                             - date_part('year', pl.date_start)) * 12
                            + date_part('month', %(today)s::date)
                            - date_part('month', pl.date_start))::int AS months
                      FROM helpdesk_support_plan pl
                      JOIN contract_contract cc
                        ON cc.id = pl.contract_id AND cc.active
                     WHERE pl.active
                       AND pl.company_id IN %(companies)s
                       AND pl.date_start <= %(today)s
                       AND (pl.date_end IS NULL OR pl.date_end >= %(today)s)
                ),
                nth AS (
                    SELECT plan.*, months / step AS k FROM plan
                ),
                period AS (
                    SELECT id, pid, date_start, step,
                           k - CASE WHEN (date_start
                                   + make_interval(months => k * step))::date
                                   > %(today)s THEN 1 ELSE 0 END AS k
                      FROM nth
                )
                SELECT p.pid,
                       COUNT(*) AS rated,
                       COUNT(*) FILTER (WHERE t.csat_rating = 'satisfied')
                  FROM period p
                  JOIN helpdesk_ticket t
                    ON t.support_plan_id = p.id AND t.active
                   AND t.csat_rating IS NOT NULL
                   AND t.coverage_date >= (p.date_start
                       + make_interval(months => p.k * p.step))::date
                   AND t.coverage_date <= (p.date_start
                       + make_interval(months => (p.k + 1) * p.step)
                       - interval '1 day')::date
                 GROUP BY 1
                """,
                today=today,
                companies=tuple(self.env.companies.ids),
            )
        )
        return {
            pid: (rated, satisfied) for pid, rated, satisfied in self.env.cr.fetchall()
        }

    def _search_support_csat(self, operator, value):
        compare = COMPARE.get(operator)
        if compare is None or isinstance(value, bool):
            return NotImplemented
        try:
            value = float(value)
        except (TypeError, ValueError) as exc:
            raise UserError(
                self.env._(
                    "The satisfaction must be a number, not %(value)s.", value=value
                )
            ) from exc
        ids = [
            partner_id
            for partner_id, (
                rated,
                satisfied,
            ) in self._support_csat_by_partner().items()
            if rated and compare(100.0 * satisfied / rated, value)
        ]
        return Domain("commercial_partner_id", "in", ids)

    @api.model
    def _support_breaches_90d(self, partner_ids=None):
        """{commercial partner id: SLA breaches of its tickets opened in the
        last 90 days}, in the user's companies, in one query."""
        return support_breaches_90d(
            self.env, "commercial_partner_id", partner_ids, self.env.companies
        )

    def _compute_support_breach_count_90d(self):
        breaches = self._support_breaches_90d(self.commercial_partner_id.ids)
        for partner in self:
            partner.support_breach_count_90d = breaches.get(
                partner.commercial_partner_id.id, 0
            )

    def _search_support_breach_count_90d(self, operator, value):
        compare = COMPARE.get(operator)
        if compare is None or isinstance(value, bool):
            return NotImplemented
        try:
            value = int(value)
        except (TypeError, ValueError) as exc:
            raise UserError(
                self.env._(
                    "The SLA breaches must be a number, not %(value)s.", value=value
                )
            ) from exc
        breaches = self._support_breaches_90d()
        if compare(0, value):
            # customers without breaches match too
            ids = [pid for pid, count in breaches.items() if not compare(count, value)]
            return Domain("commercial_partner_id", "not in", ids)
        ids = [pid for pid, count in breaches.items() if compare(count, value)]
        return Domain("commercial_partner_id", "in", ids)

    def action_view_support_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crm_helpdesk_link.helpdesk_support_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    nps_input_ids = fields.One2many(
        "survey.user_input",
        "partner_id",
        string="NPS Answers",
        domain=[("nps_category", "!=", False)],
        groups="base.group_user",
    )
    nps_last_score = fields.Integer(
        string="Last NPS Score",
        compute="_compute_nps_last",
        store=True,
        groups="base.group_user",
        help="The partner's last answer (0-10) to an NPS campaign.",
    )
    nps_category = fields.Selection(
        NPS_CATEGORY,
        string="NPS Category",
        compute="_compute_nps_last",
        store=True,
        index=True,
        groups="base.group_user",
        help="Promoter (9-10), passive (7-8) or detractor (0-6), from the "
        "partner's last NPS answer.",
    )
    nps_date = fields.Datetime(
        string="Last NPS Answer",
        compute="_compute_nps_last",
        store=True,
        groups="base.group_user",
    )
    support_contract_active = fields.Boolean(
        string="Active Contract",
        compute="_compute_support_contract_active",
        search="_search_support_contract_active",
        groups="base.group_user",
        help="The customer (or its company) has a sale contract with a line "
        "running today.",
    )

    @api.depends("nps_input_ids.nps_category", "nps_input_ids.nps_date")
    def _compute_nps_last(self):
        # sudo: the partner's own answers, reduced to the last score
        for partner in self.sudo():
            last = partner.nps_input_ids.sorted(lambda i: (i.nps_date, i.id))[-1:]
            partner.nps_last_score = last.nps_score if last else 0
            partner.nps_category = last.nps_category if last else False
            partner.nps_date = last.nps_date if last else False

    @api.model
    def _active_contract_partners(self, partner_ids=None):
        """Commercial partners with a running sale contract line today, in
        the user's companies; only among ``partner_ids`` when given."""
        today = fields.Date.context_today(self)
        domain = Domain(
            [
                ("active", "=", True),
                ("contract_type", "=", "sale"),
                ("company_id", "in", self.env.companies.ids),
                (
                    "contract_line_ids",
                    "any",
                    [
                        ("display_type", "=", False),
                        ("is_canceled", "=", False),
                        ("date_start", "<=", today),
                        "|",
                        ("date_end", "=", False),
                        ("date_end", ">=", today),
                    ],
                ),
            ]
        )
        if partner_ids is not None:
            domain &= Domain("commercial_partner_id", "in", partner_ids)
        groups = (
            self.env["contract.contract"]
            # sudo: a yes/no per customer; no contract data leaves
            .sudo()
            ._read_group(domain, ["commercial_partner_id"])
        )
        return {partner.id for (partner,) in groups if partner}

    def _compute_support_contract_active(self):
        active = self._active_contract_partners(self.commercial_partner_id.ids)
        for partner in self:
            partner.support_contract_active = partner.commercial_partner_id.id in active

    def _search_support_contract_active(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return NotImplemented
        if operator in ("in", "not in"):
            positive = True in value
            if operator == "not in":
                positive = not positive
        else:
            positive = bool(value) == (operator == "=")
        domain = Domain(
            "commercial_partner_id", "in", list(self._active_contract_partners())
        )
        return domain if positive else ~domain

    def _check_nps_partner_fields(self, vals_list):
        given = server_only_fields_given(self.env, vals_list, NPS_PARTNER_FIELDS)
        if given:
            raise UserError(
                self.env._(
                    "The NPS of a partner comes from their survey answers and "
                    "cannot be set: %(fields)s.",
                    fields=", ".join(given),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_nps_partner_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_nps_partner_fields([vals])
        return super().write(vals)
