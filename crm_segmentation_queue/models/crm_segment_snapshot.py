# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.queue_job.delay import group

RUN = "crm.segmentation.job.run"


class CrmSegmentSnapshot(models.Model):
    """A snapshot (a cut-off) as jobs: one job per range of ``batch_size``
    customers (by partner id) writes their snapshot lines, their class at
    the cut-off and their customer x month facts; a last job marks the
    snapshot taken and recomputes the transition matrix, which needs every
    customer's class."""

    _inherit = "crm.segment.snapshot"

    def _queue_running(self):
        return bool(
            self.env[RUN]
            # sudo: whether any run holds the snapshot, whoever started it
            .sudo()
            .search_count(
                [
                    ("kind", "=", "snapshot"),
                    ("snapshot_id", "in", self.ids),
                    ("state", "=", "running"),
                ],
                limit=1,
            )
        )

    def _check_not_taken(self):
        res = super()._check_not_taken()
        if self._queue_running():
            raise UserError(
                self.env._(
                    "Snapshot %(name)s is being taken on the job queue.",
                    name=self.name,
                )
            )
        return res

    def _queue_ranges(self, size):
        """(lower, upper] partner id ranges of ``size`` customers each, in
        one query; the last one open (customers created meanwhile)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
            SELECT id FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS rn
                  FROM res_partner WHERE id = commercial_partner_id) t
             WHERE rn %% %(size)s = 0
             ORDER BY id
            """,
                size=max(size, 1),
            )
        )
        bounds = [row[0] for row in rows]
        return list(zip([0, *bounds], [*bounds, None], strict=True))

    def action_take_queue(self):
        """Take the snapshots on the job queue, shared by every node."""
        self.check_access("write")
        runs = self.env[RUN]
        Config = self.env["crm.rfm.config"]
        for snap in self:
            snap._check_not_taken()
            config = Config._get_for_company(snap.company_id)
            snap.segment_ids = snap._segments_to_take()
            # sudo: the snapshot period is claimed now, so that the
            # scheduled snapshot does not take a second one meanwhile
            config.sudo().last_snapshot_date = snap.date
            ranges = snap._queue_ranges(config.batch_size)
            # sudo: runs are created by these actions only (access checked
            # by the snapshot's own checks above)
            run = runs.sudo().create(
                {
                    "name": self.env._(
                        "Snapshot of %(company)s, %(date)s",
                        company=snap.company_id.name,
                        date=snap.date,
                    ),
                    "kind": "snapshot",
                    "company_id": snap.company_id.id,
                    "snapshot_id": snap.id,
                    "chunk_total": len(ranges),
                }
            )
            finish = snap.delayable(
                description=self.env._("Close the snapshot and its transitions"),
                priority=20,
            )._queue_snapshot_finish(run)
            # one graph without edges: the finish job waits for the chunks
            # (see crm.rfm.config.action_recompute_queue)
            group(
                *(
                    snap.delayable(
                        description=self.env._(
                            "Snapshot of customers %(lower)s-%(upper)s",
                            lower=lower,
                            upper=upper or "...",
                        )
                    )._queue_snapshot_chunk(run, lower, upper)
                    for lower, upper in ranges
                ),
                finish,
            ).delay()
            # sudo: run bookkeeping (a read-only field)
            run.sudo().graph_uuid = finish._generated_job.graph_uuid
            runs |= run
        return runs._notify_started()

    def _queue_snapshot_chunk(self, run, lower, upper):
        """One job: the snapshot lines, classes and customer months of the
        customers in (lower, upper]. Idempotent (insert-only on unique keys:
        run again, it writes nothing) and retryable."""
        self.ensure_one()
        run._lock_chunk(lower)
        lines = self._insert_lines(self.segment_ids, lower, upper)
        # sudo: the cut-off's bookkeeping, as action_take does, whose right
        # (snapshot write) was checked when the run was started
        config = self.env["crm.rfm.config"]._get_for_company(self.company_id).sudo()
        config._store_class_history(self.date, lower, upper)
        config._freeze_customer_months(self.date, lower, upper)
        return f"{lines} lines, customers ({lower}, {upper or '...'}]"

    def _queue_snapshot_finish(self, run):
        """The last job: the snapshot taken, the transition matrix and the
        churn predictions from every customer's class."""
        self.ensure_one()
        if not run._wait_chunks():
            return "failed"
        # sudo: the matrix is the application's bookkeeping of the cut-off,
        # as action_take does
        config = self.env["crm.rfm.config"]._get_for_company(self.company_id).sudo()
        # the matrix of the company is rewritten: one finish at a time
        config._queue_lock_row()
        count = self.env.execute_query(
            SQL(
                "SELECT COUNT(*) FROM crm_segment_snapshot_line WHERE snapshot_id = %s",
                self.id,
            )
        )[0][0]
        self._mark_taken(self.segment_ids, count)
        config._recompute_transitions()
        self.env["crm.segment.snapshot.line"].invalidate_model()
        run._mark_done(count)
        return f"{count} lines"
