# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError

# the job methods that are one chunk each (the run's finish job is not)
CHUNK_METHODS = ("_queue_rfm_chunk", "_queue_segment_chunk", "_queue_snapshot_chunk")


class CrmSegmentationJobRun(models.Model):
    """One batch run on the job queue: its chunks are jobs of one graph
    (queue_job's graph_uuid), its last job marks it done and tells the user
    who started it. Progress is counted from the jobs themselves, so that
    chunks running at once on several nodes never write the same row."""

    _name = "crm.segmentation.job.run"
    _description = "Segmentation Batch Run"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("rfm", "RFM Recompute"),
            ("segments", "Segment Recompute"),
            ("snapshot", "Snapshot"),
        ],
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started By",
        readonly=True,
        default=lambda s: s.env.user,
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="running",
        required=True,
        readonly=True,
    )
    graph_uuid = fields.Char("Job Graph", readonly=True, copy=False)
    chunk_total = fields.Integer("Chunks", readonly=True)
    chunk_done = fields.Integer("Chunks Done", compute="_compute_chunk_done")
    progress = fields.Float(compute="_compute_chunk_done")
    result_count = fields.Integer(
        "Records Done",
        readonly=True,
        help="Customers scored, segment members or snapshot lines.",
    )
    date_done = fields.Datetime("Finished On", readonly=True)
    segment_ids = fields.Many2many(
        "crm.segment", string="Segments", readonly=True, check_company=True
    )
    snapshot_id = fields.Many2one(
        "crm.segment.snapshot",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )

    @api.depends("graph_uuid", "chunk_total", "state")
    def _compute_chunk_done(self):
        graphs = [uuid for uuid in self.mapped("graph_uuid") if uuid]
        counts = {}
        if graphs:
            counts = dict(
                self.env["queue.job"]
                # sudo: counts of the run's own jobs; the job queue itself is
                # for job managers only
                .sudo()
                ._read_group(
                    [
                        ("graph_uuid", "in", graphs),
                        ("state", "=", "done"),
                        ("method_name", "in", CHUNK_METHODS),
                    ],
                    ["graph_uuid"],
                    ["__count"],
                )
            )
        for run in self:
            done = counts.get(run.graph_uuid, 0)
            if run.state == "done":
                done = run.chunk_total
            run.chunk_done = done
            run.progress = 100.0 * done / run.chunk_total if run.chunk_total else 0.0

    def _lock_chunk(self, key):
        """A chunk runs once at a time: the same chunk started again (a job
        re-queued while its first worker still runs it) waits for a retry."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                "SELECT pg_try_advisory_xact_lock(hashtext(%s))",
                f"crm_segmentation_queue:{self.id}:{key}",
            )
        )
        if not rows[0][0]:
            raise RetryableJobError(
                f"chunk {key} of run {self.id} is being run by another worker",
                seconds=10,
            )

    def _wait_chunks(self):
        """The finish job runs once every chunk is done: until then it is
        put back in the queue (without counting as a retry). A chunk that
        failed (its retries spent) or was cancelled fails the run: it is
        marked failed, which frees its company for the next run, and False
        is returned, so that the finish job does nothing more."""
        self.ensure_one()
        failed = (
            self.env["queue.job"]
            # sudo: the run's own jobs; the job queue is for job managers
            .sudo()
            .search_count(
                [
                    ("graph_uuid", "=", self.graph_uuid),
                    ("state", "in", ("failed", "cancelled")),
                    ("method_name", "in", CHUNK_METHODS),
                ],
                limit=1,
            )
        )
        if failed:
            self._mark_failed()
            return False
        self.invalidate_recordset(["chunk_done"])
        if self.chunk_done < self.chunk_total:
            raise RetryableJobError(
                f"run {self.id}: {self.chunk_done} of {self.chunk_total} chunks done",
                seconds=2,
                ignore_retry=True,
            )
        return True

    def _mark_failed(self):
        self.ensure_one()
        # sudo: run bookkeeping (read-only fields), written by the run's job
        self.sudo().write({"state": "failed", "date_done": fields.Datetime.now()})
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "danger",
                "title": self.name,
                "message": self.env._(
                    "%(name)s failed: a chunk failed or was cancelled (Job "
                    "Queue > Jobs says why). Start it again once fixed.",
                    name=self.name,
                ),
            },
        )

    def _mark_done(self, count):
        """The run's last job: done, and the user who started it is told."""
        self.ensure_one()
        # sudo: run bookkeeping (read-only fields), written by the run's job
        self.sudo().write(
            {"state": "done", "date_done": fields.Datetime.now(), "result_count": count}
        )
        self.user_id._bus_send(
            "simple_notification",
            {
                "type": "success",
                "title": self.name,
                "message": self.env._(
                    "%(name)s done: %(chunks)s chunks, %(count)s records.",
                    name=self.name,
                    chunks=self.chunk_total,
                    count=count,
                ),
            },
        )

    def _queue_finish_segments(self):
        """Finish job of a segment run: the members of its segments."""
        self.ensure_one()
        if not self._wait_chunks():
            return "failed"
        self._mark_done(sum(self.segment_ids.mapped("member_count")))
        return f"{len(self.segment_ids)} segments"

    def _notify_started(self):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s chunks queued; Segmentation > Batch Runs shows "
                    "their progress.",
                    count=sum(self.mapped("chunk_total")),
                ),
                "next": {
                    "type": "ir.actions.act_window",
                    "res_model": self._name,
                    "views": [[False, "list"], [False, "form"]],
                    "domain": [("id", "in", self.ids)],
                },
            },
        }
