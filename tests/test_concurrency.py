# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Concurrency and crash-resume on real PostgreSQL transactions.

pytest-odoo runs each test inside one transaction that is rolled back, and
two threads cannot share it. These tests therefore work on committed data
through cursors of their own (``self.registry.cursor()``): a committed setup,
two threads whose transactions really overlap (a barrier inside the engine
makes both read before either writes), then a committed cleanup that deletes
everything they created, so the shared database stays as it was.

Only ``HttpCase`` (and ``enter_registry_test_mode``) turns registry cursors
into ``TestCursor`` wrappers of the test transaction, also under
``--odoo-http``; these are ``TransactionCase`` tests, and each test checks
that its cursors are real.

Odoo runs transactions in REPEATABLE READ. When two of them write the same
row, PostgreSQL cancels the second with a serialization failure, which Odoo
retries (HTTP requests) or runs again later (crons); the workers here retry
the same way.
"""

import threading
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, new_test_user, tagged, test_cursor
from odoo.tools import mute_logger

from odoo.addons.crm_quote_pricer.models import sale_order_approval as approval

SUPERUSER_ID = api.SUPERUSER_ID
RETRIES = 4


class Rendezvous:
    """Each party waits (at most ``timeout`` seconds) for the others, once.

    When the engine serializes the parties by a lock, the second one never
    arrives: the first then goes on alone after the timeout."""

    def __init__(self, parties=2, timeout=3.0):
        self.barrier = threading.Barrier(parties)
        self.timeout = timeout
        self.met = False

    def wait(self):
        try:
            self.barrier.wait(self.timeout)
            self.met = True
        except threading.BrokenBarrierError:
            pass


class ConcurrencyCase(TransactionCase):
    test_module = "crm_suite"

    @contextmanager
    def committed_env(self, uid=SUPERUSER_ID):
        """A transaction of its own, committed on success, rolled back on error."""
        cr = self.registry.cursor()
        self.assertNotIsInstance(cr, test_cursor.TestCursor, "a real cursor is needed")
        try:
            with cr:
                yield api.Environment(cr, uid, {"tracking_disable": True})
        finally:
            self.assertTrue(cr.closed)

    def run_with_retries(self, func, uid=SUPERUSER_ID):
        """``func(env)`` in its own transaction, run again on a concurrency
        error like Odoo does. Returns (result or exception, retries)."""
        retries = 0
        while True:
            try:
                with self.committed_env(uid) as env:
                    return func(env), retries
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                retries += 1
                if retries > RETRIES:
                    raise
            except Exception as exc:  # handed to the test
                return exc, retries

    def in_parallel(self, *funcs, timeout=120):
        """Run the callables in threads at once; their results in order."""
        outcomes = [None] * len(funcs)

        def run(index, func):
            try:
                outcomes[index] = func()
            except Exception as exc:  # handed to the test
                outcomes[index] = exc

        threads = [
            threading.Thread(target=run, args=(i, f), name=f"conc-{i}")
            for i, f in enumerate(funcs)
        ]
        # the failing query of a cancelled transaction is logged as an error
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout)
        self.assertFalse([t.name for t in threads if t.is_alive()], "deadlock")
        for outcome in outcomes:
            if isinstance(outcome, Exception) and not isinstance(outcome, UserError):
                raise outcome
        return outcomes

    def cleanup(self, func):
        """Run ``func(env)`` in a committed transaction at the end of the test."""

        def run():
            with self.committed_env() as env:
                func(env)

        self.addCleanup(run)

    @staticmethod
    def delete_users(env, logins):
        users = (
            env["res.users"]
            .with_context(active_test=False)
            .search([("login", "in", logins)])
        )
        partners = users.partner_id
        users.unlink()
        partners.unlink()


# ----------------------------------------------------------------------
# (1) two routing runs at once
# ----------------------------------------------------------------------
@tagged("post_install", "-at_install", "crm_suite")
class TestConcurrentRouting(ConcurrencyCase):
    LEADS = 10
    CAPACITY = 3
    LOGINS = ["conc_route_1", "conc_route_2"]

    def setUp(self):
        super().setUp()
        self.cleanup(self._delete)
        with self.committed_env() as env:
            users = [
                new_test_user(env, login=login, groups="sales_team.group_sale_salesman")
                for login in self.LOGINS
            ]
            iceland = env.ref("base.is")
            self.territory_id = (
                env["crm.territory"]
                .create(
                    {
                        "name": "Concurrency Iceland",
                        "country_ids": [Command.set(iceland.ids)],
                        "member_ids": [
                            Command.create(
                                {"user_id": user.id, "capacity": self.CAPACITY}
                            )
                            for user in users
                        ],
                    }
                )
                .id
            )
            self.user_ids = [user.id for user in users]
            self.lead_ids = (
                env["crm.lead"]
                .with_context(crm_pipeline_ext_no_routing=True)
                .create(
                    [
                        {
                            "name": f"Concurrency lead {i}",
                            "type": "lead",
                            "country_id": iceland.id,
                            "user_id": False,
                        }
                        for i in range(self.LEADS)
                    ]
                )
                .ids
            )

    def _delete(self, env):
        env["crm.lead"].with_context(active_test=False).search(
            [("name", "=like", "Concurrency lead %")]
        ).unlink()
        env["crm.territory"].search([("name", "=", "Concurrency Iceland")]).unlink()
        self.delete_users(env, self.LOGINS)

    def test_two_routing_runs(self):
        Territory = self.registry["crm.territory"]
        get_loads = Territory._get_open_loads
        apply_routing = Territory._apply_routing
        rendezvous = Rendezvous()
        routed = {}

        def loads_then_meet(model, users, **kwargs):
            loads = get_loads(model, users, **kwargs)
            rendezvous.wait()  # both runs have read the loads
            return loads

        def apply_and_note(model, plan, track=False):
            thread = threading.current_thread().name
            routed.setdefault(thread, []).extend(
                lead.id for lead, (_t, user) in plan.items() if user
            )
            return apply_routing(model, plan, track=track)

        def route(env):
            routed.pop(threading.current_thread().name, None)  # retried: redo
            return env["crm.territory"]._cron_route_backlog(batch_size=2)

        with (
            patch.object(Territory, "_get_open_loads", loads_then_meet),
            patch.object(Territory, "_apply_routing", apply_and_note),
        ):
            outcomes = self.in_parallel(
                lambda: self.run_with_retries(route),
                lambda: self.run_with_retries(route),
            )
        for result, _retries in outcomes:
            self.assertNotIsInstance(result, Exception)
        self.assertTrue(rendezvous.met or any(r for _res, r in outcomes), outcomes)
        # a run cancelled by the other one routed nothing that stayed
        mine = [lead for leads in routed.values() for lead in leads]
        self.assertEqual(len(mine), len(set(mine)), "a lead was assigned twice")
        with self.committed_env() as env:
            leads = env["crm.lead"].browse(self.lead_ids)
            assigned = leads.filtered("user_id")
            self.assertEqual(set(assigned.ids), set(mine) & set(self.lead_ids))
            self.assertLessEqual(set(assigned.user_id.ids), set(self.user_ids))
            loads = env["crm.territory"]._get_open_loads(assigned.user_id)
            for user_id in self.user_ids:
                self.assertLessEqual(loads.get(user_id, 0), self.CAPACITY, loads)
            # every slot is used: nothing was lost either
            self.assertEqual(len(assigned), 2 * self.CAPACITY)
            self.assertEqual(leads.territory_id.ids, [self.territory_id])


# ----------------------------------------------------------------------
# (2) two segment recomputes at once
# ----------------------------------------------------------------------
@tagged("post_install", "-at_install", "crm_suite")
class TestConcurrentSegments(ConcurrencyCase):
    def setUp(self):
        super().setUp()
        self.cleanup(self._delete)
        with self.committed_env() as env:
            self.tag = env["res.partner.category"].create({"name": "Concurrency tag"})
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Concurrency partner {i}",
                        "category_id": [Command.set(self.tag.ids)] if i < 30 else [],
                        "country_id": env.ref("base.is").id,
                    }
                    for i in range(40)
                ]
            )
            self.partner_ids = partners.ids
            segment = env["crm.segment"].create(
                {
                    "name": "Concurrency segment",
                    "tag_ids": [Command.set(self.tag.ids)],
                }
            )
            segment.action_compute()
            self.segment_id = segment.id
        with self.committed_env() as env:
            # members change: 10 leave, 10 join, before the two recomputes
            partners = env["res.partner"].browse(self.partner_ids)
            partners[:10].category_id = [Command.clear()]
            partners[30:].category_id = [Command.set(self.tag.ids)]
        self.expected = set(self.partner_ids[10:])

    def _delete(self, env):
        env["crm.segment"].search([("name", "=", "Concurrency segment")]).unlink()
        env["res.partner"].search([("name", "=like", "Concurrency partner %")]).unlink()
        env["res.partner.category"].search([("name", "=", "Concurrency tag")]).unlink()

    def test_two_recomputes(self):
        Segment = self.registry["crm.segment"]
        member_select = Segment._member_select
        rendezvous = Rendezvous()

        def select_then_meet(segment):
            query = member_select(segment)
            rendezvous.wait()  # both are about to write the members
            return query

        def recompute(env):
            env["crm.segment"].browse(self.segment_id)._recompute()

        with patch.object(Segment, "_member_select", select_then_meet):
            outcomes = self.in_parallel(
                lambda: self.run_with_retries(recompute),
                lambda: self.run_with_retries(recompute),
            )
        for result, _retries in outcomes:
            self.assertNotIsInstance(result, Exception)
        self.assertTrue(rendezvous.met, outcomes)
        # both wrote the same rows: PostgreSQL cancelled one, which ran again
        self.assertGreaterEqual(sum(retries for _res, retries in outcomes), 1)
        with self.committed_env() as env:
            env.cr.execute(
                "SELECT partner_id, COUNT(*) FROM crm_segment_member "
                "WHERE segment_id = %s GROUP BY partner_id",
                [self.segment_id],
            )
            rows = dict(env.cr.fetchall())
            self.assertEqual(set(rows), self.expected, "missing or stale members")
            self.assertEqual(set(rows.values()), {1}, "duplicate members")
            segment = env["crm.segment"].browse(self.segment_id)
            self.assertEqual(segment.member_count, len(self.expected))
            self.assertEqual(segment.persona_size, len(self.expected))
            countries = segment.persona_line_ids.filtered(
                lambda line: line.kind == "country"
            )
            self.assertEqual(len(countries), 1, "persona lines written twice")
            self.assertEqual(countries.value, len(self.expected))

    def test_button_waits_for_the_scheduler(self):
        """Compute Members pressed while the scheduler computes the same
        segment: the user waits for it and is answered with the scheduler's
        fresh members, without computing them again; no error, no retry."""
        Segment = self.registry["crm.segment"]
        member_select = Segment._member_select
        scheduler_in = threading.Event()

        def slow_select(segment):
            if segment.env.context.get("conc_scheduler"):
                scheduler_in.set()
                time.sleep(1)  # the user presses the button meanwhile
            return member_select(segment)

        def scheduler():
            with self.committed_env() as env:
                segment = env["crm.segment"].browse(self.segment_id)
                segment.with_context(conc_scheduler=True)._scheduled_recompute()
            return True

        def button(env):
            self.assertTrue(scheduler_in.wait(30))
            return env["crm.segment"].browse(self.segment_id).action_compute()

        with patch.object(Segment, "_member_select", slow_select):
            outcomes = self.in_parallel(
                scheduler, lambda: self.run_with_retries(button)
            )
        self.assertIs(outcomes[0], True)
        result, retries = outcomes[1]
        self.assertIs(result, True)
        self.assertEqual(retries, 0)
        with self.committed_env() as env:
            segment = env["crm.segment"].browse(self.segment_id)
            self.assertEqual(set(segment.member_ids.partner_id.ids), self.expected)
            self.assertFalse(segment.compute_error)

    def test_scheduler_skips_a_segment_being_computed(self):
        """The scheduler meets a segment a user is computing: it leaves it
        to them instead of computing it again behind them."""
        Segment = self.registry["crm.segment"]
        user_in, scheduler_done = threading.Event(), threading.Event()
        computed = []
        recompute = Segment._recompute

        def tracked(segments):
            computed.append(segments.env.context.get("conc_who"))
            return recompute(segments)

        def button():
            with self.committed_env() as env:
                segment = env["crm.segment"].browse(self.segment_id)
                segment.with_context(conc_who="user").action_compute()
                user_in.set()
                self.assertTrue(scheduler_done.wait(30))
            return True

        def scheduler():
            self.assertTrue(user_in.wait(30))
            try:
                with self.committed_env() as env:
                    segment = env["crm.segment"].browse(self.segment_id)
                    segment.with_context(conc_who="cron")._scheduled_recompute()
            finally:
                scheduler_done.set()
            return True

        with patch.object(Segment, "_recompute", tracked):
            outcomes = self.in_parallel(button, scheduler)
        self.assertEqual(outcomes, [True, True])
        self.assertEqual(computed, ["user"])


# ----------------------------------------------------------------------
# (3) two approvers at once
# ----------------------------------------------------------------------
@tagged("post_install", "-at_install", "crm_suite")
class TestConcurrentApprovers(ConcurrencyCase):
    LOGINS = ["conc_seller", "conc_approver_1", "conc_approver_2"]

    def setUp(self):
        super().setUp()
        self.cleanup(self._delete)
        with self.committed_env() as env:
            seller = new_test_user(
                env, login="conc_seller", groups="sales_team.group_sale_salesman"
            )
            approvers = [
                new_test_user(
                    env, login=login, groups="crm_quote_pricer.group_quote_approver"
                )
                for login in self.LOGINS[1:]
            ]
            Authority = env["crm.quote.authority"]
            Authority.create(
                {"user_id": seller.id, "max_discount": 5.0, "min_margin": 0.0}
            )
            for approver in approvers:
                Authority.create(
                    {
                        "user_id": approver.id,
                        "max_discount": 50.0,
                        "min_margin": 0.0,
                        "can_approve": True,
                    }
                )
            product = env["product.product"].create(
                {
                    "name": "Concurrency product",
                    "list_price": 100.0,
                    "standard_price": 50.0,
                    "taxes_id": [Command.clear()],
                }
            )
            partner = env["res.partner"].create({"name": "Concurrency customer"})
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "user_id": seller.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1.0,
                                "discount": 10.0,
                            }
                        )
                    ],
                }
            )
            order.with_user(seller).request_validation()
            self.assertEqual(order.validation_status, "pending")
            self.assertEqual(
                set(order.review_ids.reviewer_ids.ids), {a.id for a in approvers}
            )
            self.order_id = order.id
            self.approver_ids = [a.id for a in approvers]

    def _delete(self, env):
        orders = env["sale.order"].search(
            [("partner_id.name", "=", "Concurrency customer")]
        )
        orders.review_ids.unlink()
        orders.unlink()
        env["crm.quote.authority"].with_context(active_test=False).search(
            [("user_id.login", "in", self.LOGINS)]
        ).unlink()
        env["product.product"].search([("name", "=", "Concurrency product")]).unlink()
        env["res.partner"].search([("name", "=", "Concurrency customer")]).unlink()
        self.delete_users(env, self.LOGINS)

    def _check_one_approval(self, approver_id):
        with self.committed_env() as env:
            order = env["sale.order"].browse(self.order_id)
            self.assertEqual(order.validation_status, "validated")
            self.assertEqual(order.review_ids.mapped("status"), ["approved"])
            self.assertEqual(order.review_ids.done_by.id, approver_id)

    def test_second_approver_waits_for_the_first(self):
        """Both at once: the second one waits for the first one's decision
        (no lock error shown), PostgreSQL cancels its stale one, and on
        Odoo's retry it is told the quote is decided."""
        decided = threading.Event()

        def first():
            with self.committed_env(self.approver_ids[0]) as env:
                env["sale.order"].browse(self.order_id).validate_tier()
                decided.set()
                time.sleep(1)  # the other one now waits on the lock
            return True

        def second(env):
            self.assertTrue(decided.wait(30))
            return env["sale.order"].browse(self.order_id).validate_tier()

        outcomes = self.in_parallel(
            first, lambda: self.run_with_retries(second, self.approver_ids[1])
        )
        self.assertIs(outcomes[0], True)
        result, retries = outcomes[1]
        self.assertIsInstance(result, UserError)
        self.assertNotIn("Another approver", str(result))
        self.assertIn("no pending review", str(result))
        self.assertEqual(retries, 1)
        self._check_one_approval(self.approver_ids[0])

    def test_second_approver_meets_a_stuck_lock(self):
        """A first decision that stays open past the wait: the second one
        gets a clear error instead of waiting forever."""
        decided = threading.Event()
        second_done = threading.Event()

        def first():
            with self.committed_env(self.approver_ids[0]) as env:
                env["sale.order"].browse(self.order_id).validate_tier()
                decided.set()
                # keep the transaction (and its lock) open while the other acts
                second_done.wait(30)
            return True

        def second():
            self.assertTrue(decided.wait(30))
            try:
                with self.committed_env(self.approver_ids[1]) as env:
                    return env["sale.order"].browse(self.order_id).validate_tier()
            finally:
                second_done.set()

        with patch.object(approval, "APPROVAL_LOCK_TIMEOUT_MS", 500):
            outcomes = self.in_parallel(first, second)
        self.assertIs(outcomes[0], True)
        self.assertIsInstance(outcomes[1], UserError)
        self.assertIn("Another approver", str(outcomes[1]))
        self._check_one_approval(self.approver_ids[0])

    def test_second_approver_acts_just_after(self):
        """The second one read the quote before the first one decided, and
        acts just after: PostgreSQL cancels its decision, and on Odoo's retry
        it gets a clear error."""
        second_read = threading.Event()
        first_committed = threading.Event()
        Order = self.registry["sale.order"]
        check_reviewer = Order._pricer_check_reviewer

        def wait_then_check(order, reviews):
            if order.env.uid == self.approver_ids[1]:
                self.assertTrue(first_committed.wait(30))
            return check_reviewer(order, reviews)

        def first():
            with self.committed_env(self.approver_ids[0]) as env:
                env["sale.order"].browse(self.order_id).validate_tier()
                self.assertTrue(second_read.wait(30))
            first_committed.set()
            return True

        def second(env):
            order = env["sale.order"].browse(self.order_id)
            order.review_ids.mapped("status")  # its snapshot: still pending
            second_read.set()
            return order.validate_tier()

        with patch.object(Order, "_pricer_check_reviewer", wait_then_check):
            outcomes = self.in_parallel(
                first, lambda: self.run_with_retries(second, self.approver_ids[1])
            )
        self.assertIs(outcomes[0], True)
        result, retries = outcomes[1]
        self.assertIsInstance(result, UserError)
        self.assertIn("no pending review", str(result))
        self.assertEqual(retries, 1, "the stale decision was not cancelled")
        self._check_one_approval(self.approver_ids[0])


