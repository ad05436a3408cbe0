# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BIN_METHODS = [("quantile", "Quantiles"), ("fixed", "Fixed thresholds")]


def parse_thresholds(text):
    """'30, 90, 180, 365' -> [30.0, 90.0, 180.0, 365.0]; None if malformed."""
    try:
        values = [float(part) for part in (text or "").split(",")]
    except ValueError:
        return None
    if len(values) != 4 or any(
        b <= a for a, b in zip(values, values[1:], strict=False)
    ):
        return None
    return values


class CrmRfmConfig(models.Model):
    """RFM settings of one company, and the state of its recompute.

    The recompute is set-based: each batch is one INSERT ... SELECT ... ON
    CONFLICT over a range of customers; scoring and classing are one UPDATE
    each for the whole company. The cursor (last customer id done) is
    committed with each batch, so a crashed run resumes where it stopped.
    """

    _name = "crm.rfm.config"
    _description = "RFM Settings"
    _inherit = ["mail.thread"]
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
    run_number = fields.Integer(
        readonly=True, help="Rows not touched by the current run are stale."
    )
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

    def _score_case(self, method, column, thresholds, reverse=False):
        """SQL expression giving a 1-5 score for ``column``."""
        col = SQL.identifier(column)
        if method == "fixed":
            values = parse_thresholds(thresholds)
            above = SQL(" + ").join(SQL("(%s > %s)::int", col, v) for v in values)
            if reverse:
                return SQL("5 - (%s)", above)
            return SQL("1 + (%s)", above)
        order = SQL("DESC") if reverse else SQL("ASC")
        # quintile of the share of customers strictly below: equal metrics
        # get equal scores (NTILE split ties by partner id)
        return SQL(
            "1 + FLOOR(5.0 * (RANK() OVER (ORDER BY %s %s NULLS FIRST) - 1) "
            "/ COUNT(*) OVER ())::int",
            col,
            order,
        )

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
        self.with_context(tracking_disable=True).write(
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
        """Upsert raw metrics for the next ``batch_size`` customers.

        Return the number of customers done (0 when the run is complete)."""
        self.ensure_one()
        self.env.flush_all()
        today = fields.Date.context_today(self)
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
        self.env.execute_query(
            SQL(
                """
            INSERT INTO crm_rfm_score (
                partner_id, company_id, frequency, monetary, first_invoice_date,
                last_invoice_date, last_order_date, recency_days, refund_count,
                computed_at, run_number, create_uid, create_date, write_uid,
                write_date)
            SELECT inv.pid, %(company)s, inv.frequency, inv.monetary, inv.first_date,
                   inv.last_date, GREATEST(so.last_order, inv.last_date),
                   %(today)s::date - inv.last_date, inv.refunds,
                   %(started)s, %(run)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM (
                SELECT m.commercial_partner_id AS pid,
                       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS frequency,
                       COUNT(*) FILTER (WHERE m.move_type = 'out_refund') AS refunds,
                       COALESCE(SUM(m.amount_untaxed_signed), 0) AS monetary,
                       MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                           AS first_date,
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                           AS last_date
                  FROM account_move m
                 WHERE %(filter)s
                   AND m.commercial_partner_id > %(cursor)s
                   AND m.commercial_partner_id <= %(upper)s
                 GROUP BY m.commercial_partner_id) inv
              LEFT JOIN (
                SELECT p.commercial_partner_id AS pid,
                       MAX(o.date_order)::date AS last_order
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state = 'sale' AND o.company_id = %(company)s
                   AND p.commercial_partner_id > %(cursor)s
                   AND p.commercial_partner_id <= %(upper)s
                 GROUP BY p.commercial_partner_id) so ON so.pid = inv.pid
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                frequency = EXCLUDED.frequency,
                monetary = EXCLUDED.monetary,
                first_invoice_date = EXCLUDED.first_invoice_date,
                last_invoice_date = EXCLUDED.last_invoice_date,
                last_order_date = EXCLUDED.last_order_date,
                recency_days = EXCLUDED.recency_days,
                refund_count = EXCLUDED.refund_count,
                computed_at = EXCLUDED.computed_at,
                run_number = EXCLUDED.run_number,
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            """,
                company=self.company_id.id,
                today=today,
                started=self.run_started,
                run=self.run_number,
                uid=self.env.uid,
                filter=self._invoice_filter(),
                cursor=self.run_cursor,
                upper=upper,
            )
        )
        self.with_context(tracking_disable=True).write(
            {"run_cursor": upper, "run_done": self.run_done + count}
        )
        return count

    def _recompute_finish(self):
        """Drop customers without invoices any more, score and class the rest."""
        self.ensure_one()
        self.env.flush_all()
        company = self.company_id.id
        self.env.execute_query(
            SQL(
                "DELETE FROM crm_rfm_score WHERE company_id = %s "
                "AND run_number IS DISTINCT FROM %s",
                company,
                self.run_number,
            )
        )
        r_expr = self._score_case(
            self.recency_method, "recency_days", self.recency_thresholds, True
        )
        f_expr = self._score_case(
            self.frequency_method, "frequency", self.frequency_thresholds
        )
        m_expr = self._score_case(
            self.monetary_method, "monetary", self.monetary_thresholds
        )
        # Scores, code and class in one UPDATE that skips unchanged rows:
        # rewriting every row (twice) cost most of the recompute (bench row 1).
        # The class comes from the 125 score combinations, each with its first
        # matching class (a hash join, not one class lookup per customer).
        # A customer with refunds only has no recency: worst score.
        self.env.execute_query(
            SQL(
                """
            UPDATE crm_rfm_score s
               SET r_score = t.r, f_score = t.f, m_score = t.m,
                   rfm_code = CONCAT(t.r, t.f, t.m), class_id = t.class_id
              FROM (SELECT x.id, x.r, x.f, x.m, cls.class_id
                      FROM (SELECT id,
                                   CASE WHEN recency_days IS NULL THEN 1
                                        ELSE %(r)s END AS r,
                                   %(f)s AS f, %(m)s AS m
                              FROM crm_rfm_score
                             WHERE company_id = %(company)s) x
                      LEFT JOIN (
                           SELECT DISTINCT ON (r.v, f.v, m.v)
                                  r.v AS r, f.v AS f, m.v AS m, c.id AS class_id
                             FROM generate_series(1, 5) r(v)
                            CROSS JOIN generate_series(1, 5) f(v)
                            CROSS JOIN generate_series(1, 5) m(v)
                             JOIN crm_rfm_class c
                               ON c.active
                              AND (c.company_id IS NULL
                                   OR c.company_id = %(company)s)
                              AND r.v BETWEEN c.r_min AND c.r_max
                              AND f.v BETWEEN c.f_min AND c.f_max
                              AND m.v BETWEEN c.m_min AND c.m_max
                            ORDER BY r.v, f.v, m.v, c.sequence, c.id) cls
                        ON cls.r = x.r AND cls.f = x.f AND cls.m = x.m) t
             WHERE s.id = t.id
               AND (s.r_score, s.f_score, s.m_score, s.rfm_code, s.class_id)
                   IS DISTINCT FROM
                   (t.r, t.f, t.m, CONCAT(t.r, t.f, t.m), t.class_id)
            """,
                r=r_expr,
                f=f_expr,
                m=m_expr,
                company=company,
            )
        )
        self.env["crm.rfm.score"].invalidate_model()
        self.with_context(tracking_disable=True).write(
            {
                "state": "idle",
                "last_run_date": fields.Datetime.now(),
                "last_run_count": self.run_done,
            }
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
                    config.write({"last_error": str(error)})
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
        segments._compute_members()
        self.env["crm.segment.snapshot"].create({}).action_take()
        return True
