# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stage probabilities (issue 19): the behaviour of OCA crm_stage_probability,
and the weighted pipeline by month, salesperson and team."""

import math

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestStageProbability(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_new.write({"on_change": True, "probability": 10})
        cls.stage_qualified.write({"on_change": True, "probability": 40})
        cls.stage_manual = cls.env["crm.stage"].create(
            {"name": "P Manual", "sequence": 1003, "probability": 80}
        )
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "P Won", "sequence": 1004, "is_won": True, "on_change": True}
        )
        cls.lead = cls._lead(name="P lead", expected_revenue=1000, probability=25)
        cls.lead_other = cls._lead(
            name="P other's", user_id=cls.salesman2.id, probability=25
        )
        cls.lead_company2 = cls.env["crm.lead"].create(
            {
                "name": "P other company",
                "type": "opportunity",
                "company_id": cls.other_company.id,
                "user_id": cls.other_user.id,
                "stage_id": cls.stage_qualified.id,
                "probability": 5,
            }
        )

    def test_stage_change_takes_the_stage_probability(self):
        lead = self.lead.with_user(self.salesman)
        self.assertFalse(lead.is_stage_probability)
        lead.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.probability, 40)
        self.assertTrue(lead.is_stage_probability)
        self.assertEqual(lead.prorated_revenue, 400)
        # set by hand in the same change: kept
        lead.write({"stage_id": self.stage_new.id, "probability": 55})
        self.assertEqual(lead.probability, 55)
        self.assertFalse(lead.is_stage_probability)
        self.assertEqual(lead.stage_probability, 10)
        lead.action_set_stage_probability()
        self.assertEqual(lead.probability, 10)
        # a stage that does not set it leaves the probability alone
        lead.write({"probability": 33})
        lead.write({"stage_id": self.stage_manual.id})
        self.assertEqual(lead.probability, 33)
        self.assertTrue(lead.is_stage_probability)
        # a won stage is 100, as core has it
        lead.write({"stage_id": self.stage_won.id})
        self.assertEqual(lead.probability, 100)
        # and the button over RPC leaves a won opportunity alone (the won
        # stage sets 10 here: stage_won's default probability)
        self.assertEqual(self.stage_won.probability, 10)
        lead.action_set_stage_probability()
        self.assertEqual((lead.probability, lead.won_status), (100, "won"))

    def test_create_and_form(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        vals = {
            "name": "P new",
            "type": "opportunity",
            "user_id": self.salesman.id,
            "team_id": self.team.id,
            "stage_id": self.stage_qualified.id,
        }
        self.assertEqual(Lead.create(vals).probability, 40)
        self.assertEqual(Lead.create(dict(vals, probability=65)).probability, 65)
        with Form(self.lead.with_user(self.salesman)) as form:
            form.stage_id = self.stage_qualified
            self.assertEqual(form.probability, 40)
        self.assertEqual(self.lead.probability, 40)

    def test_mass_update_per_role(self):
        (self.lead | self.lead_other).write({"stage_id": self.stage_qualified.id})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = 12 WHERE id IN %s",
            [(self.lead.id, self.lead_other.id, self.lead_company2.id)],
        )
        self.env.invalidate_all()
        # the wizard is a manager's: a salesperson cannot open or run it
        Wizard = self.env["crm.stage.probability.update"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.salesman).create(
                {"stage_ids": [(6, 0, self.stage_qualified.ids)]}
            )
        wizard = Wizard.create({"stage_ids": [(6, 0, self.stage_qualified.ids)]})
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesman).action_apply()
        self.assertEqual(self.lead.probability, 12)
        # the manager's reaches the team, not another company's leads
        wizard = (
            Wizard.with_user(self.manager)
            .with_context(active_model="crm.stage", active_ids=self.stage_qualified.ids)
            .create({})
        )
        self.assertEqual(wizard.stage_ids, self.stage_qualified)
        self.assertEqual(wizard.lead_count, 2)
        result = wizard.action_apply()
        self.assertEqual((self.lead | self.lead_other).mapped("probability"), [40, 40])
        self.assertEqual(self.lead_company2.probability, 12)
        self.assertIn("2", result["params"]["message"])
        # the stages' own update goes through the writer's record rules
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = 12 WHERE id IN %s",
            [(self.lead.id, self.lead_other.id)],
        )
        self.env.invalidate_all()
        self.stage_qualified.with_user(self.salesman)._apply_stage_probability()
        self.assertEqual(self.lead.probability, 40)
        self.assertEqual(self.lead_other.probability, 12)
        # the action is offered to managers only
        action = self.env.ref("crm_pipeline_ext.crm_stage_probability_update_action")
        self.assertEqual(
            action.group_ids, self.env.ref("sales_team.group_sale_manager")
        )

    def test_bad_probabilities_refused(self):
        stage = self.stage_qualified.with_user(self.manager)
        for value in (math.nan, math.inf, -math.inf, -1, 100.5, 2**31):
            with self.subTest(value=value):
                with self.assertRaises(ValidationError):
                    stage.write({"probability": value})
                with self.assertRaises(ValidationError):
                    stage.create({"name": "P bad", "probability": value})
        self.env.invalidate_all()
        self.assertEqual(self.stage_qualified.probability, 40)
        # a salesperson does not configure stages; the other company's
        # manager reaches the shared stage only through their own access
        with self.assertRaises(AccessError):
            self.stage_qualified.with_user(self.salesman).write({"probability": 50})
        with self.assertRaises(AccessError):
            self.lead.with_user(self.other_user).write({"probability": 50})
        # the lead's stage probability is the stage's: not written by hand
        with self.assertRaises(AccessError):
            self.lead.with_user(self.salesman).write({"stage_probability": 50})

    def test_weighted_pipeline(self):
        """The report's action: open opportunities' weighted revenue per
        expected closing month and salesperson; each sees what they may."""
        self.lead.write({"date_deadline": "2027-01-15", "expected_revenue": 1000})
        self.lead_other.write({"date_deadline": "2027-02-10", "expected_revenue": 800})
        self._lead(
            name="P won", expected_revenue=5000, date_deadline="2027-01-20"
        ).action_set_won()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline_ext.crm_lead_action_weighted_pipeline"
        )
        domain = [
            *eval(action["domain"]),  # noqa: S307 pylint: disable=eval-used
            ("name", "like", "P "),
        ]
        ctx = eval(action["context"])  # noqa: S307 pylint: disable=eval-used

        def rows(user):
            Lead = self.env["crm.lead"].with_user(user).with_context(**ctx)
            return {
                ((g["date_deadline:month"] or (0, None))[1], g["user_id"][1]): g[
                    "prorated_revenue:sum"
                ]
                for g in Lead.formatted_read_group(
                    domain,
                    ["date_deadline:month", "user_id"],
                    ["prorated_revenue:sum"],
                )
            }

        self.assertEqual(
            rows(self.manager),
            {
                ("January 2027", "Salesman"): 250.0,
                ("February 2027", "Salesman Two"): 200.0,
            },
        )
        self.assertEqual(rows(self.salesman), {("January 2027", "Salesman"): 250.0})
        # another company's user: their own company's pipeline only
        self.assertEqual(rows(self.other_user), {(None, "Other Company User"): 0.0})

    def test_query_count_does_not_grow(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"P q{i}",
                    "type": "opportunity",
                    "stage_id": self.stage_new.id,
                }
                for i in range(20)
            ]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            leads[:3].mapped("is_stage_probability")
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            leads.mapped("is_stage_probability")
        # the mass update's count: the same queries for one stage or four
        leads[:5].probability = 70
        stages = self.stage_new | self.stage_qualified
        more = stages | self.env["crm.stage"].create(
            [
                {"name": f"P auto {i}", "on_change": True, "probability": 50}
                for i in range(2)
            ]
        )
        Wizard = self.env["crm.stage.probability.update"]
        counts = []
        for chosen, queries in ((self.stage_new, 3), (more, 3)):
            wizard = Wizard.create({"stage_ids": [(6, 0, chosen.ids)]})
            self.env.invalidate_all()
            with self.assertQueryCount(queries):
                counts.append(wizard.lead_count)
        off = (
            self.env["crm.lead"]
            .search([("stage_id", "in", more.ids)])
            .filtered(
                lambda lead: lead.won_status == "pending"
                and lead.probability != lead.stage_id.probability
            )
        )
        self.assertEqual(
            counts,
            [len(off.filtered(lambda x: x.stage_id == self.stage_new)), len(off)],
        )
        self.assertGreaterEqual(counts[0], 5)
