# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets created at once at the upsell threshold, on real transactions.

The test transaction of a TransactionCase cannot be shared between threads,
so this test works like the suite's tests/test_concurrency.py: committed
data through cursors of its own (``self.registry.cursor()``), threads whose
transactions really overlap (a barrier inside the upsell rule makes every
one of them decide to raise the opportunity before any commits), then a
committed cleanup of everything they created.
"""

import threading
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo import Command, api
from odoo.orm.environments import Transaction
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged, test_cursor

SUPERUSER_ID = api.SUPERUSER_ID
PARTIES = 4
RETRIES = 4
NAME = "Concurrent upsell"


@tagged("post_install", "-at_install")
class TestConcurrentUpsell(TransactionCase):
    @contextmanager
    def committed_env(self):
        cr = self.registry.cursor()
        self.assertNotIsInstance(cr, test_cursor.TestCursor, "a real cursor is needed")
        # The server runs the addon tests holding the registry class lock:
        # hand the registry over instead of letting Environment look it up.
        cr.transaction = Transaction(self.registry)
        with cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def run_with_retries(self, func):
        """``func(env)`` in its own transaction, run again on the concurrency
        errors Odoo retries. Returns (result or exception, retries)."""
        retries = 0
        while True:
            try:
                with self.committed_env() as env:
                    return func(env), retries
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                retries += 1
                if retries > RETRIES:
                    raise
            except Exception as exc:  # handed to the test
                return exc, retries

    def setUp(self):
        super().setUp()
        with self.committed_env() as env:
            self._delete(env)
        self.addCleanup(self._cleanup)
        with self.committed_env() as env:
            company = env.company
            self.company_id = company.id
            self.threshold = company.helpdesk_upsell_over_quota
            company.helpdesk_upsell_over_quota = 1
            customer = env["res.partner"].create(
                {"name": f"{NAME} customer", "is_company": True}
            )
            product = env["product.product"].create(
                {"name": f"{NAME} service", "type": "service"}
            )
            today = date.today()
            contract = env["contract.contract"].create(
                {
                    "name": f"{NAME} contract",
                    "partner_id": customer.id,
                    "contract_type": "sale",
                    "line_recurrence": True,
                    "date_start": today.replace(day=1),
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": f"{NAME} line",
                                "quantity": 1,
                                "price_unit": 10.0,
                                "recurring_rule_type": "monthly",
                                "date_start": today.replace(day=1),
                                "recurring_next_date": today.replace(day=1),
                            }
                        )
                    ],
                }
            )
            plan = env["helpdesk.support.plan"].create(
                {
                    "name": f"{NAME} plan",
                    "contract_id": contract.id,
                    "ticket_quota": 1,
                }
            )
            self.customer_id, self.plan_id = customer.id, plan.id
            # the quota's one ticket: every ticket after it is over quota
            self._create_ticket(env, 0)

    def _create_ticket(self, env, number):
        return env["helpdesk.ticket"].create(
            {
                "name": f"{NAME} ticket {number}",
                "description": "<p>x</p>",
                "partner_id": self.customer_id,
            }
        )

    def _cleanup(self):
        with self.committed_env() as env:
            self._delete(env)
            env["res.company"].browse(
                self.company_id
            ).helpdesk_upsell_over_quota = self.threshold

    @staticmethod
    def _delete(env):
        """Everything of this test, also what a crashed earlier run left."""
        partners = env["res.partner"].search([("name", "=like", f"{NAME} %")])
        env["crm.lead"].with_context(active_test=False).search(
            [("partner_id", "in", partners.ids)]
        ).unlink()
        env["helpdesk.ticket"].with_context(active_test=False).search(
            [("name", "=like", f"{NAME} ticket %")]
        ).unlink()
        env["helpdesk.support.plan"].with_context(active_test=False).search(
            [("name", "=like", f"{NAME} %")]
        ).unlink()
        env["contract.contract"].with_context(active_test=False).search(
            [("name", "=like", f"{NAME} %")]
        ).unlink()
        env["product.product"].with_context(active_test=False).search(
            [("name", "=like", f"{NAME} %")]
        ).unlink()
        partners.unlink()

    def test_four_tickets_at_the_threshold(self):
        """Issue 16 item 15: each transaction decides to raise the same
        upsell; all four tickets are created, and one opportunity."""
        Lead = self.registry["crm.lead"]
        create_upsell = Lead._create_upsell
        barrier = threading.Barrier(PARTIES)
        met = []

        def meet_then_create(model, *args, **kwargs):
            try:
                barrier.wait(10)
            except threading.BrokenBarrierError:
                met.append(False)  # serialized by a lock: went on alone
            else:
                met.append(True)
            return create_upsell(model, *args, **kwargs)

        outcomes = [None] * PARTIES

        def worker(index):
            outcomes[index] = self.run_with_retries(
                lambda env: self._create_ticket(env, index + 1).id
            )

        threads = [
            threading.Thread(target=worker, args=(i,), name=f"upsell-{i}")
            for i in range(PARTIES)
        ]
        with patch.object(Lead, "_create_upsell", meet_then_create):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertFalse([t.name for t in threads if t.is_alive()], "deadlock")
        errors = [r for r, _retries in outcomes if isinstance(r, Exception)]
        self.assertFalse(errors, "a ticket creation failed")
        self.assertGreaterEqual(met.count(True), 2, "the transactions never met")
        with self.committed_env() as env:
            tickets = env["helpdesk.ticket"].search(
                [("partner_id", "=", self.customer_id)]
            )
            self.assertEqual(len(tickets), PARTIES + 1)
            self.assertEqual(
                tickets.mapped("coverage_state").count("over_quota"), PARTIES
            )
            leads = (
                env["crm.lead"]
                .with_context(active_test=False)
                .search([("upsell_key", "=like", f"over_quota:{self.plan_id}:%")])
            )
            self.assertEqual(len(leads), 1)
            self.assertIn(leads.helpdesk_ticket_id, tickets)
