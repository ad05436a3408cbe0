# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestForecast(PipelineCommon):
    def test_category_and_override(self):
        lead = self._lead(probability=20, expected_revenue=100)
        self.assertEqual(lead.forecast_category, "pipeline")
        lead.probability = 60
        self.assertEqual(lead.forecast_category, "best_case")
        lead.probability = 95
        self.assertEqual(lead.forecast_category, "commit")
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman).write({"forecast_override": "pipeline"})
        lead.with_user(self.manager).with_context(tracking_disable=False).write(
            {"forecast_override": "pipeline"}
        )
        self.assertEqual(lead.forecast_category, "pipeline")
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written at commit time
        tracked = lead.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "forecast_override"
        )
        self.assertTrue(tracked)
        lead.action_set_won()
        self.assertEqual(lead.forecast_category, "closed")

    def test_snapshot_and_accuracy(self):
        lead = self._lead(
            probability=95,
            expected_revenue=1000,
            date_deadline="2026-11-20",
            partner_id=self.partner.id,
        )
        self._lead(probability=10, expected_revenue=400, date_deadline="2026-11-25")
        Snapshot = self.env["crm.forecast.snapshot"]
        snaps = Snapshot._cron_freeze_forecast()
        self.assertTrue(snaps)
        self.assertFalse(Snapshot._cron_freeze_forecast(), "one snapshot a day")
        mine = snaps.filtered(lambda s: s.user_id == self.salesman)
        self.assertEqual(sum(mine.mapped("expected_revenue")), 1400)
        commit = mine.filtered(lambda s: s.forecast_category == "commit")
        self.assertEqual(commit.expected_revenue, 1000)
        lead.action_set_won()
        lead.date_closed = "2026-11-21 10:00:00"
        self.env.flush_all()
        Report = self.env["crm.forecast.accuracy.report"]
        [[commit_rev, actual, accuracy]] = Report._read_group(
            [("user_id", "=", self.salesman.id), ("period", "=", "2026-11-01")],
            [],
            ["commit_revenue:sum", "actual_revenue:sum", "accuracy:sum"],
        )
        self.assertEqual(commit_rev, 1000)
        self.assertEqual(actual, 1000)
        self.assertAlmostEqual(accuracy, 100.0)
        # the row says it in the user's language
        row = Report.search(
            [("user_id", "=", self.salesman.id), ("period", "=", "2026-11-01")]
        )
        self.assertEqual(row.accuracy_display, "100.0 %")
        self.env["res.lang"]._activate_lang("es_ES")
        row = row.with_context(lang="es_ES")
        self.assertEqual(row.accuracy_display, "100,0 %")
        # salespeople see their own figures only; other companies nothing
        self.assertFalse(
            Snapshot.with_user(self.salesman2).search([("id", "in", mine.ids)])
        )
        self.assertEqual(
            Snapshot.with_user(self.salesman).search([("id", "in", mine.ids)]), mine
        )
        self.assertFalse(
            Snapshot.with_user(self.other_user).search([("id", "in", mine.ids)])
        )
