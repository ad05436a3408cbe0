# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models
from odoo.exceptions import UserError

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError


class CrmSegment(models.Model):
    """Segment recomputes as jobs: one job per segment, in parallel, then
    one job that closes the run."""

    _inherit = "crm.segment"

    def action_recompute_queue(self):
        self.check_access("write")
        segments = self.filtered(lambda s: s.segment_type == "dynamic")
        if not segments:
            raise UserError(
                self.env._(
                    "Only dynamic segments are recomputed; static ones keep "
                    "their frozen members."
                )
            )
        runs = self.env["crm.segmentation.job.run"]
        for company, company_segments in segments.grouped("company_id").items():
            # sudo: runs are created by these actions only (checked above)
            run = runs.sudo().create(
                {
                    "name": self.env._(
                        "Segment recompute of %(company)s",
                        company=company.name or self.env.company.name,
                    ),
                    "kind": "segments",
                    "company_id": (company or self.env.company).id,
                    "chunk_total": len(company_segments),
                    "segment_ids": company_segments.ids,
                }
            )
            finish = run.delayable(
                description=self.env._("Close the segment run"), priority=20
            )._queue_finish_segments()
            # one graph without edges: the finish job waits for the chunks
            # (see crm.rfm.config.action_recompute_queue)
            group(
                *(
                    segment.delayable(
                        description=self.env._(
                            "Members of %(segment)s", segment=segment.name
                        )
                    )._queue_segment_chunk(run)
                    for segment in company_segments
                ),
                finish,
            ).delay()
            # sudo: run bookkeeping (a read-only field)
            run.sudo().graph_uuid = finish._generated_job.graph_uuid
            runs |= run
        return runs._notify_started()

    def _queue_segment_chunk(self, run):
        """One job: the members of one segment, as the scheduler computes
        them (as the rules' owner, failures noted on the segment).
        Idempotent: the members are the rules' result, whatever ran before."""
        self.ensure_one()
        run._lock_chunk(self.id)
        if not self._lock_for_recompute(wait=False):
            raise RetryableJobError(
                f"segment {self.id} is being computed by a user", seconds=30
            )
        self._scheduled_recompute()
        return f"{self.member_count} members"
