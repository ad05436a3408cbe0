# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging
import math

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BIN_METHODS = [("quantile", "Quantiles"), ("fixed", "Fixed thresholds")]


def parse_thresholds(text):
    """'30, 90, 180, 365' -> [30.0, 90.0, 180.0, 365.0]; None if malformed.

    Python's float() also reads 'nan', 'inf' and '1e400': none of them is a
    threshold (NaN compares false with everything, so it even passes the
    increasing-order test)."""
    try:
        values = [float(part) for part in (text or "").split(",")]
    except ValueError:
        return None
    if not all(math.isfinite(value) for value in values):
        return None
    if len(values) != 4 or any(
        b <= a for a, b in zip(values, values[1:], strict=False)
    ):
        return None
    return values


class CrmRfmConfig(models.Model):
    """RFM settings of one company, and the state of its recompute.

    The recompute is set-based: each batch is one statement over a range of
    customer ids that writes only what changed (new, changed and vanished
    customers); scoring and classing are one UPDATE for the whole company.
    The cursor (last customer id done) is committed with each batch, so a
    crashed run resumes where it stopped.
    """

    _name = "crm.rfm.config"
    _description = "RFM Settings"
    _inherit = ["mail.thread", "crm.segmentation.guard"]
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    recency_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    frequency_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    monetary_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    recency_thresholds = fields.Char(
        default="30,90,180,365",
        tracking=True,
        help="Four increasing numbers of days. At most the first gives score 5, "
        "above the last gives score 1.",
    )
    frequency_thresholds = fields.Char(
        default="1,2,4,8",
        tracking=True,
        help="Four increasing invoice counts. At most the first gives score 1, "
        "above the last gives score 5.",
    )
    monetary_thresholds = fields.Char(
        default="500,2000,10000,50000",
        tracking=True,
        help="Four increasing net amounts in company currency. At most the first "
        "gives score 1, above the last gives score 5.",
    )
    batch_size = fields.Integer(default=50000, tracking=True)
    snapshot_interval = fields.Integer(
        "Snapshot Every (days)", default=30, tracking=True
    )
    last_snapshot_date = fields.Date(readonly=True)
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
    progress = fields.Float(compute="_compute_progress")
    last_run_date = fields.Datetime(readonly=True)
    last_run_count = fields.Integer("Customers Scored", readonly=True)
    last_error = fields.Text(readonly=True)

    _company_uniq = models.Constraint(
        "unique(company_id)", "There is one RFM setting per company."
    )

    @api.depends("run_done", "run_total", "state")
    def _compute_progress(self):
        for rec in self:
            if rec.state == "running" and rec.run_total:
                rec.progress = 100.0 * rec.run_done / rec.run_total
            else:
                rec.progress = 100.0 if rec.last_run_date else 0.0

    @api.constrains("recency_thresholds", "frequency_thresholds", "monetary_thresholds")
    def _check_thresholds(self):
        for rec in self:
            for fname in (
                "recency_thresholds",
                "frequency_thresholds",
                "monetary_thresholds",
            ):
                if parse_thresholds(rec[fname]) is None:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be four increasing numbers separated "
                            "by commas, e.g. 30,90,180,365 (got %(value)r).",
                            field=rec._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            value=rec[fname] or "",
                        )
                    )

    @api.constrains("batch_size", "snapshot_interval")
    def _check_positive(self):
        for rec in self:
            if rec.batch_size < 1 or rec.snapshot_interval < 1:
                raise ValidationError(
                    self.env._("Batch size and snapshot interval must be positive.")
                )
            if max(rec.batch_size, rec.snapshot_interval) > 2**31 - 1:
                raise ValidationError(
                    self.env._(
                        "Batch size and snapshot interval cannot exceed %s.",
                        2**31 - 1,
                    )
                )

    @api.model
    def _get_for_company(self, company):
        # sudo: the given company's row only; returned with the caller's rights
        config = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not config:
            # sudo: every company needs its settings row, even when the
            # current user only reads scores.
            config = self.sudo().create({"company_id": company.id})
        return config.with_env(self.env)

    # ------------------------------------------------------------------
    # SQL pieces
    # ------------------------------------------------------------------
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
        per customer (bench row 1)."""
        recency = self.env["crm.rfm.score"]._recency_sql("s", today)
        specs = (
            # score, method, thresholds, fixed-threshold expression, sort key
            # (worst first: the oldest last invoice is the worst recency)
            ("r", self.recency_method, self.recency_thresholds, recency,
             "last_invoice_date", True),
            ("f", self.frequency_method, self.frequency_thresholds,
             SQL("s.frequency"), "frequency", False),
            ("m", self.monetary_method, self.monetary_thresholds,
             SQL("s.monetary"), "monetary", False),
        )  # fmt: skip
        exprs, sorted_aggs, cuts = [], [], []
        for key, method, thresholds, expr, column, reverse in specs:
            if method == "fixed":
                exprs.append(self._fixed_score(expr, thresholds, reverse))
                continue
            col = SQL.identifier(column)
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
                        "(s.%s IS NOT NULL AND (c.%s IS NULL OR c.%s < s.%s))::int",
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

    # ------------------------------------------------------------------
    # Recompute
    # ------------------------------------------------------------------
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
        # One statement per batch: the batch's customers whose metrics
        # changed are updated, new ones inserted, and scores in the batch's id
        # range whose customer has no invoice left are deleted. Unchanged rows
        # are not rewritten: that was most of the recompute's cost (bench row
        # 1). Vanished customers are found by the invoice index, not by an
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
                           COALESCE(SUM(m.amount_untaxed_signed), 0) AS monetary,
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
                filter=self._invoice_filter(),
                cursor=self.run_cursor,
                upper=upper,
            )
        )
        # sudo: run bookkeeping, as in _recompute_start
        self.sudo().with_context(tracking_disable=True).write(
            {"run_cursor": upper, "run_done": self.run_done + count}
        )
        return count

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
        # rewriting every row cost most of the recompute (bench row 1).
        self.env.execute_query(
            SQL(
                """
            WITH a AS MATERIALIZED (
                SELECT %(aggs)s FROM crm_rfm_score WHERE company_id = %(company)s),
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

    @api.model
    def _cron_snapshots(self):
        """Take a snapshot per company whose period has elapsed."""
        today = fields.Date.context_today(self)
        Snapshot = self.env["crm.segment.snapshot"]
        for company in self.env["res.company"].search([]):
            config = self._get_for_company(company)
            last = config.last_snapshot_date
            if last and (today - last).days < config.snapshot_interval:
                continue
            Snapshot.with_company(company).create(
                {"company_id": company.id, "trigger": "cron"}
            ).action_take()
            self.env["ir.cron"]._commit_progress(1)

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_populate(self, count=200, seed=42):
        """Customers with posted invoices so that the views are not empty."""
        import random  # noqa: PLC0415 (demo only)
        from datetime import timedelta  # noqa: PLC0415

        company = self.env.company
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal or not journal.default_account_id:
            _logger.info("Segmentation demo data skipped: no sales journal.")
            return False
        rng = random.Random(seed)
        categories = self.env["product.category"].create(
            [{"name": name} for name in ("Hardware", "Services", "Subscriptions")]
        )
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Segmentation Demo {cat.name}",
                    "categ_id": cat.id,
                    "taxes_id": [],
                }
                for cat in categories
            ]
        )
        countries = self.env["res.country"].search(
            [("code", "in", ["ES", "MX", "AR", "CO", "US", "FR"])]
        )
        industries = self.env["res.partner.industry"].search([], limit=8)
        users = self.env.ref("base.user_admin")
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if demo_user:
            users |= demo_user
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Demo Customer {i:03d}",
                    "is_company": True,
                    "email": f"customer{i:03d}@example.com" if i % 17 else False,
                    "country_id": rng.choice(countries).id if countries else False,
                    "industry_id": rng.choice(industries).id if industries else False,
                    "user_id": rng.choice(users).id if i % 5 else False,
                }
                for i in range(1, count + 1)
            ]
        )
        today = fields.Date.context_today(self)
        vals = []
        for partner in partners:
            profile = rng.random()
            n = 1 + int(profile * profile * 12)
            horizon = 720 if profile < 0.3 else 240
            for _ in range(n):
                refund = rng.random() < 0.08
                vals.append(
                    {
                        "move_type": "out_refund" if refund else "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": today - timedelta(days=rng.randint(1, horizon)),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": rng.choice(products).id,
                                    "quantity": rng.randint(1, 5),
                                    "price_unit": round(rng.uniform(50, 2500), 2),
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        moves = self.env["account.move"].create(vals)
        moves.action_post()
        config = self._get_for_company(company)
        config.action_recompute()
        Segment = self.env["crm.segment"]
        ref = self.env.ref
        segments = Segment.create(
            [
                {
                    "name": "Champions",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_champions").ids)
                    ],
                },
                {
                    "name": "At Risk",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_at_risk").ids)
                    ],
                },
                {"name": "Big Spenders", "m_min": 4},
                {
                    "name": "Spanish-speaking Customers",
                    "country_ids": [
                        Command.set(
                            countries.filtered(
                                lambda c: c.code in ("ES", "MX", "AR", "CO")
                            ).ids
                        )
                    ],
                },
                {
                    "name": "Lost (frozen list)",
                    "segment_type": "static",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_lost").ids)
                    ],
                },
            ]
        )
        segments._recompute()
        self.env["crm.segment.snapshot"].create({}).action_take()
        return True