# ----------------------------------------------------------------------
# (4) the RFM cron killed after K batches resumes
# ----------------------------------------------------------------------
class CronCrash(Exception):
    pass


@tagged("post_install", "-at_install", "crm_suite")
class TestRfmCronResume(ConcurrencyCase):
    BATCH = 2
    CRASH_AFTER = 2

    def setUp(self):
        super().setUp()
        self.cleanup(self._delete)
        with self.committed_env() as env:
            self.company_id = env.company.id
            Config = env["crm.rfm.config"]
            self.config_existed = bool(
                Config.search_count([("company_id", "=", self.company_id)])
            )
            config = Config._get_for_company(env.company)
            self.old_batch_size = config.batch_size
            config.batch_size = self.BATCH
            partners = env["res.partner"].create(
                [{"name": f"Concurrency RFM {i}"} for i in range(7)]
            )
            self.partner_ids = partners.ids
            product = env["product.product"].create(
                {"name": "Concurrency RFM product", "taxes_id": [Command.clear()]}
            )
            specs = [
                (partner, days, 100.0 * (i + 1) * (j + 1))
                for i, partner in enumerate(partners)
                for j, days in enumerate((3, 40, 200)[: 1 + i % 3])
            ]
            moves = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": f"2026-0{1 + days % 6}-1{days % 9}",
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for partner, days, amount in specs
                ]
            )
            moves.action_post()
            # all customers of the company, scored or not by this test
            env.cr.execute(
                "SELECT COUNT(DISTINCT commercial_partner_id) FROM account_move "
                "WHERE state = 'posted' AND company_id = %s "
                "AND move_type IN ('out_invoice', 'out_refund')",
                [self.company_id],
            )
            self.customers = env.cr.fetchone()[0]

    def _delete(self, env):
        moves = env["account.move"].search(
            [("partner_id.name", "=like", "Concurrency RFM %")]
        )
        moves.button_draft()
        moves.with_context(force_delete=True).unlink()
        env["res.partner"].search([("name", "=like", "Concurrency RFM %")]).unlink()
        env["product.product"].search(
            [("name", "=", "Concurrency RFM product")]
        ).unlink()
        config = env["crm.rfm.config"]._get_for_company(env.company)
        if not getattr(self, "config_existed", True):
            config.unlink()
            return
        config.batch_size = getattr(self, "old_batch_size", config.batch_size)
        if config.state == "running":  # a failed test must not leave a run open
            config._recompute_start()
            while config._recompute_batch():
                pass
            config._recompute_finish()

    def _cron(self):
        with self.committed_env() as env:
            env["crm.rfm.config"]._cron_recompute()

    def _state(self):
        with self.committed_env() as env:
            config = env["crm.rfm.config"]._get_for_company(env.company)
            scores = env["crm.rfm.score"].search(
                [
                    ("company_id", "=", self.company_id),
                    ("partner_id", "in", self.partner_ids),
                ]
            )
            return (
                config.read(["state", "run_number", "run_done", "run_total"])[0],
                {
                    s.partner_id.id: (
                        s.frequency,
                        s.monetary,
                        s.recency_days,
                        s.rfm_code,
                        s.class_id.id,
                    )
                    for s in scores
                },
            )

    def test_crash_then_resume(self):
        Config = self.registry["crm.rfm.config"]
        batch = Config._recompute_batch
        calls = []

        def batch_then_crash(config):
            if len(calls) == self.CRASH_AFTER:
                raise CronCrash("killed")
            calls.append(1)
            return batch(config)

        with (
            patch.object(Config, "_recompute_batch", batch_then_crash),
            self.assertRaises(CronCrash),
        ):
            self._cron()
        crashed, _scores = self._state()
        self.assertEqual(crashed["state"], "running")
        self.assertEqual(crashed["run_done"], self.CRASH_AFTER * self.BATCH)
        self.assertEqual(crashed["run_total"], self.customers)

        self._cron()  # the next run resumes
        resumed, scores = self._state()
        self.assertEqual(resumed["state"], "idle")
        self.assertEqual(resumed["run_number"], crashed["run_number"], "restarted")
        self.assertEqual(resumed["run_done"], self.customers, "customers lost")
        self.assertEqual(set(scores), set(self.partner_ids))

        self._cron()  # an uninterrupted run gives the same result
        clean, clean_scores = self._state()
        self.assertEqual(clean["run_number"], resumed["run_number"] + 1)
        self.assertEqual(clean["run_done"], self.customers)
        self.assertEqual(scores, clean_scores)
