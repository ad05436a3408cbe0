# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestForecastSubmissionTour(HttpCase):
    def test_forecast_submission_tour(self):
        """A salesperson submits their month's commit and best case from the
        Reporting menu, then sees them submitted and read-only."""
        salesman = new_test_user(
            self.env,
            login="tour_forecaster",
            name="Tour Forecaster",
            groups="sales_team.group_sale_salesman",
        )
        team = self.env["crm.team"].create(
            {"name": "Tour Forecast Team", "member_ids": [(4, salesman.id)]}
        )
        self.start_tour(
            "/odoo",
            "crm_pipeline_ext_forecast_submission_tour",
            login="tour_forecaster",
        )
        submission = self.env["crm.forecast.submission"].search(
            [("user_id", "=", salesman.id)]
        )
        self.assertEqual(submission.state, "submitted")
        self.assertEqual(submission.commit_amount, 12000)
        self.assertEqual(submission.best_case_amount, 18000)
        self.assertEqual(submission.submitted_commit, 12000)
        self.assertEqual(submission.team_id, team)
