# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

import psycopg2

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)


class CrmRfmConfig(models.Model):
    """The RFM recompute as jobs: one job per range of ``batch_size``
    customers (crm_segmentation's ``_recompute_range``, as the cron's
    batches), all in parallel, then one job that scores and classes them."""

    _inherit = "crm.rfm.config"

    def _lock(self):
        # a run on the job queue holds the company until its last job: the
        # cron and Recompute Now wait for it instead of racing its chunks
        running = (
            self.env["crm.segmentation.job.run"]
            # sudo: whether any run holds the company, whoever started it
            .sudo()
            .search_count(
                [
                    ("kind", "=", "rfm"),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "running"),
                ],
                limit=1,
            )
        )
        if running:
            return False
        return super()._lock()

    def _queue_ranges(self):
        """(lower, upper] customer id ranges of ``batch_size`` customers each,
        in one query: the ids that close a range."""
        self.ensure_one()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT pid FROM (
                SELECT pid, row_number() OVER (ORDER BY pid) AS rn,
                       COUNT(*) OVER () AS n
                  FROM (SELECT DISTINCT m.commercial_partner_id AS pid
                          FROM account_move m WHERE %(filter)s) d) t
             WHERE rn %% %(size)s = 0 OR rn = n
             ORDER BY pid
            """,
                filter=self._invoice_filter(),
                size=max(self.batch_size, 1),
            )
        )
        bounds = [row[0] for row in rows]
        return list(zip([0, *bounds[:-1]], bounds, strict=True))

    def action_recompute_queue(self):
        """On demand, spread over the job runner's workers on every node."""
        self.check_access("write")
        runs = self.env["crm.segmentation.job.run"]
        for config in self:
            if not config._lock():
                raise UserError(
                    self.env._(
                        "The RFM scores of %(company)s are being recomputed. Try "
                        "again when that run is done.",
                        company=config.company_id.name,
                    )
                )
            config._recompute_start()
            ranges = config._queue_ranges()
            # sudo: runs are created by these actions only (checked above)
            run = runs.sudo().create(
                {
                    "name": self.env._(
                        "RFM recompute of %(company)s", company=config.company_id.name
                    ),
                    "kind": "rfm",
                    "company_id": config.company_id.id,
                    "chunk_total": len(ranges),
                }
            )
            upper = ranges[-1][1] if ranges else 0
            finish = config.delayable(
                description=self.env._("RFM scores and classes"), priority=20
            )._queue_rfm_finish(run, upper)
            chunks = [
                config.delayable(
                    description=self.env._(
                        "RFM metrics of customers %(lower)s-%(upper)s",
                        lower=lower,
                        upper=high,
                    )
                )._queue_rfm_chunk(run, lower, high)
                for lower, high in ranges
            ]
            # one graph without edges: a finish job depending on every chunk
            # makes the chunks that end together all update it at once, and
            # queue_job logs the losers' serialization failures as errors;
            # the finish job waits for the chunks itself instead
            group(*chunks, finish).delay()
            # sudo: run bookkeeping (a read-only field)
            run.sudo().graph_uuid = finish._generated_job.graph_uuid
            runs |= run
        return runs._notify_started()

    def _queue_lock_row(self):
        """A finish job rewrites the company's scores or matrix: one at a
        time. The settings row is locked without waiting; if another
        transaction holds it, the job is retried later."""
        self.ensure_one()
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM crm_rfm_config WHERE id = %s FOR UPDATE NOWAIT",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable as exc:
            raise RetryableJobError(
                f"RFM settings {self.id} locked by another transaction", seconds=10
            ) from exc

    def _queue_rfm_chunk(self, run, lower, upper):
        """One job: the raw metrics of the customers in (lower, upper].
        Idempotent (only changed rows are written) and retryable."""
        self.ensure_one()
        run._lock_chunk(lower)
        self._recompute_range(lower, upper)
        _logger.info("RFM chunk (%s, %s] of run %s done", lower, upper, run.id)
        return f"customers ({lower}, {upper}]"

    def _queue_rfm_finish(self, run, upper):
        """The last job: scores and classes from the stored metrics."""
        self.ensure_one()
        if not run._wait_chunks():
            return "failed"
        self._queue_lock_row()
        # sudo: run bookkeeping, as crm_segmentation's _recompute_batch
        self.sudo().with_context(tracking_disable=True).write(
            {"run_cursor": upper, "run_done": self.run_total}
        )
        self._recompute_finish()
        run._mark_done(self.last_run_count)
        return f"{self.last_run_count} customers scored"
