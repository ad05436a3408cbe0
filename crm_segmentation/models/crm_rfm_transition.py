# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Class transitions between cut-offs (a Markov matrix) and churn risk.

At each cut-off (a snapshot taken) the class of every scored customer of the
company is copied into ``crm.rfm.class.history`` by one INSERT ... SELECT.
The transition matrix counts, in SQL, the moves of the customers present in
two consecutive cut-offs among the last N; its powers (a small class x class
matrix, in Python) give each class the probability of reaching a lost class
within K periods, written to every customer of the class by one UPDATE.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .crm_segment_snapshot import partner_range_sql
from .crm_segmentation_finite import FiniteFloat

MAX_PERIODS = 120


def mat_mul(a, b):
    """Product of two square matrices (lists of rows)."""
    size = len(a)
    return [
        [sum(a[i][k] * b[k][j] for k in range(size)) for j in range(size)]
        for i in range(size)
    ]


def absorbing_matrix(class_ids, probabilities, lost_ids):
    """The transition matrix over ``class_ids`` (rows sum to 1): observed
    probabilities {(from, to): p}; a lost class is absorbing, a class never
    seen leaving stays where it is."""
    index = {cid: i for i, cid in enumerate(class_ids)}
    size = len(class_ids)
    matrix = [[0.0] * size for _ in range(size)]
    seen = set()
    for (src, dst), prob in probabilities.items():
        if src in index and dst in index and src not in lost_ids:
            matrix[index[src]][index[dst]] = prob
            seen.add(src)
    for cid, i in index.items():
        if cid in lost_ids or cid not in seen:
            matrix[i] = [0.0] * size
            matrix[i][i] = 1.0
        else:
            total = sum(matrix[i])
            matrix[i] = [value / total for value in matrix[i]]
    return matrix


def churn_risks(class_ids, probabilities, lost_ids, periods):
    """{class: probability of being in a lost class after ``periods`` steps}
    (lost classes absorbing, so: of having reached one)."""
    matrix = absorbing_matrix(class_ids, probabilities, lost_ids)
    power = [
        [float(i == j) for j in range(len(class_ids))] for i in range(len(class_ids))
    ]
    for _step in range(periods):
        power = mat_mul(power, matrix)
    lost_cols = [j for j, cid in enumerate(class_ids) if cid in lost_ids]
    return {
        cid: min(1.0, sum(power[i][j] for j in lost_cols))
        for i, cid in enumerate(class_ids)
    }


class CrmRfmClass(models.Model):
    _inherit = "crm.rfm.class"  # pylint: disable=consider-merging-classes-inherited

    is_lost = fields.Boolean(
        "Lost Class",
        compute="_compute_is_lost",
        store=True,
        readonly=False,
        tracking=True,
        help="Customers in this class are counted as lost: the churn risk is "
        "the probability of reaching one of these classes. Set for the class "
        "coded 'lost'; change it at will.",
    )

    @api.depends("code")
    def _compute_is_lost(self):
        for klass in self:
            klass.is_lost = klass.code == "lost"


