# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.crm_segmentation.tests.common import SegmentationCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from ..models.crm_segmentation_job_run import CHUNK_METHODS

RUN = "crm.segmentation.job.run"


class QueueCommon(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        # four customers with posted invoices: two chunks of two
        cls.config.batch_size = 2
        ids = (cls.partner_a + cls.partner_b + cls.partner_c + cls.partner_d).ids
        cls.segment = cls.env["crm.segment"].create(
            {"name": "Queue segment", "partner_domain": repr([("id", "in", ids)])}
        )
        cls.analyst = new_test_user(
            cls.env,
            login="queue_analyst",
            groups="base.group_user,crm_segmentation.group_segmentation_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="queue_manager",
            groups="base.group_user,crm_segmentation.group_segmentation_manager,"
            "sales_team.group_sale_manager",
        )
        cls.other_company = cls.env["res.company"].create({"name": "Queue Other Co"})

    def _scores(self):
        scores = self.env["crm.rfm.score"].search(
            [("company_id", "=", self.company.id)], order="partner_id"
        )
        return [
            (s.partner_id.id, s.frequency, s.monetary, s.rfm_code, s.class_id.id)
            for s in scores
        ]

    def _jobs(self, run):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("graph_uuid", "=", run.graph_uuid)], order="id")
        )

    def _perform(self, jobs):
        """Run jobs as the job runner does (chunks before the finish job)."""
        for record in jobs.sorted(lambda j: j.method_name not in CHUNK_METHODS):
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()

    def _run(self, action):
        return self.env[RUN].browse(action["params"]["next"]["domain"][0][2])


