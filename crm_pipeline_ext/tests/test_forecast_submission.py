# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Forecast submissions (issue 19): a salesperson submits their own commit and
best case, then only a manager changes them, with a note in the chatter;
team rollups, and the accuracy of submissions against the won revenue."""

import math

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.crm_period_mixin import period_start
from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestForecastSubmission(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids = [(4, cls.salesman.id), (4, cls.salesman2.id)]
        cls.month = period_start(fields.Date.today(), "month")
        Submission = cls.env["crm.forecast.submission"]
        cls.own = Submission.with_user(cls.salesman).create(
            {
                "team_id": cls.team.id,
                "date_from": cls.month,
                "commit_amount": 4000,
                "best_case_amount": 6000,
            }
        )
        cls.other = Submission.with_user(cls.salesman2).create(
            {
                "team_id": cls.team.id,
                "date_from": cls.month,
                "commit_amount": 1000,
                "best_case_amount": 1500,
            }
        )
        cls.team_figure = Submission.with_user(cls.manager).create(
            {
                "user_id": False,
                "team_id": cls.team.id,
                "date_from": cls.month,
                "commit_amount": 4500,
                "best_case_amount": 8000,
            }
        )
        cls.company2 = Submission.with_user(cls.other_user).create(
            {"date_from": cls.month, "commit_amount": 1, "best_case_amount": 2}
        )

    def test_salesperson_submits_own_only(self):
        own = self.own.with_user(self.salesman)
        self.assertEqual(own.user_id, self.salesman)
        own.write({"commit_amount": 5000})
        own.action_submit()
        self.assertEqual(own.state, "submitted")
        self.assertEqual(own.submitted_commit, 5000)
        self.assertTrue(own.submit_date)
        # frozen: neither changed, deleted nor submitted again by its author
        with self.assertRaises(UserError):
            own.write({"commit_amount": 9000})
        with self.assertRaises(UserError):
            own.unlink()
        with self.assertRaises(UserError):
            own.action_submit()
        # the state and the submitted figures are the system's
        with self.assertRaises(AccessError):
            self.other.with_user(self.salesman2).write({"state": "submitted"})
        with self.assertRaises(AccessError):
            self.other.with_user(self.salesman2).write({"submitted_commit": 1})
        self.env.invalidate_all()
        self.assertEqual(self.own.commit_amount, 5000)
        self.assertEqual(self.other.state, "draft")

    def test_salesperson_and_the_others(self):
        Submission = self.env["crm.forecast.submission"].with_user(self.salesman)
        # reads their own and the team's figure, not a colleague's
        self.assertEqual(Submission.search([]), self.own | self.team_figure)
        other = self.other.with_user(self.salesman)
        with self.assertRaises(AccessError):
            other.read(["commit_amount"])
        with self.assertRaises(AccessError):
            other.write({"commit_amount": 1})
        with self.assertRaises(AccessError):
            other.action_submit()
        with self.assertRaises(AccessError):
            self.team_figure.with_user(self.salesman).write({"commit_amount": 1})
        with self.assertRaises(AccessError):
            Submission.create({"user_id": self.salesman2.id, "date_from": "2027-05-01"})
        with self.assertRaises(AccessError):
            Submission.create({"user_id": False, "team_id": self.team.id})
        with self.assertRaises(AccessError):
            self.own.with_user(self.salesman).write({"user_id": self.salesman2.id})
        # another company's
        with self.assertRaises(AccessError):
            self.company2.with_user(self.salesman).read(["commit_amount"])
        self.env.invalidate_all()
        self.assertEqual(self.other.commit_amount, 1000)
        self.assertEqual(self.team_figure.commit_amount, 4500)
        # a team leader reads everyone's, changes nobody's
        leader = self.other.with_user(self.leader)
        self.assertEqual(leader.commit_amount, 1000)
        with self.assertRaises(AccessError):
            leader.write({"commit_amount": 2})

    def test_manager_adjusts_with_a_note(self):
        self.own.with_user(self.salesman).action_submit()
        own = self.own.with_user(self.manager).with_context(tracking_disable=False)
        with self.assertRaises(UserError):
            own.write({"commit_amount": 3000})
        # nor is a submitted forecast moved to someone else or another period,
        # even by a manager with a note
        for vals in (
            {"user_id": self.manager.id},
            {"team_id": False},
            {"period_type": "quarter"},
            {"date_from": self.month.replace(year=self.month.year + 1)},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                own.write(dict(vals, adjustment_note="moving it"))
        self.assertEqual(
            (own.user_id, own.period_type, own.date_from),
            (self.salesman, "month", self.month),
        )
        own.write(
            {
                "commit_amount": 3000,
                "adjustment_note": "The Acme deal moves to next quarter",
            }
        )
        self.assertEqual(own.commit_amount, 3000)
        self.assertEqual(own.submitted_commit, 4000)
        self.assertTrue(own.is_adjusted)
        self.env.flush_all()
        self.env.cr.precommit.run()  # the tracking is written at commit
        bodies = " ".join(own.message_ids.mapped("body"))
        self.assertIn("The Acme deal moves to next quarter", bodies)
        # (tracking values are read by administrators only)
        tracked = own.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "commit_amount"
        )
        self.assertEqual(tracked[:1].old_value_float, 4000)
        self.assertEqual(tracked[:1].new_value_float, 3000)
        # the team's figure too
        self.team_figure.with_user(self.manager).action_submit()
        self.team_figure.with_user(self.manager).write(
            {"best_case_amount": 9000, "adjustment_note": "Upside in the north"}
        )
        self.assertEqual(self.team_figure.best_case_amount, 9000)
        # not another company's
        with self.assertRaises(AccessError):
            self.company2.with_user(self.manager).write(
                {"commit_amount": 0, "adjustment_note": "x"}
            )
        other_team = self.env["crm.team"].create(
            {"name": "Co2 team", "company_id": self.other_company.id}
        )
        with self.assertRaises(UserError):
            self.env["crm.forecast.submission"].with_user(self.manager).create(
                {"user_id": False, "team_id": other_team.id}
            )

    def test_rollup_and_accuracy(self):
        self.assertEqual(self.team_figure.team_commit_rollup, 5000)
        self.assertEqual(self.team_figure.team_best_case_rollup, 7500)
        groups = (
            self.env["crm.forecast.submission"]
            .with_user(self.manager)
            .formatted_read_group(
                [("user_id", "!=", False), ("team_id", "=", self.team.id)],
                ["team_id"],
                ["commit_amount:sum", "best_case_amount:sum"],
            )
        )
        self.assertEqual(groups[0]["commit_amount:sum"], 5000)
        # an open deal of the month frozen, then 3000 won in the month
        self._lead(
            name="S open",
            expected_revenue=8000,
            probability=95,
            date_deadline=fields.Date.today(),
        )
        self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        self._lead(name="S won", expected_revenue=3000).action_set_won()
        self.own.with_user(self.salesman).action_submit()
        own = self.own.with_user(self.salesman)
        self.assertEqual(own.actual_won_revenue, 3000)
        self.assertEqual(own.commit_accuracy, 75)
        self.assertEqual(own.best_case_accuracy, 50)
        self.env.flush_all()
        Report = self.env["crm.forecast.accuracy.report"].with_user(self.salesman)
        [row] = Report.search([("period", "=", self.month)])
        self.assertEqual(row.submitted_commit, 4000)
        self.assertEqual(row.submission_accuracy, 75)
        self.assertEqual(row.actual_revenue, 3000)
        [[ratio]] = Report._read_group(
            [("period", "=", self.month)], [], ["submission_accuracy:sum"]
        )
        self.assertEqual(ratio, 75)

    def test_bad_values_refused(self):
        own = self.own.with_user(self.salesman)
        for value in (math.nan, math.inf, -math.inf, -1, 1e12 + 1):
            for name in ("commit_amount", "best_case_amount"):
                with self.subTest(value=value, name=name):
                    with self.assertRaises(ValidationError):
                        own.write({name: value})
        with self.assertRaises(ValidationError):
            own.write({"best_case_amount": 100})  # below the commit
        # a second forecast of the same period: the unique index, which
        # Odoo's RPC layer turns into the index's message
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            own.copy()
        self.env.invalidate_all()
        self.assertEqual((own.commit_amount, own.best_case_amount), (4000, 6000))

    def test_query_count_does_not_grow(self):
        Submission = self.env["crm.forecast.submission"]
        more = Submission.create(
            [
                {
                    "user_id": False,
                    "team_id": self.env["crm.team"].create({"name": f"S{i}"}).id,
                    "date_from": self.month,
                }
                for i in range(10)
            ]
        )
        few = self.team_figure | self.own
        (few | more).mapped("commit_accuracy")
        (few | more).mapped("team_commit_rollup")
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            few.mapped("commit_accuracy")
            few.mapped("team_commit_rollup")
        self.env.invalidate_all()
        with self.assertQueryCount(5):
            (few | more).mapped("commit_accuracy")
            (few | more).mapped("team_commit_rollup")

    def test_form_per_role(self):
        """The salesperson's form has no adjustment note and freezes the
        figures once submitted; the manager's has the note, editable figures."""

        def arch(user):
            views = (
                self.env["crm.forecast.submission"]
                .with_user(user)
                .get_views([(False, "form")])
            )
            return views["views"]["form"]["arch"]

        mine, managers = arch(self.salesman), arch(self.manager)
        self.assertNotIn("adjustment_note", mine)
        self.assertIn("readonly=\"state != 'draft'\"", mine)
        self.assertIn("adjustment_note", managers)
        self.assertEqual(managers.count('name="commit_amount"'), 1)
        self.assertEqual(mine.count('name="commit_amount"'), 1)