class CrmRfmConfig(models.Model):
    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    transition_periods = fields.Integer(
        default=6,
        tracking=True,
        help="How many of the last periods between cut-offs (snapshots) the "
        "transition matrix is computed from.",
    )
    churn_periods = fields.Integer(
        "Churn Horizon (periods)",
        default=3,
        tracking=True,
        help="Churn risk: probability of reaching a lost class within this "
        "many periods.",
    )

    @api.constrains("transition_periods", "churn_periods")
    def _check_transition_periods(self):
        for rec in self:
            for value in (rec.transition_periods, rec.churn_periods):
                if not 1 <= value <= MAX_PERIODS:
                    raise ValidationError(
                        self.env._(
                            "Transition periods and churn horizon must be "
                            "between 1 and %(max)s.",
                            max=MAX_PERIODS,
                        )
                    )

    def _get_transition(self):
        """The transition matrix record of the company (created once)."""
        self.ensure_one()
        Transition = self.env["crm.rfm.transition"]
        # sudo: the one matrix row of the company, kept by the recompute
        matrix = Transition.sudo().search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not matrix:
            # sudo: as above; its fields are bookkeeping
            matrix = Transition.sudo().create({"company_id": self.company_id.id})
        return matrix

    def _store_class_history(self, date, lower=None, upper=None):
        """Freeze the class of every scored customer at cut-off ``date``
        (those whose id is in (lower, upper] when bounds are given): one
        INSERT ... SELECT, insert-only (a second cut-off the same day, or a
        chunk run again, keeps the first one's rows)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
            INSERT INTO crm_rfm_class_history (
                company_id, date, partner_id, class_id,
                create_uid, create_date, write_uid, write_date)
            SELECT s.company_id, %(date)s, s.partner_id, s.class_id,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM crm_rfm_score s
             WHERE s.company_id = %(company)s AND s.class_id IS NOT NULL
               AND %(range)s
            ON CONFLICT (company_id, date, partner_id) DO NOTHING
            """,
                date=date,
                range=partner_range_sql(SQL("s.partner_id"), lower, upper),
                uid=self.env.uid,
                company=self.company_id.id,
            )
        )

    def _recompute_transitions(self):
        """Matrix, per-class churn risk and the customers' churn risk, with a
        constant number of queries whatever the number of customers."""
        self.ensure_one()
        matrix = self._get_transition()
        company = self.company_id.id
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM crm_rfm_transition_line WHERE transition_id = %(t)s;"
                "DELETE FROM crm_rfm_transition_class WHERE transition_id = %(t)s",
                t=matrix.id,
            )
        )
        # the last N + 1 cut-offs give N periods; a customer counts in a
        # period when classed at both of its ends
        stats = self.env.execute_query(
            SQL(
                """
            WITH cut AS (
                SELECT d.date, LEAD(d.date) OVER (ORDER BY d.date) AS next_date
                  FROM (SELECT DISTINCT date FROM crm_rfm_class_history
                         WHERE company_id = %(company)s
                         ORDER BY date DESC LIMIT %(n)s) d),
            pairs AS (
                SELECT a.partner_id, a.class_id AS src, b.class_id AS dst
                  FROM cut
                  JOIN crm_rfm_class_history a
                    ON a.company_id = %(company)s AND a.date = cut.date
                  JOIN crm_rfm_class_history b
                    ON b.company_id = %(company)s AND b.date = cut.next_date
                   AND b.partner_id = a.partner_id
                 WHERE cut.next_date IS NOT NULL),
            cells AS (
                INSERT INTO crm_rfm_transition_line (
                    transition_id, company_id, from_class_id, to_class_id,
                    pair_count, probability,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(t)s, %(company)s, src, dst, COUNT(*),
                       COUNT(*)::float8 / SUM(COUNT(*)) OVER (PARTITION BY src),
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM pairs GROUP BY src, dst
                RETURNING from_class_id, to_class_id, probability)
            SELECT (SELECT COUNT(*) FROM cut WHERE next_date IS NOT NULL),
                   (SELECT MIN(date) FROM cut), (SELECT MAX(date) FROM cut),
                   (SELECT COUNT(DISTINCT partner_id) FROM pairs),
                   (SELECT COUNT(*) FROM pairs),
                   (SELECT json_agg(json_build_array(
                        from_class_id, to_class_id, probability)) FROM cells)
            """,
                company=company,
                n=self.transition_periods + 1,
                t=matrix.id,
                uid=self.env.uid,
            )
        )[0]
        periods, date_from, date_to, customers, pairs, cells = stats
        basis = {
            "period_count": periods or 0,
            "date_from": date_from if periods else False,
            "date_to": date_to,
            "customer_count": customers or 0,
            "pair_count": pairs or 0,
        }
        probabilities = {(src, dst): prob for src, dst, prob in cells or []}
        # sudo: the classes of the company, whoever reads the matrix
        Class = self.env["crm.rfm.class"].sudo()
        classes = Class.with_context(active_test=False).search(
            [("company_id", "in", [company, False])]
        )
        class_ids = sorted(
            set(classes.ids) | {cid for pair in probabilities for cid in pair}
        )
        lost_ids = set(classes.filtered("is_lost").ids)
        rows = self._class_predictions(
            matrix, basis, class_ids, lost_ids, probabilities
        )
        self._store_class_rows(matrix, rows)
        # sudo: the matrix's basis (read-only bookkeeping fields)
        matrix.sudo().write(
            dict(
                basis,
                computed_at=fields.Datetime.now(),
                **self._transition_settings(),
            )
        )
        self._apply_predictions(matrix)
        self.env["crm.rfm.transition.line"].invalidate_model()
        self.env["crm.rfm.transition.class"].invalidate_model()
        return matrix

    def _transition_settings(self):
        """The settings a matrix was computed with, kept on it."""
        return {"churn_periods": self.churn_periods}

    def _class_predictions(self, matrix, basis, class_ids, lost_ids, probabilities):
        """{class id: {column of crm.rfm.transition.class: value}}."""
        risks = churn_risks(class_ids, probabilities, lost_ids, self.churn_periods)
        seen = {src for src, _dst in probabilities}
        return {
            cid: {
                "is_lost": cid in lost_ids,
                "observed": cid in seen,
                "churn_risk": risks[cid],
            }
            for cid in class_ids
        }

    def _store_class_rows(self, matrix, rows):
        """One INSERT of the classes' rows."""
        if not rows:
            return
        columns = list(next(iter(rows.values())))
        self.env.execute_query(
            SQL(
                """
            INSERT INTO crm_rfm_transition_class (
                transition_id, company_id, class_id, %(cols)s,
                create_uid, create_date, write_uid, write_date)
            VALUES %(rows)s
            """,
                cols=SQL(", ").join(SQL.identifier(col) for col in columns),
                rows=SQL(", ").join(
                    SQL(
                        "(%s, %s, %s, %s, %s, NOW() AT TIME ZONE 'UTC', %s, "
                        "NOW() AT TIME ZONE 'UTC')",
                        matrix.id,
                        self.company_id.id,
                        cid,
                        SQL(", ").join(values[col] for col in columns),
                        self.env.uid,
                        self.env.uid,
                    )
                    for cid, values in rows.items()
                ),
            )
        )

    def _prediction_columns(self):
        """{score column: class row column} written to the customers."""
        return {"churn_risk": "churn_risk"}

    def _apply_predictions(self, matrix):
        """Each customer takes its class's predictions: one UPDATE, rows
        whose values are unchanged are not rewritten."""
        columns = self._prediction_columns()
        score_cols = [SQL.identifier(col) for col in columns]
        class_cols = [SQL.identifier("c", col) for col in columns.values()]
        self.env.execute_query(
            SQL(
                """
            UPDATE crm_rfm_score s
               SET (%(score_cols)s) = (SELECT %(v_cols)s)
              FROM (SELECT s2.id, %(class_cols)s
                      FROM crm_rfm_score s2
                      LEFT JOIN crm_rfm_transition_class c
                        ON c.transition_id = %(t)s AND c.class_id = s2.class_id
                     WHERE s2.company_id = %(company)s) v
             WHERE s.id = v.id
               AND (%(s_cols)s, NULL) IS DISTINCT FROM (%(v_cols)s, NULL)
            """,
                score_cols=SQL(", ").join(score_cols),
                s_cols=SQL(", ").join(SQL.identifier("s", col) for col in columns),
                v_cols=SQL(", ").join(SQL.identifier("v", col) for col in columns),
                class_cols=SQL(", ").join(
                    SQL("%s AS %s", c, SQL.identifier(col))
                    for c, col in zip(class_cols, columns, strict=True)
                ),
                t=matrix.id,
                company=self.company_id.id,
            )
        )
        self.env["crm.rfm.score"].invalidate_model(list(columns))

    def _recompute_finish(self):
        res = super()._recompute_finish()
        # the customers' classes changed: they take their new class's risk
        # from the stored matrix (no new cut-off, so no new matrix)
        # sudo: the company's matrix row, kept by the application
        Transition = self.env["crm.rfm.transition"].sudo()
        matrix = Transition.search([("company_id", "=", self.company_id.id)], limit=1)
        if matrix:
            self._apply_predictions(matrix)
        return res

    def action_recompute_transitions(self):
        """Managers: the matrix and the predictions again, from the stored
        cut-offs (e.g. after flagging lost classes)."""
        self.check_access("write")
        for config in self:
            config._recompute_transitions()
        return self.action_view_transitions()

    @api.readonly
    def action_view_transitions(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_rfm_transition_line_action"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action


class CrmSegmentSnapshot(models.Model):
    _inherit = "crm.segment.snapshot"  # pylint: disable=consider-merging-classes-inherited

    def action_take(self):
        """A snapshot is a cut-off: the classes are frozen and the matrix and
        the predictions recomputed."""
        res = super().action_take()
        Config = self.env["crm.rfm.config"]
        for company, snaps in self.grouped("company_id").items():
            config = Config._get_for_company(company)
            # sudo: the history and the matrix are the application's
            # bookkeeping of the cut-off whose right (snapshot write) was
            # checked by super()
            config = config.sudo()
            for date in sorted(set(snaps.mapped("date"))):
                config._store_class_history(date)
            config._recompute_transitions()
        return res


class CrmRfmClassHistory(models.Model):
    """The class of a customer at a cut-off: insert-only."""

    _name = "crm.rfm.class.history"
    _description = "RFM Class at a Cut-off"
    _inherit = ["crm.segmentation.guard"]
    _order = "date desc, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade", index=True
    )
    date = fields.Date("Cut-off", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    class_id = fields.Many2one(
        "crm.rfm.class", "RFM Class", readonly=True, check_company=True
    )

    _company_date_partner_uniq = models.Constraint(
        "unique(company_id, date, partner_id)",
        "A customer has one class per company and cut-off.",
    )


class CrmRfmTransition(models.Model):
    """The transition matrix of one company and what it is based on."""

    _name = "crm.rfm.transition"
    _description = "RFM Class Transition Matrix"
    _inherit = ["crm.segmentation.guard"]
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    computed_at = fields.Datetime(readonly=True)
    period_count = fields.Integer(
        "Periods", readonly=True, help="Periods between cut-offs counted."
    )
    date_from = fields.Date("First Cut-off", readonly=True)
    date_to = fields.Date(
        "Data Date", readonly=True, help="The last cut-off: the date of the data."
    )
    customer_count = fields.Integer(
        "Customers", readonly=True, help="Customers seen at two consecutive cut-offs."
    )
    pair_count = fields.Integer(
        "Moves Observed", readonly=True, help="Customer x period pairs counted."
    )
    churn_periods = fields.Integer(
        "Churn Horizon (periods)", readonly=True, help="K of the churn risk."
    )
    line_ids = fields.One2many("crm.rfm.transition.line", "transition_id")
    class_ids = fields.One2many("crm.rfm.transition.class", "transition_id")

    _company_uniq = models.Constraint(
        "unique(company_id)", "There is one transition matrix per company."
    )

    def action_recompute(self):
        """Managers: recompute from the stored cut-offs."""
        self.ensure_one()
        config = self.env["crm.rfm.config"]._get_for_company(self.company_id)
        return config.action_recompute_transitions()

    @api.readonly
    def action_view_heat_map(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_rfm_transition_line_action"
        )
        action["domain"] = [("transition_id", "=", self.id)]
        # the pivot shows class names only: the title says the basis
        action["name"] = action["display_name"] = self.env._(
            "Rows: class at a cut-off. Columns: class at the next one "
            "(%(periods)s periods, %(customers)s customers, data of %(date)s)",
            periods=self.period_count,
            customers=self.customer_count,
            date=self.date_to or "-",
        )
        return action


class CrmRfmTransitionLine(models.Model):
    """One cell: the probability of moving from a class to another in one
    period."""

    _name = "crm.rfm.transition.line"
    _description = "RFM Class Transition"
    _inherit = ["crm.segmentation.guard"]
    _order = "from_class_id, to_class_id"
    _check_company_auto = True

    transition_id = fields.Many2one(
        "crm.rfm.transition",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade", index=True
    )
    from_class_id = fields.Many2one("crm.rfm.class", readonly=True, check_company=True)
    to_class_id = fields.Many2one("crm.rfm.class", readonly=True, check_company=True)
    pair_count = fields.Integer("Customers", readonly=True)
    probability = FiniteFloat(readonly=True, aggregator="sum")
    date_to = fields.Date(related="transition_id.date_to", string="Data Date")


class CrmRfmTransitionClass(models.Model):
    """The predictions of one class, from the matrix."""

    _name = "crm.rfm.transition.class"
    _description = "RFM Class Prediction"
    _inherit = ["crm.segmentation.guard"]
    _order = "class_id"
    _rec_name = "class_id"
    _check_company_auto = True

    transition_id = fields.Many2one(
        "crm.rfm.transition",
        required=True,
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade", index=True
    )
    class_id = fields.Many2one(
        "crm.rfm.class", "RFM Class", readonly=True, check_company=True
    )
    is_lost = fields.Boolean("Lost Class", readonly=True)
    observed = fields.Boolean(
        readonly=True,
        help="Customers of this class were seen at the next cut-off; if not, "
        "the class is assumed to keep its customers.",
    )
    churn_risk = FiniteFloat(readonly=True, aggregator="avg")


class CrmRfmScore(models.Model):
    _inherit = "crm.rfm.score"  # pylint: disable=consider-merging-classes-inherited

    churn_risk = FiniteFloat(
        readonly=True,
        aggregator="avg",
        help="Probability of reaching a lost class within the churn horizon, "
        "from the class transition matrix.",
    )


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    rfm_churn_risk = FiniteFloat(
        "Churn Risk",
        compute="_compute_rfm_churn_risk",
        search="_search_rfm_churn_risk",
        help="Probability of reaching a lost RFM class within the churn "
        "horizon, in the current company (usable in segment rules).",
    )

    @api.depends_context("company")
    @api.depends("rfm_score_ids.churn_risk")
    def _compute_rfm_churn_risk(self):
        company = self.env.company
        for partner in self:
            score = partner.rfm_score_ids.filtered(lambda s: s.company_id == company)
            partner.rfm_churn_risk = score[:1].churn_risk

    def _search_rfm_churn_risk(self, operator, value):
        return [
            (
                "rfm_score_ids",
                "any",
                [
                    ("company_id", "=", self.env.company.id),
                    ("churn_risk", operator, value),
                ],
            )
        ]
