# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from unittest.mock import patch

import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.crm_pipeline_ext.tests.common import TerritoryCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job


class Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestRoutingQueue(TerritoryCommon):
    def _backlog(self, n):
        zips = ["08001", "28001", "41001", "08500"]
        Lead = self.env["crm.lead"].with_context(crm_pipeline_ext_no_routing=True)
        return Lead.create(
            [
                {
                    "name": f"Queue backlog {i}",
                    "type": "lead",
                    "country_id": self.spain.id,
                    "zip": zips[i % 4],
                    "user_id": False,
                }
                for i in range(n)
            ]
        )

    def _jobs(self):
        return (
            self.env["queue.job"]
            .sudo()
            .search([("method_name", "like", "_queue_route_")])
            .sorted(lambda j: (j.method_name != "_queue_route_chunk", j.args))
        )

    def _perform(self, jobs):
        for record in jobs:
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()

    def test_chained_chunks_equal_the_cron(self):
        leads = self._backlog(9)
        try:
            with self.env.cr.savepoint():
                self.env["crm.territory"]._cron_route_backlog()
                cron = [(lead.user_id.id, lead.territory_id.id) for lead in leads]
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        self.assertFalse(leads.user_id)
        self.assertTrue(all(user for user, _territory in cron))
        action = self.env["crm.territory"].action_route_backlog_queue(chunk_size=2)
        self.assertIn("in 5 chunks", action["params"]["message"])
        jobs = self._jobs()
        self.assertEqual(len(jobs), 6, "5 chunks and the finish job")
        self.assertEqual(len(set(jobs.mapped("graph_uuid"))), 1)
        with patch.object(type(self.env["res.users"]), "_bus_send") as send:
            self._perform(jobs)
        self.env.invalidate_all()
        self.assertEqual(
            [(lead.user_id.id, lead.territory_id.id) for lead in leads], cron
        )
        self.assertIn("9 leads in 5 chunks", send.call_args.args[1]["message"])

    def test_chunk_idempotent_and_retryable(self):
        leads = self._backlog(4)
        territory = self.env["crm.territory"]
        execute = self.env.cr.execute

        def locked(query, *args, **kwargs):
            if "NOWAIT" in str(query):
                raise psycopg2.errors.LockNotAvailable("held by another worker")
            return execute(query, *args, **kwargs)

        # a lead of the chunk held by another transaction: retried later
        with patch.object(self.env.cr, "execute", locked):
            with self.assertRaises(RetryableJobError):
                territory._queue_route_chunk(leads.ids)
        self.assertFalse(leads.user_id)
        territory._queue_route_chunk(leads.ids)
        routed = [lead.user_id.id for lead in leads]
        self.assertTrue(all(routed))
        self.assertIn("0 of 0 leads", territory._queue_route_chunk(leads.ids))
        self.assertEqual([lead.user_id.id for lead in leads], routed)

    def test_roles(self):
        self._backlog(2)
        with self.assertRaises(AccessError):
            self.env["crm.territory"].with_user(
                self.salesman
            ).action_route_backlog_queue()
        manager = new_test_user(
            self.env,
            login="queue_territory_manager",
            groups="sales_team.group_sale_manager,"
            "crm_pipeline_ext.group_territory_manager",
        )
        self.env["crm.territory"].with_user(manager).action_route_backlog_queue()
        jobs = self._jobs()
        self.assertEqual(len(jobs), 2)
        self.assertEqual(jobs.user_id, manager, "the jobs run as who started them")
