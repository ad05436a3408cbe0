# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer value: historical margin and predicted lifetime value.

Historical margin (per customer, set-based): posted customer invoice lines
(product lines) in company currency, ``-balance``, minus the product's cost
(``standard_price`` of the company) times the quantity; a refund gives its
cost back.

Predicted lifetime value (per class, from the transition matrix): the
expected margin of the coming periods, discounted,
``sum_{t=1..H} d^t * sum_j P^t[i][j] * m_j``, where ``m_j`` is the mean
margin a customer of class j brings in the period after a cut-off (0 for the
lost classes, which are absorbing), ``d = 1 / (1 + rate) ^ (period / year)``
and H the horizon in periods. Each customer takes its class's value."""

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .crm_rfm_transition import absorbing_matrix, mat_mul
from .crm_segmentation_finite import FiniteFloat, FiniteMonetary, finite_sql

MAX_HORIZON = 600


def lifetime_values(class_ids, probabilities, lost_ids, margins, discount, horizon):
    """{class: (expected discounted periods in non-lost classes, value)}."""
    matrix = absorbing_matrix(class_ids, probabilities, lost_ids)
    size = len(class_ids)
    reward = [0.0 if cid in lost_ids else margins.get(cid, 0.0) for cid in class_ids]
    alive = [0.0 if cid in lost_ids else 1.0 for cid in class_ids]
    power = [[float(i == j) for j in range(size)] for i in range(size)]
    periods, values = [0.0] * size, [0.0] * size
    factor = 1.0
    for _step in range(horizon):
        power = mat_mul(power, matrix)
        factor *= discount
        for i in range(size):
            periods[i] += factor * sum(power[i][j] * alive[j] for j in range(size))
            values[i] += factor * sum(power[i][j] * reward[j] for j in range(size))
    return {cid: (periods[i], values[i]) for i, cid in enumerate(class_ids)}


class CrmRfmConfig(models.Model):
    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    clv_discount_rate = FiniteFloat(
        "Discount Rate (%/year)",
        default=10.0,
        tracking=True,
        help="Yearly rate the future margins are discounted by in the "
        "predicted lifetime value.",
    )
    clv_horizon = fields.Integer(
        "Value Horizon (periods)",
        default=36,
        tracking=True,
        help="How many periods ahead the predicted lifetime value counts.",
    )

    @api.constrains("clv_discount_rate", "clv_horizon")
    def _check_clv_settings(self):
        for rec in self:
            if not 0 <= rec.clv_discount_rate <= 100:
                raise ValidationError(
                    self.env._("The discount rate must be between 0 and 100%.")
                )
            if not 1 <= rec.clv_horizon <= MAX_HORIZON:
                raise ValidationError(
                    self.env._(
                        "The value horizon must be between 1 and %(max)s periods.",
                        max=MAX_HORIZON,
                    )
                )

    def _margin_sql(self, line="l", move="m", product="pp"):
        """SQL of the margin of an invoice line in company currency: revenue
        (``-balance``) minus the product's cost times the quantity (a refund
        gives the cost back). A non-finite balance or cost adds nothing."""
        cost = SQL(
            "COALESCE((%s.standard_price ->> %s)::numeric, 0)",
            SQL.identifier(product),
            str(self.company_id.id),
        )
        return SQL(
            "(-%(balance)s - (CASE WHEN %(m)s.move_type = 'out_refund' THEN -1 "
            "ELSE 1 END) * %(qty)s * %(cost)s)",
            balance=finite_sql(SQL.identifier(line, "balance"), 0),
            m=SQL.identifier(move),
            qty=finite_sql(SQL.identifier(line, "quantity"), 0),
            cost=finite_sql(cost, 0),
        )

    def _compute_margins(self):
        """Historical margin of every scored customer: one UPDATE."""
        self.ensure_one()
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
            WITH mg AS (
                SELECT m.commercial_partner_id AS pid, SUM(%(margin)s) AS margin
                  FROM account_move m
                  JOIN account_move_line l
                    ON l.move_id = m.id AND l.display_type = 'product'
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                 WHERE %(filter)s
                 GROUP BY m.commercial_partner_id),
            v AS (
                SELECT s.id, COALESCE(mg.margin, 0) AS margin
                  FROM crm_rfm_score s LEFT JOIN mg ON mg.pid = s.partner_id
                 WHERE s.company_id = %(company)s)
            UPDATE crm_rfm_score s SET margin = v.margin
              FROM v
             WHERE s.id = v.id AND s.margin IS DISTINCT FROM v.margin
            """,
                margin=self._margin_sql(),
                filter=self._invoice_filter(),
                company=self.company_id.id,
            )
        )
        self.env["crm.rfm.score"].invalidate_model(["margin"])

    def _class_margins(self, periods):
        """{class: (customer x period rows, mean margin in the period after
        a cut-off)} over the last ``periods`` periods of the history."""
        self.ensure_one()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            WITH cut AS (
                SELECT d.date, LEAD(d.date) OVER (ORDER BY d.date) AS next_date
                  FROM (SELECT DISTINCT date FROM crm_rfm_class_history
                         WHERE company_id = %(company)s
                         ORDER BY date DESC LIMIT %(n)s) d),
            src AS (
                SELECT h.partner_id, h.class_id, cut.date, cut.next_date
                  FROM cut JOIN crm_rfm_class_history h
                    ON h.company_id = %(company)s AND h.date = cut.date
                 WHERE cut.next_date IS NOT NULL),
            mg AS (
                SELECT src.partner_id, src.date, SUM(%(margin)s) AS margin
                  FROM src
                  JOIN account_move m
                    ON m.commercial_partner_id = src.partner_id
                   AND m.invoice_date > src.date
                   AND m.invoice_date <= src.next_date
                  JOIN account_move_line l
                    ON l.move_id = m.id AND l.display_type = 'product'
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                 WHERE %(filter)s
                 GROUP BY src.partner_id, src.date)
            SELECT src.class_id, COUNT(*), AVG(COALESCE(mg.margin, 0))::float8
              FROM src LEFT JOIN mg
                ON mg.partner_id = src.partner_id AND mg.date = src.date
             GROUP BY src.class_id
            """,
                company=self.company_id.id,
                n=periods + 1,
                margin=self._margin_sql(),
                filter=self._invoice_filter(),
            )
        )
        return {cid: (count, margin) for cid, count, margin in rows}

    def _period_discount(self, basis):
        """The discount factor of one period: the mean number of days
        between the matrix's cut-offs (the snapshot interval without any)."""
        days = self.snapshot_interval
        if basis["period_count"] and basis["date_from"] and basis["date_to"]:
            span = (basis["date_to"] - basis["date_from"]).days
            days = span / basis["period_count"] or days
        rate = self.clv_discount_rate / 100.0
        return 1.0 / math.pow(1.0 + rate, days / 365.0), days

    def _transition_settings(self):
        return dict(
            super()._transition_settings(),
            clv_discount_rate=self.clv_discount_rate,
            clv_horizon=self.clv_horizon,
        )

    def _class_predictions(self, matrix, basis, class_ids, lost_ids, probabilities):
        rows = super()._class_predictions(
            matrix, basis, class_ids, lost_ids, probabilities
        )
        margins = self._class_margins(self.transition_periods)
        discount, days = self._period_discount(basis)
        basis["period_days"] = days
        values = lifetime_values(
            class_ids,
            probabilities,
            lost_ids,
            {cid: margin for cid, (_n, margin) in margins.items()},
            discount,
            self.clv_horizon,
        )
        for cid, row in rows.items():
            count, margin = margins.get(cid, (0, 0.0))
            periods, value = values[cid]
            row.update(
                margin_count=count,
                margin_per_period=margin,
                expected_periods=periods,
                clv=value,
            )
        return rows

    def _prediction_columns(self):
        return dict(super()._prediction_columns(), clv="clv")

    def _recompute_transitions(self):
        self._compute_margins()
        return super()._recompute_transitions()

    def _recompute_finish(self):
        res = super()._recompute_finish()
        self._compute_margins()
        return res


