# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from .test_queue import QueueCommon

DATE = "2026-06-30"
LINES = (
    "SELECT segment_id, partner_id, class_id, rfm_code, r_score, f_score, "
    "m_score, recency_days, frequency, monetary FROM crm_segment_snapshot_line "
    "WHERE snapshot_id = %s ORDER BY 1, 2"
)
HISTORY = (
    "SELECT partner_id, class_id FROM crm_rfm_class_history "
    "WHERE company_id = %s AND date = %s ORDER BY 1"
)
MONTHS = (
    "SELECT partner_id, month, class_id, revenue, margin, invoice_count, "
    "order_count, ticket_count, activity_count FROM crm_customer_month "
    "WHERE company_id = %s AND cutoff_date = %s ORDER BY 1, 2"
)
MATRIX = (
    "SELECT from_class_id, to_class_id, pair_count, probability "
    "FROM crm_rfm_transition_line WHERE company_id = %s ORDER BY 1, 2"
)


@tagged("post_install", "-at_install")
@freeze_time(DATE)
class TestSnapshotQueue(QueueCommon):
    """Snapshots (cut-offs) as jobs: chunks of customers by partner id."""

    def setUp(self):
        super().setUp()
        self.config.action_recompute()
        self.segment.action_compute()
        self.second = self.segment.copy({"name": "Queue segment 2", "r_min": 5})
        self.second.action_compute()
        # an earlier cut-off, so that the matrix has a period to count
        with freeze_time("2026-03-31"):
            earlier = self.env["crm.segment.snapshot"].create({})
            earlier.action_take()

    def _rows(self, snapshot):
        company = self.company.id
        self.env.flush_all()
        return {
            "lines": self.env.execute_query(SQL(LINES, snapshot.id)),
            "history": self.env.execute_query(SQL(HISTORY, company, DATE)),
            "months": self.env.execute_query(SQL(MONTHS, company, DATE)),
            "matrix": self.env.execute_query(SQL(MATRIX, company)),
        }

    def _forget_cutoff(self):
        """The cut-off's insert-only rows gone, as before any snapshot."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM crm_rfm_class_history WHERE company_id = %(c)s "
                "AND date = %(d)s; DELETE FROM crm_customer_month "
                "WHERE company_id = %(c)s AND cutoff_date = %(d)s",
                c=self.company.id,
                d=DATE,
            )
        )

    def _snapshot(self):
        return self.env["crm.segment.snapshot"].create(
            {"segment_ids": (self.segment | self.second).ids}
        )

    def test_snapshot_chunks_equal_the_single_process_take(self):
        single = self._snapshot()
        single.action_take()
        reference = self._rows(single)
        self.assertEqual(len(reference["lines"]), 6)
        self.assertGreaterEqual(len(reference["history"]), 4)
        self.assertTrue(reference["months"])
        self.assertTrue(reference["matrix"])
        self._forget_cutoff()

        snap = self._snapshot()
        run = self._run(snap.action_take_queue())
        ranges = snap._queue_ranges(self.config.batch_size)
        self.assertRecordValues(
            run,
            [
                {
                    "kind": "snapshot",
                    "snapshot_id": snap.id,
                    "state": "running",
                    "chunk_total": len(ranges),
                    "chunk_done": 0,
                }
            ],
        )
        self.assertGreater(len(ranges), 2)
        self.assertIsNone(ranges[-1][1], "the last range is open")
        jobs = self._jobs(run)
        chunks = jobs.filtered(lambda j: j.method_name == "_queue_snapshot_chunk")
        self.assertEqual(len(chunks), len(ranges))
        self.assertEqual(
            sorted((tuple(c.args[1:3]) for c in chunks), key=lambda r: r[0]), ranges
        )
        self.assertEqual(len(jobs - chunks), 1, "one finish job")
        # the finish job waits for the chunks: put back in the queue
        with self.assertRaises(RetryableJobError):
            Job.load(self.env, (jobs - chunks).uuid).perform()
        # the single-process take is refused while the jobs hold the snapshot
        with self.assertRaises(UserError):
            snap.action_take()
        with self.assertRaises(UserError):
            snap.action_take_queue()
        self._perform(chunks[:1])
        run.invalidate_recordset()
        self.assertEqual(run.chunk_done, 1)
        self.assertAlmostEqual(run.progress, 100.0 / len(ranges))
        self.assertEqual(snap.state, "draft", "taken once every chunk is done")
        self._perform(jobs - chunks[:1])
        run.invalidate_recordset()
        snap.invalidate_recordset()
        self.assertRecordValues(
            run,
            [{"state": "done", "chunk_done": len(ranges), "result_count": 6}],
        )
        self.assertEqual(run.progress, 100.0)
        self.assertRecordValues(snap, [{"state": "done", "line_count": 6}])
        # the customers were spread over several chunks
        written = [c.result for c in chunks if not c.result.startswith("0 lines")]
        self.assertGreater(len(written), 1, [c.result for c in chunks])
        self.assertEqual(self._rows(snap), reference)
        self.assertEqual(self.config.last_snapshot_date.isoformat(), DATE)

    def test_snapshot_chunk_run_again_writes_nothing(self):
        snap = self._snapshot()
        run = self._run(snap.action_take_queue())
        jobs = self._jobs(run)
        chunks = jobs.filtered(lambda j: j.method_name == "_queue_snapshot_chunk")
        # a chunk held by another worker: retried later, not failed
        lower, upper = chunks[0].args[1:3]
        key = f"crm_segmentation_queue:{run.id}:{lower}"
        with self.env.registry.cursor() as other:
            other.execute(SQL("SELECT pg_advisory_lock(hashtext(%s))", key))
            try:
                with self.assertRaises(RetryableJobError):
                    snap._queue_snapshot_chunk(run, lower, upper)
            finally:
                other.execute(SQL("SELECT pg_advisory_unlock(hashtext(%s))", key))
        self._perform(jobs)
        before = self._rows(snap)
        self.assertEqual(len(before["lines"]), 6)
        # every chunk run again (a worker lost after its commit, a job
        # requeued by hand): nothing is written twice
        for chunk in chunks:
            lower, upper = chunk.args[1:3]
            self.assertTrue(
                snap._queue_snapshot_chunk(run, lower, upper).startswith("0 lines")
            )
        self._perform(chunks[:1])
        self.assertEqual(self._rows(snap), before)
        snap.invalidate_recordset()
        self.assertEqual(snap.line_count, 6)

    def test_snapshot_roles_and_cron(self):
        snap = self._snapshot()
        with self.assertRaises(AccessError):
            snap.with_user(self.analyst).action_take_queue()
        run = self._run(snap.with_user(self.manager).action_take_queue())
        self.assertEqual(run.user_id, self.manager)
        self.assertEqual(run.with_user(self.analyst).chunk_total, run.chunk_total)
        self._perform(self._jobs(run))
        self.assertEqual(snap.state, "done")
        with self.assertRaises(UserError):
            snap.action_take_queue()
        # the scheduled snapshot keeps its single-process path: the period
        # was taken, so nothing; a period later, one snapshot taken at once
        Snapshot = self.env["crm.segment.snapshot"]
        mine = [("company_id", "=", self.company.id)]
        before = Snapshot.search_count(mine)
        with self._no_commit():
            self.env["crm.rfm.config"].sudo()._cron_snapshots()
        self.assertEqual(Snapshot.search_count(mine), before)
        with freeze_time("2026-09-30"), self._no_commit():
            self.env["crm.rfm.config"].sudo()._cron_snapshots()
        scheduled = Snapshot.search([*mine, ("trigger", "=", "cron")])
        self.assertEqual(scheduled.mapped("state"), ["done"])
        self.assertFalse(
            self.env["crm.segmentation.job.run"].search(
                [("snapshot_id", "in", scheduled.ids)]
            )
        )
