# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

import psycopg2

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.queue_job.delay import chain
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

BACKLOG = SQL("user_id IS NULL AND active AND won_status = 'pending'")


class CrmTerritory(models.Model):
    """Routing the backlog as jobs: chunks of leads in id order, chained,
    because each assignment depends on the loads the previous ones left (the
    capacity and the balance between salespeople); the chain still runs on
    whichever node's worker is free, one chunk after the other, and the
    last job tells the user who started it."""

    _inherit = "crm.territory"

    def action_route_backlog_queue(self, chunk_size=1000):
        """From the territories' action menu: the backlog of the user's
        companies; the rows given, if any, must be writable."""
        self.check_access("write")
        if (
            isinstance(chunk_size, bool)
            or not isinstance(chunk_size, int)
            or not 0 < chunk_size < 2**31
        ):
            chunk_size = 1000
        self.env["crm.lead"].flush_model(["user_id", "active", "won_status"])
        # the backlog of the user's companies (the cron routes every company's)
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id FROM crm_lead WHERE %s AND (company_id IS NULL "
                    "OR company_id = ANY(%s)) ORDER BY id",
                    BACKLOG,
                    self.env.companies.ids,
                )
            )
        ]
        chunks = [ids[i : i + chunk_size] for i in range(0, len(ids), chunk_size)]
        if chunks:
            chain(
                *(
                    self.delayable(
                        description=self.env._(
                            "Route leads %(first)s-%(last)s",
                            first=chunk[0],
                            last=chunk[-1],
                        )
                    )._queue_route_chunk(chunk)
                    for chunk in chunks
                ),
                self.delayable(
                    description=self.env._("Routing of the backlog done")
                )._queue_route_finish(len(ids), len(chunks)),
            ).delay()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(leads)s unassigned leads queued for routing in %(chunks)s "
                    "chunks.",
                    leads=len(ids),
                    chunks=len(chunks),
                ),
            },
        }

    @api.model
    def _queue_route_chunk(self, lead_ids):
        """One job: route the leads of ``lead_ids`` still unassigned.
        Idempotent (a routed lead is not selected again); a lead locked by
        another transaction makes the job retry later."""
        self.env["crm.lead"].flush_model(["user_id", "active", "won_status"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM crm_lead WHERE %s AND id = ANY(%s) "
                        "ORDER BY id FOR UPDATE NOWAIT",
                        BACKLOG,
                        list(lead_ids),
                    ),
                    log_exceptions=False,
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.LockNotAvailable as exc:
            raise RetryableJobError(
                "leads of the chunk locked by another transaction", seconds=10
            ) from exc
        plan = self._route_leads(self.env["crm.lead"].browse(ids))
        _logger.info("routing chunk: %s of %s leads routed", len(plan), len(ids))
        return f"{len(plan)} of {len(ids)} leads routed"

    @api.model
    def _queue_route_finish(self, leads, chunks):
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": "success",
                "message": self.env._(
                    "Routing of the backlog done: %(leads)s leads in %(chunks)s "
                    "chunks.",
                    leads=leads,
                    chunks=chunks,
                ),
            },
        )
        return f"{leads} leads in {chunks} chunks"