class CrmRfmTransition(models.Model):
    _inherit = "crm.rfm.transition"  # pylint: disable=consider-merging-classes-inherited

    currency_id = fields.Many2one(related="company_id.currency_id")
    period_days = FiniteFloat(
        "Period (days)", readonly=True, help="Mean days between the cut-offs."
    )
    clv_discount_rate = FiniteFloat("Discount Rate (%/year)", readonly=True)
    clv_horizon = fields.Integer("Value Horizon (periods)", readonly=True)


class CrmRfmTransitionClass(models.Model):
    _inherit = "crm.rfm.transition.class"  # pylint: disable=consider-merging-classes-inherited

    currency_id = fields.Many2one(related="company_id.currency_id")
    margin_count = fields.Integer(
        "Observations", readonly=True, help="Customer x period rows the margin is from."
    )
    margin_per_period = FiniteMonetary(
        "Margin per Period",
        readonly=True,
        allow_negative=True,
        help="Mean margin a customer of this class brought in the period after "
        "a cut-off.",
    )
    expected_periods = FiniteFloat(
        "Expected Periods",
        readonly=True,
        help="Expected (discounted) number of periods in a class that is not "
        "lost, within the horizon.",
    )
    clv = FiniteMonetary(
        "Lifetime Value",
        readonly=True,
        allow_negative=True,
        help="Expected discounted margin of the coming periods.",
    )


class CrmRfmScore(models.Model):
    _inherit = "crm.rfm.score"  # pylint: disable=consider-merging-classes-inherited

    margin = FiniteMonetary(
        "Historical Margin",
        readonly=True,
        allow_negative=True,
        help="Posted invoice lines in company currency minus the products' "
        "cost times the quantities.",
    )
    clv = FiniteMonetary(
        "Lifetime Value",
        readonly=True,
        allow_negative=True,
        help="Predicted: expected discounted margin of the coming periods, "
        "from the class transition matrix (see Churn Prediction for its "
        "basis).",
    )
    prediction_basis = fields.Char(
        compute="_compute_prediction_basis",
        help="What the churn risk and the lifetime value are based on.",
    )

    @api.depends("company_id")
    def _compute_prediction_basis(self):
        # sudo: the basis figures of the companies' matrices (counts and
        # dates), shown to whoever reads the scores
        Transition = self.env["crm.rfm.transition"].sudo()
        found = Transition.search([("company_id", "in", self.company_id.ids)])
        matrices = {matrix.company_id: matrix for matrix in found}
        for score in self:
            matrix = matrices.get(score.company_id)
            if not matrix or not matrix.period_count:
                score.prediction_basis = self.env._("No class history yet")
                continue
            score.prediction_basis = self.env._(
                "%(periods)s periods of %(days)s days, %(customers)s customers, "
                "data of %(date)s",
                periods=matrix.period_count,
                days=round(matrix.period_days),
                customers=matrix.customer_count,
                date=matrix.date_to,
            )
