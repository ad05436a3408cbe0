# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestRfm(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()

    def _score(self, partner):
        return self.env["crm.rfm.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    @freeze_time("2026-06-30")
    def test_hand_computed_fixed_bins(self):
        self.config.action_recompute()
        a = self._score(self.partner_a)
        # 3 invoices, net 1000 + 2000 + 3000 - 500, last invoice 10 days ago
        self.assertRecordValues(
            a,
            [
                {
                    "frequency": 3,
                    "refund_count": 1,
                    "monetary": 5500.0,
                    "recency_days": 10,
                    "r_score": 5,
                    "f_score": 3,
                    "m_score": 3,
                    "rfm_code": "533",
                    "class_id": self.env.ref("crm_segmentation.rfm_class_loyal").id,
                }
            ],
        )
        b = self._score(self.partner_b)
        self.assertEqual(
            (b.recency_days, b.frequency, b.monetary, b.rfm_code),
            (365, 1, 300.0, "211"),
        )
        self.assertEqual(
            b.class_id, self.env.ref("crm_segmentation.rfm_class_hibernating")
        )
        c = self._score(self.partner_c)
        self.assertEqual((c.frequency, c.monetary, c.rfm_code), (10, 60000.0, "555"))
        self.assertEqual(
            c.class_id, self.env.ref("crm_segmentation.rfm_class_champions")
        )
        d = self._score(self.partner_d)
        # refunds only: no recency, worst scores
        self.assertEqual((d.frequency, d.monetary, d.rfm_code), (0, -200.0, "111"))
        self.assertEqual(d.class_id, self.env.ref("crm_segmentation.rfm_class_lost"))
        self.assertFalse(self._score(self.partner_e), "draft invoices are ignored")
        self.assertEqual(self.config.last_run_count, 4)
        self.assertEqual(self.config.state, "idle")
        self.assertEqual(self.partner_a.rfm_score_ids, a)

    @freeze_time("2026-06-30")
    def test_quantiles(self):
        self.config.write(
            {
                "recency_method": "quantile",
                "frequency_method": "quantile",
                "monetary_method": "quantile",
            }
        )
        self.config.action_recompute()
        # 4 customers in 5 tiles: ordered ascending, the tiles are 1..4
        codes = {
            p: self._score(p).rfm_code
            for p in (self.partner_a, self.partner_b, self.partner_c, self.partner_d)
        }
        # recency: d (none) < b (365) < a (10) < c (1)
        # frequency: d (0) < b (1) < a (3) < c (10)
        # monetary: d (-200) < b (300) < a (5500) < c (60000)
        self.assertEqual(codes[self.partner_d], "111")
        self.assertEqual(codes[self.partner_b], "222")
        self.assertEqual(codes[self.partner_a], "333")
        self.assertEqual(codes[self.partner_c], "444")

    @freeze_time("2026-06-30")
    def test_stale_scores_removed(self):
        self.config.action_recompute()
        self.assertTrue(self._score(self.partner_b))
        self.env["account.move"].search(
            [("partner_id", "=", self.partner_b.id)]
        ).button_draft()
        self.config.action_recompute()
        self.assertFalse(self._score(self.partner_b))

    def _stamps(self):
        scores = self.env["crm.rfm.score"].search(
            [("company_id", "=", self.env.company.id)]
        )
        return {s.partner_id: (s.id, s.computed_at, s.write_date) for s in scores}

    def test_only_changes_written(self):
        """A recompute writes only the customers whose metrics or scores
        changed; a new day moves the recency without rewriting metrics."""
        with freeze_time("2026-06-30"):
            self.config.action_recompute()
            self.assertEqual(self._score(self.partner_a).recency_days, 10)
        first = self._stamps()
        self.assertEqual(self._score(self.partner_b).r_score, 2)
        with freeze_time("2026-07-01"):
            self.config.action_recompute()
            day_after = self._stamps()
            for partner in self.partner_a | self.partner_c | self.partner_d:
                self.assertEqual(day_after[partner], first[partner], "not rewritten")
            # b's last invoice is now 366 days old: past the 365-day threshold
            # its recency score drops, its metrics stay as they were
            self.assertEqual(day_after[self.partner_b][:2], first[self.partner_b][:2])
            self.assertEqual(self._score(self.partner_b).r_score, 1)
            self.assertEqual(self._score(self.partner_a).recency_days, 11)
            self._invoices([(self.partner_b, "2026-07-01", 50, "out_invoice")])
        with freeze_time("2026-07-02"):
            self.config.action_recompute()
        second = self._stamps()
        self.assertEqual(second[self.partner_b][0], first[self.partner_b][0])
        self.assertNotEqual(second[self.partner_b][1], first[self.partner_b][1])
        b = self._score(self.partner_b)
        self.assertEqual((b.frequency, b.monetary), (2, 350.0))
        # the others' metrics are untouched (their recency scores may move:
        # b is now the most recent customer)
        for partner in self.partner_a | self.partner_c | self.partner_d:
            self.assertEqual(second[partner][:2], first[partner][:2], partner.name)

    @freeze_time("2026-06-30")
    def test_vanished_between_and_after_batches(self):
        """Customers without invoices any more are dropped inside a batch's
        id range (b) and above the last batch (d), one customer per batch."""
        self.config.action_recompute()
        self.assertTrue(self._score(self.partner_b) and self._score(self.partner_d))
        self.env["account.move"].search(
            [("partner_id", "in", (self.partner_b | self.partner_d).ids)]
        ).button_draft()
        self.config.batch_size = 1
        self.config.action_recompute()
        self.assertFalse(self._score(self.partner_b))
        self.assertFalse(self._score(self.partner_d))
        self.assertEqual(
            set(self._stamps()), {self.partner_a, self.partner_c}, "a and c kept"
        )

    @freeze_time("2026-06-30")
    def test_batches_resume(self):
        """A run cut after one batch resumes at its cursor."""
        self.config.batch_size = 1
        self.config._recompute_start()
        self.assertEqual(self.config.run_total, 4)
        self.assertEqual(self.config._recompute_batch(), 1)
        first_cursor = self.config.run_cursor
        # "crash": a new run picks up from the committed state
        config = self.env["crm.rfm.config"].browse(self.config.id)
        config.invalidate_recordset()
        self.assertEqual(config.state, "running")
        self.assertEqual(config.run_cursor, first_cursor)
        while config._recompute_batch():
            pass
        config._recompute_finish()
        self.assertEqual(config.last_run_count, 4)
        self.assertEqual(self._score(self.partner_c).rfm_code, "555")

    @freeze_time("2026-06-30")
    def test_cron(self):
        self.config.batch_size = 2
        with self._no_commit(budget=1):
            self.env["crm.rfm.config"].sudo()._cron_recompute()
        # out of time after the first batch: the run waits at its cursor
        self.assertEqual(self.config.state, "running")
        self.assertEqual(self.config.run_done, 2)
        with self._no_commit():
            self.env["crm.rfm.config"].sudo()._cron_recompute()
        self.assertEqual(self.config.state, "idle")
        self.assertEqual(self.config.last_run_count, 4)
        self.assertEqual(self._score(self.partner_a).rfm_code, "533")

    @freeze_time("2026-06-30")
    def test_cron_extras_wait_for_the_end_of_the_run(self):
        """Contact channels and next offers are recomputed once, by the cron
        call that finishes the RFM run, not by the calls out of time."""
        self.config.batch_size = 2
        calls = []
        Partner = type(self.env["res.partner"])
        Offer = type(self.env["crm.next.offer"])
        with (
            patch.object(
                Partner,
                "_recompute_contact_channels",
                lambda model, *a, **k: calls.append("channels") or 0,
            ),
            patch.object(
                Offer, "_recompute", lambda model, *a, **k: calls.append("offers") or 0
            ),
        ):
            with self._no_commit(budget=1):
                self.env["crm.rfm.config"].sudo()._cron_recompute()
            self.assertEqual(self.config.state, "running")
            self.assertEqual(calls, [])
            with self._no_commit():
                self.env["crm.rfm.config"].sudo()._cron_recompute()
            self.assertEqual(self.config.state, "idle")
            self.assertEqual(calls, ["channels", "offers"])

    def test_background_trigger(self):
        cron = self.env.ref("crm_segmentation.ir_cron_rfm_recompute")
        before = (
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])
        )
        self.config.action_recompute_background()
        self.assertEqual(
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", cron.id)]),
            before + 1,
        )

    def test_bins_must_increase(self):
        for bad in ("30,20,180,365", "1,2,3", "a,b,c,d", "1,1,2,3"):
            with self.subTest(bins=bad), self.assertRaises(ValidationError):
                self.config.recency_thresholds = bad
                self.config.flush_recordset()
        self.assertEqual(self.config.recency_thresholds, "30,90,180,365")

    def test_class_ranges(self):
        with self.assertRaises(ValidationError):
            self.env["crm.rfm.class"].create({"name": "Bad", "r_min": 4, "r_max": 2})
        # every axis is checked, and the bounds 1..5 too; a valid one passes
        for bad in (
            {"f_min": 4, "f_max": 2},
            {"m_min": 4, "m_max": 2},
            {"r_min": 0},
            {"m_max": 6},
        ):
            with (
                self.subTest(vals=bad),
                self.assertRaises(ValidationError) as caught,
            ):
                self.env["crm.rfm.class"].create({"name": "Bad", **bad})
            self.assertIn("RFM class Bad", str(caught.exception))
        good = self.env["crm.rfm.class"].create(
            {"name": "Good", "r_min": 5, "f_min": 2, "f_max": 2, "m_max": 1}
        )
        self.assertEqual((good.r_min, good.f_max, good.m_max), (5, 2, 1))

    def test_currency_without_rate(self):
        currency = self.env.ref("base.CHF")
        currency.active = True
        currency.rate_ids.unlink()
        move = self._invoices(
            [(self.partner_b, "2026-01-05", 100, "out_invoice")], post=False
        )
        move.currency_id = currency
        move.action_post()
        with self.assertRaisesRegex(UserError, "CHF"):
            self.config.action_recompute()

    @freeze_time("2026-06-30")
    def test_query_count_constant(self):
        """The recompute costs the same queries for 4 or 24 customers."""
        self.config.action_recompute()  # warm the caches
        small = self._count_queries(self.config.action_recompute)
        partners = self.env["res.partner"].create(
            [{"name": f"Bulk {i}"} for i in range(20)]
        )
        self._invoices(
            [(p, "2026-06-01", 100 + i, "out_invoice") for i, p in enumerate(partners)]
        )
        self.env.flush_all()
        self.config.action_recompute()  # first time these customers get a row
        self.env.invalidate_all()
        with self.assertQueryCount(small):
            self.config.action_recompute()
        self.assertEqual(self.config.last_run_count, 24)

    def test_demo_data(self):
        self.assertTrue(self.env["crm.rfm.config"]._demo_populate(count=30))
        # a year of monthly snapshots: the trend graph draws a line
        snapshots = self.env["crm.segment.snapshot"].search(
            [("company_id", "=", self.env.company.id)]
        )
        today = fields.Date.context_today(snapshots)
        self.assertEqual(
            snapshots.mapped("date"),
            [today - relativedelta(months=back) for back in range(12)],
        )
        self.assertEqual(set(snapshots.mapped("state")), {"done"})
        self.assertTrue(all(snapshots.mapped("taken_at")))
        counts = snapshots.mapped("line_count")
        self.assertEqual(
            counts,
            [len(snap.line_ids) for snap in snapshots],
        )
        self.assertGreater(len(set(counts)), 3, "counts vary from month to month")
        self.assertLess(counts[-1], counts[0], "the customer base grew")
        trend = self.env["crm.segment.snapshot.line"]._read_group(
            [("snapshot_id", "in", snapshots.ids)], ["date:month"], ["__count"]
        )
        self.assertEqual(len(trend), 12)
        segments = self.env["crm.segment"].search([("name", "=", "Big Spenders")])
        self.assertTrue(segments.last_computed)
        self.assertGreaterEqual(
            self.env["crm.rfm.score"].search_count(
                [("partner_id.name", "like", "Demo Customer")]
            ),
            12,
        )
