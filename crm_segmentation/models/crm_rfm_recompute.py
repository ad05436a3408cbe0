# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_rfm_config import parse_thresholds
from .crm_segmentation_finite import FiniteFloat, finite_sql

_logger = logging.getLogger(__name__)


class CrmRfmConfig(models.Model):
    """The RFM recompute of one company, set-based.

    Each batch is one statement over a range of customer ids that writes
    only what changed (new, changed and vanished customers); scoring and
    classing are one UPDATE for the whole company. The cursor (last
    customer id done) is committed with each batch, so a crashed run
    resumes where it stopped.
    """

    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    state = fields.Selection(
        [("idle", "Idle"), ("running", "Running")],
        default="idle",
        readonly=True,
        required=True,
    )
    run_started = fields.Datetime(readonly=True)
    run_number = fields.Integer(readonly=True, help="Runs started so far.")
    run_cursor = fields.Integer(readonly=True)
    run_total = fields.Integer(readonly=True)
    run_done = fields.Integer(readonly=True)
    progress = FiniteFloat(compute="_compute_progress")
    last_run_date = fields.Datetime(readonly=True)
    last_run_count = fields.Integer("Customers Scored", readonly=True)
    last_error = fields.Text(readonly=True)

    @api.depends("run_done", "run_total", "state")
    def _compute_progress(self):
        for rec in self:
            if rec.state == "running" and rec.run_total:
                rec.progress = 100.0 * rec.run_done / rec.run_total
            else:
                rec.progress = 100.0 if rec.last_run_date else 0.0

    def _invoice_filter(self, alias="m"):
        return SQL(
            "%(m)s.state = 'posted' AND %(m)s.move_type IN ('out_invoice', "
            "'out_refund') AND %(m)s.company_id = %(company)s",
            m=SQL.identifier(alias),
            company=self.company_id.id,
        )

    def _check_currency_rates(self):
        """Invoices in a currency without any rate for their date can't be
        trusted in company currency: refuse instead of scoring them."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT DISTINCT c.name
              FROM account_move m
              JOIN res_currency c ON c.id = m.currency_id
              JOIN res_company co ON co.id = m.company_id
             WHERE %(filter)s
               AND m.currency_id != co.currency_id
               AND NOT EXISTS (
                   SELECT 1 FROM res_currency_rate r
                    WHERE r.currency_id = m.currency_id
                      AND (r.company_id = m.company_id OR r.company_id IS NULL)
                      AND r.name <= COALESCE(m.invoice_date, m.date))
            """,
                filter=self._invoice_filter(),
            )
        )
        if rows:
            raise UserError(
                self.env._(
                    "Currency %(currencies)s has no exchange rate for the date of "
                    "some posted invoices of %(company)s. Add the rates, then "
                    "recompute the RFM scores.",
                    currencies=", ".join(r[0] for r in rows),
                    company=self.company_id.name,
                )
            )

    def _fixed_score(self, expr, thresholds, reverse=False):
        """SQL giving a 1-5 score for ``expr`` by four fixed thresholds."""
        above = SQL(" + ").join(
            SQL("(%s > %s)::int", expr, v) for v in parse_thresholds(thresholds)
        )
        return SQL("5 - (%s)", above) if reverse else SQL("1 + (%s)", above)

    def _score_sql(self, today):
        """(r, f, m) SQL expressions over the score row ``s`` and the cuts row
        ``c``, and the aggregates ``c`` needs over all the company's rows.

        Quantiles: a customer's score is 1 + floor(5 * k / n), where k is the
        number of customers with a strictly worse metric (equal metrics score
        alike, NULL is the worst) and n the number of customers. That is
        1 + how many of the four cut values a[ceil(i * n / 5)] (i = 1..4, a =
        the metrics sorted, worst first) are below the customer's metric: one
        sort per metric for the whole company instead of a window and a join
        per customer. The aggregates read the score rows as ``s`` too."""
        recency = self.env["crm.rfm.score"]._recency_sql("s", today)
        # a non-finite net revenue (stored by SQL or an import) scores as 0,
        # the value the score shows: NaN would otherwise sort above every
        # amount and make its customer a top spender
        monetary = finite_sql(SQL("s.monetary"), 0)
        specs = (
            # score, method, thresholds, fixed-threshold expression, sort key
            # (worst first: the oldest last invoice is the worst recency)
            ("r", self.recency_method, self.recency_thresholds, recency,
             SQL("s.last_invoice_date"), True),
            ("f", self.frequency_method, self.frequency_thresholds,
             SQL("s.frequency"), SQL("s.frequency"), False),
            ("m", self.monetary_method, self.monetary_thresholds,
             monetary, monetary, False),
        )  # fmt: skip
        exprs, sorted_aggs, cuts = [], [], []
        for key, method, thresholds, expr, col, reverse in specs:
            if method == "fixed":
                exprs.append(self._fixed_score(expr, thresholds, reverse))
                continue
            arr = SQL.identifier(f"{key}_sorted")
            sorted_aggs.append(
                SQL("array_agg(%s ORDER BY %s NULLS FIRST) AS %s", col, col, arr)
            )
            terms = []
            for i in range(1, 5):
                cut = SQL.identifier(f"{key}_cut{i}")
                cuts.append(SQL("a.%s[(%s * a.n + 4) / 5] AS %s", arr, i, cut))
                terms.append(
                    SQL(
                        "(%s IS NOT NULL AND (c.%s IS NULL OR c.%s < %s))::int",
                        col,
                        cut,
                        cut,
                        col,
                    )
                )
            exprs.append(SQL("1 + %s", SQL(" + ").join(terms)))
        # a customer with refunds only has no recency: worst score
        exprs[0] = SQL(
            "CASE WHEN s.last_invoice_date IS NULL THEN 1 ELSE %s END", exprs[0]
        )
        return exprs, sorted_aggs, cuts

    def _lock(self):
        """Row lock so that two workers never run the same company."""
        self.ensure_one()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM crm_rfm_config WHERE id = %s FOR UPDATE SKIP LOCKED",
                self.id,
            )
        )
        return bool(rows)

    def _recompute_start(self):
        self.ensure_one()
        self._check_currency_rates()
        total = self.env.execute_query(
            SQL(
                "SELECT COUNT(DISTINCT m.commercial_partner_id) FROM account_move m "
                "WHERE %s",
                self._invoice_filter(),
            )
        )[0][0]
        # sudo: run bookkeeping (read-only fields); the callers checked the
        # write right on the settings (action_recompute) or are the cron
        self.sudo().with_context(tracking_disable=True).write(
            {
                "state": "running",
                "run_started": fields.Datetime.now(),
                "run_number": self.run_number + 1,
                "run_cursor": 0,
                "run_total": total,
                "run_done": 0,
                "last_error": False,
            }
        )

    def _recompute_batch(self):
        """Store the raw metrics of the next ``batch_size`` customers.

        Return the number of customers done (0 when the run is complete)."""
        self.ensure_one()
        self.env.flush_all()
        bound = self.env.execute_query(
            SQL(
                """
            SELECT MAX(pid), COUNT(*) FROM (
                SELECT DISTINCT m.commercial_partner_id AS pid
                  FROM account_move m
                 WHERE %(filter)s AND m.commercial_partner_id > %(cursor)s
                 ORDER BY 1 LIMIT %(limit)s) t
            """,
                filter=self._invoice_filter(),
                cursor=self.run_cursor,
                limit=self.batch_size,
            )
        )[0]
        upper, count = bound
        if not count:
            return 0
        self._recompute_range(self.run_cursor, upper)
        # sudo: run bookkeeping, as in _recompute_start
        self.sudo().with_context(tracking_disable=True).write(
            {"run_cursor": upper, "run_done": self.run_done + count}
        )
        return count

    def _recompute_range(self, lower, upper):
        """Store the raw metrics of the customers whose id is in (lower,
        upper]. Idempotent: run again, it writes nothing; each batch of the
        cron is one range, and so is each job of crm_segmentation_queue."""
        self.ensure_one()
        self.env.flush_all()
        # One statement per batch: the batch's customers whose metrics
        # changed are updated, new ones inserted, and scores in the batch's id
        # range whose customer has no invoice left are deleted. Unchanged rows
        # are not rewritten: rewriting them would be most of the recompute's
        # cost. Vanished customers are found by the invoice index, not by an
        # anti-join of the score table's id range to the batch: planned on
        # the statistics of a table that was empty, that one went quadratic.
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
            WITH inv AS (
                SELECT i.pid, i.frequency, i.refunds, i.monetary, i.first_date,
                       i.last_date, GREATEST(so.last_order, i.last_date) AS last_order
                  FROM (
                    SELECT m.commercial_partner_id AS pid,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_invoice')
                               AS frequency,
                           COUNT(*) FILTER (WHERE m.move_type = 'out_refund')
                               AS refunds,
                           -- an invoice whose amount is NaN or infinite
                           -- (stored by SQL, an import, another module) adds
                           -- nothing: it still counts as an invoice, its
                           -- amount is unknown
                           COALESCE(SUM(%(amount)s), 0) AS monetary,
                           MIN(m.invoice_date)
                               FILTER (WHERE m.move_type = 'out_invoice')
                               AS first_date,
                           MAX(m.invoice_date)
                               FILTER (WHERE m.move_type = 'out_invoice')
                               AS last_date
                      FROM account_move m
                     WHERE %(filter)s
                       AND m.commercial_partner_id > %(cursor)s
                       AND m.commercial_partner_id <= %(upper)s
                     GROUP BY m.commercial_partner_id) i
                  LEFT JOIN (
                    SELECT p.commercial_partner_id AS pid,
                           MAX(o.date_order)::date AS last_order
                      FROM sale_order o
                      JOIN res_partner p ON p.id = o.partner_id
                     WHERE o.state = 'sale' AND o.company_id = %(company)s
                       AND p.commercial_partner_id > %(cursor)s
                       AND p.commercial_partner_id <= %(upper)s
                     GROUP BY p.commercial_partner_id) so ON so.pid = i.pid),
            gone AS (
                DELETE FROM crm_rfm_score s
                 WHERE s.company_id = %(company)s
                   AND s.partner_id > %(cursor)s AND s.partner_id <= %(upper)s
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move m
                        WHERE %(filter)s
                          AND m.commercial_partner_id = s.partner_id))
            INSERT INTO crm_rfm_score (
                partner_id, company_id, frequency, monetary, first_invoice_date,
                last_invoice_date, last_order_date, refund_count, computed_at,
                create_uid, create_date, write_uid, write_date)
            SELECT inv.pid, %(company)s, inv.frequency, inv.monetary, inv.first_date,
                   inv.last_date, inv.last_order, inv.refunds, %(now)s,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM inv
              -- only new and changed customers reach the upsert
              LEFT JOIN crm_rfm_score s
                     ON s.partner_id = inv.pid AND s.company_id = %(company)s
                    -- the batch's range: a range scan, not all scores per batch
                    AND s.partner_id > %(cursor)s AND s.partner_id <= %(upper)s
             WHERE s.id IS NULL
                OR (s.frequency, s.monetary, s.first_invoice_date,
                    s.last_invoice_date, s.last_order_date, s.refund_count)
                   IS DISTINCT FROM
                   (inv.frequency, inv.monetary, inv.first_date, inv.last_date,
                    inv.last_order, inv.refunds)
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                frequency = EXCLUDED.frequency,
                monetary = EXCLUDED.monetary,
                first_invoice_date = EXCLUDED.first_invoice_date,
                last_invoice_date = EXCLUDED.last_invoice_date,
                last_order_date = EXCLUDED.last_order_date,
                refund_count = EXCLUDED.refund_count,
                computed_at = EXCLUDED.computed_at,
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            """,
                company=self.company_id.id,
                now=now,
                uid=self.env.uid,
                amount=finite_sql(SQL("m.amount_untaxed_signed")),
                filter=self._invoice_filter(),
                cursor=lower,
                upper=upper,
            )
        )

    def _recompute_finish(self):
        """Drop customers without invoices any more, score and class the rest."""
        self.ensure_one()
        self.env.flush_all()
        company = self.company_id.id
        # customers above the last batch's range have no invoice any more
        self.env.execute_query(
            SQL(
                "DELETE FROM crm_rfm_score WHERE company_id = %s AND partner_id > %s",
                company,
                self.run_cursor,
            )
        )
        self._score_and_class()
        self.env["crm.rfm.score"].invalidate_model()
        # sudo: run bookkeeping, as in _recompute_start
        self.sudo().with_context(tracking_disable=True).write(
            {
                "state": "idle",
                "last_run_date": fields.Datetime.now(),
                "last_run_count": self.run_done,
            }
        )

    def _score_and_class(self):
        """Scores, code and class of the company's customers from their
        stored metrics."""
        self.ensure_one()
        company = self.company_id.id
        # recency is counted from today, not stored (see crm.rfm.score)
        (r, f, m), sorted_aggs, cuts = self._score_sql(fields.Date.context_today(self))
        code = SQL("CONCAT(%s, %s, %s)", r, f, m)
        # the class of each of the 125 score combinations: its first matching
        # class, looked up in an array instead of once per customer
        class_id = SQL("cls.ids[(%s - 1) * 25 + (%s - 1) * 5 + %s]", r, f, m)
        # Scores, code and class in one UPDATE that skips unchanged rows:
        # rewriting every row would be most of the recompute's cost.
        self.env.execute_query(
            SQL(
                """
            WITH a AS MATERIALIZED (
                SELECT %(aggs)s FROM crm_rfm_score s
                 WHERE s.company_id = %(company)s),
            -- materialized: each cut is read from its array once, not per row
            c AS MATERIALIZED (SELECT %(cuts)s FROM a),
            cls AS MATERIALIZED (
                SELECT array_agg(k.class_id ORDER BY k.r, k.f, k.m) AS ids
                  FROM (SELECT r.v AS r, f.v AS f, m.v AS m,
                               (SELECT c.id FROM crm_rfm_class c
                                 WHERE c.active
                                   AND (c.company_id IS NULL
                                        OR c.company_id = %(company)s)
                                   AND r.v BETWEEN c.r_min AND c.r_max
                                   AND f.v BETWEEN c.f_min AND c.f_max
                                   AND m.v BETWEEN c.m_min AND c.m_max
                                 ORDER BY c.sequence, c.id LIMIT 1) AS class_id
                          FROM generate_series(1, 5) r(v)
                         CROSS JOIN generate_series(1, 5) f(v)
                         CROSS JOIN generate_series(1, 5) m(v)) k)
            UPDATE crm_rfm_score s
               SET r_score = %(r)s, f_score = %(f)s, m_score = %(m)s,
                   rfm_code = %(code)s, class_id = %(class_id)s,
                   write_uid = %(uid)s, write_date = %(now)s
              FROM c, cls
             WHERE s.company_id = %(company)s
               AND (s.r_score, s.f_score, s.m_score, s.rfm_code, s.class_id)
                   IS DISTINCT FROM
                   (%(r)s, %(f)s, %(m)s, %(code)s, %(class_id)s)
            """,
                aggs=SQL(", ").join([SQL("COUNT(*) AS n"), *sorted_aggs]),
                cuts=SQL(", ").join([SQL("a.n"), *cuts]),
                r=r,
                f=f,
                m=m,
                code=code,
                class_id=class_id,
                company=company,
                uid=self.env.uid,
                now=fields.Datetime.now(),
            )
        )

    def action_recompute(self):
        """On demand: the whole run in this transaction."""
        self.check_access("write")
        for config in self:
            if not config._lock():
                raise UserError(
                    self.env._(
                        "The RFM scores of %(company)s are being recomputed by "
                        "another process. Try again in a moment.",
                        company=config.company_id.name,
                    )
                )
            config._recompute_start()
            while config._recompute_batch():
                pass
            config._recompute_finish()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "RFM scores recomputed for %(count)s customers.",
                    count=sum(self.mapped("last_run_count")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_recompute_background(self):
        """On demand for large bases: the cron runs in committed batches and
        the form shows its progress."""
        self.check_access("write")
        # sudo: only schedules the job; the cron runs with its own user
        self.env.ref("crm_segmentation.ir_cron_rfm_recompute").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The recompute starts in the background; reload this page "
                    "to follow its progress."
                ),
            },
        }

    @api.model
    def _cron_recompute(self):
        """Batches committed one by one; a run cut short resumes next time."""
        cron = self.env["ir.cron"]
        for company in self.env["res.company"].search([]):
            config = self._get_for_company(company)
            if not config._lock():
                continue  # another worker has it
            if config.state != "running":
                try:
                    config._recompute_start()
                except UserError as error:
                    # sudo: the error of this run, on the settings row
                    config.sudo().write({"last_error": str(error)})
                    _logger.warning("RFM recompute skipped: %s", error)
                    cron._commit_progress(0)
                    continue
                cron._commit_progress(0, remaining=config.run_total)
            while True:
                if not config._lock():
                    break
                done = config._recompute_batch()
                if not done:
                    config._recompute_finish()
                    cron._commit_progress(0)
                    break
                if cron._commit_progress(done) <= 0:
                    return  # out of time: the next run resumes at the cursor