@tagged("post_install", "-at_install")
class TestSegmentationQueue(QueueCommon):
    @freeze_time("2026-06-30")
    def test_rfm_chunks_equal_the_synchronous_recompute(self):
        run = self._run(self.config.action_recompute_queue())
        self.assertRecordValues(
            run,
            [{"kind": "rfm", "state": "running", "chunk_total": 2, "chunk_done": 0}],
        )
        jobs = self._jobs(run)
        chunks = jobs.filtered(lambda j: j.method_name == "_queue_rfm_chunk")
        self.assertEqual(len(chunks), 2)
        self.assertEqual(len(jobs - chunks), 1, "one finish job")
        # the finish job waits for the chunks: put back in the queue
        with self.assertRaises(RetryableJobError):
            Job.load(self.env, (jobs - chunks).uuid).perform()
        self._perform(chunks[:1])
        run.invalidate_recordset()
        self.assertEqual((run.chunk_done, run.progress), (1, 50.0))
        self._perform(jobs - chunks[:1])
        run.invalidate_recordset()
        self.assertRecordValues(
            run, [{"state": "done", "chunk_done": 2, "result_count": 4}]
        )
        self.assertEqual(self.config.state, "idle")
        queued = self._scores()
        self.assertEqual(len(queued), 4)
        self.config.action_recompute()
        self.assertEqual(self._scores(), queued)
        self.assertIn("533", [row[3] for row in queued])

    @freeze_time("2026-06-30")
    def test_chunk_idempotent_and_retryable(self):
        run = self._run(self.config.action_recompute_queue())
        chunk = self._jobs(run).filtered(lambda j: j.method_name == "_queue_rfm_chunk")
        lower, upper = chunk[0].args[1:3]
        key = f"crm_segmentation_queue:{run.id}:{lower}"
        # the same chunk held by another worker: retried later, not failed
        with self.env.registry.cursor() as other:
            other.execute(SQL("SELECT pg_advisory_lock(hashtext(%s))", key))
            try:
                with self.assertRaises(RetryableJobError):
                    self.config._queue_rfm_chunk(run, lower, upper)
            finally:
                other.execute(SQL("SELECT pg_advisory_unlock(hashtext(%s))", key))
        self.config._queue_rfm_chunk(run, lower, upper)
        before = self.env["crm.rfm.score"].search_read([], ["write_date", "monetary"])
        self.config._queue_rfm_chunk(run, lower, upper)
        self.env.invalidate_all()
        after = self.env["crm.rfm.score"].search_read([], ["write_date", "monetary"])
        self.assertEqual(after, before, "a chunk run again writes nothing")

    @freeze_time("2026-06-30")
    def test_cron_waits_for_a_running_queue_run(self):
        self.config.action_recompute_queue()
        self.assertFalse(self.config._lock())
        with self.assertRaises(UserError):
            self.config.action_recompute()
        with self.assertRaises(UserError):
            self.config.action_recompute_queue()
        with self._no_commit():
            self.env["crm.rfm.config"]._cron_recompute()
        self.assertEqual(self.config.run_done, 0, "the cron left the run alone")

    @freeze_time("2026-06-30")
    def test_failed_chunk_fails_the_run_and_frees_the_company(self):
        """A chunk whose retries are spent fails the run: the finish job no
        longer waits for it forever, and the company is free again."""
        run = self._run(self.config.action_recompute_queue())
        jobs = self._jobs(run)
        chunks = jobs.filtered(lambda j: j.method_name == "_queue_rfm_chunk")
        self._perform(chunks[:1])
        chunks[1:].write({"state": "failed"})
        self.assertFalse(self.config._lock())
        with patch.object(type(self.env["res.users"]), "_bus_send") as send:
            result = Job.load(self.env, (jobs - chunks).uuid).perform()
        self.assertEqual(result, "failed")
        run.invalidate_recordset()
        self.assertEqual(run.state, "failed")
        self.assertEqual(send.call_args.args[1]["type"], "danger")
        self.assertTrue(self.config._lock(), "the next run may start")

    @freeze_time("2026-06-30")
    def test_segments_one_job_each(self):
        self.config.action_recompute()
        static = self.env["crm.segment"].create(
            {"name": "Queue static", "segment_type": "static"}
        )
        second = self.segment.copy({"name": "Queue segment 2", "r_min": 5})
        run = self._run((self.segment | second | static).action_recompute_queue())
        self.assertEqual(run.chunk_total, 2, "static segments are not recomputed")
        self._perform(self._jobs(run))
        run.invalidate_recordset()
        self.assertEqual(run.state, "done")
        self.assertEqual(self.segment.member_count, 4)
        self.assertEqual(second.member_count, 2)
        self.assertEqual(run.result_count, 6)
        members = self.segment.member_ids.partner_id
        self.segment.action_compute()
        self.assertEqual(self.segment.member_ids.partner_id, members)
        with self.assertRaises(UserError):
            static.action_recompute_queue()

    @freeze_time("2026-06-30")
    def test_roles(self):
        # the analyst reads runs, starts none and changes none
        with self.assertRaises(AccessError):
            self.config.with_user(self.analyst).action_recompute_queue()
        with self.assertRaises(AccessError):
            self.segment.with_user(self.analyst).action_recompute_queue()
        run = self._run(self.config.with_user(self.manager).action_recompute_queue())
        self.assertEqual(run.user_id, self.manager)
        as_analyst = run.with_user(self.analyst)
        self.assertEqual(as_analyst.chunk_total, 2)
        with self.assertRaises(AccessError):
            as_analyst.write({"state": "done"})
        with self.assertRaises(AccessError):
            as_analyst.unlink()
        for user in (self.analyst, self.manager):
            # runs come from the actions only: a bare run would hold the
            # company's recompute
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env[RUN].with_user(user).create({"name": "x", "kind": "rfm"})
        # the manager may not set the read-only bookkeeping either
        with self.assertRaises(AccessError):
            run.with_user(self.manager).write({"chunk_total": 1})
        # another company's run is out of reach
        other = (
            self.env[RUN]
            .sudo()
            .create(
                {"name": "other", "kind": "rfm", "company_id": self.other_company.id}
            )
        )
        for user in (self.analyst, self.manager):
            self.assertFalse(
                self.env[RUN].with_user(user).search([("id", "=", other.id)])
            )
            with self.assertRaises(AccessError):
                other.with_user(user).read(["name", "chunk_done"])
        # the jobs run as the manager who started them; the manager is told
        with patch.object(type(self.env["res.users"]), "_bus_send") as send:
            self._perform(self._jobs(run))
        run.invalidate_recordset()
        self.assertEqual(run.state, "done")
        send.assert_called_once()
        self.assertEqual(send.call_args.args[0], "simple_notification")
        self.assertIn("2 chunks, 4 records", send.call_args.args[1]["message"])
