# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Competitors on opportunities (issue 18): who, their price, who won; per
role, per company, and against what a client may send."""

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestCompetitor(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Competitor = cls.env["crm.competitor"]
        cls.acme = Competitor.create({"name": "PE Acme", "website": "acme.test"})
        cls.shared = Competitor.create({"name": "PE Shared", "company_id": False})
        cls.foreign = Competitor.create(
            {"name": "PE Foreign", "company_id": cls.other_company.id}
        )
        cls.lead = cls._lead(name="Mine", expected_revenue=1000)
        cls.lead_other = cls._lead(name="Theirs", user_id=cls.salesman2.id)
        cls.line_other = cls.env["crm.lead.competitor"].create(
            {
                "lead_id": cls.lead_other.id,
                "competitor_id": cls.acme.id,
                "price": 900,
            }
        )

    def _line(self, user, lead=None, **vals):
        values = {
            "lead_id": (lead or self.lead).id,
            "competitor_id": self.acme.id,
            "price": 950.0,
        }
        values.update(vals)
        return self.env["crm.lead.competitor"].with_user(user).create(values)

    def test_salesperson_own_lines(self):
        """A salesperson notes competitors on their opportunity from its form
        and sees only the lines of opportunities they may read."""
        with Form(self.lead.with_user(self.salesman)) as form:
            with form.competitor_line_ids.new() as line:
                line.competitor_id = self.acme
                line.price = 980.5
                line.outcome = "won_them"
        line = self.lead.competitor_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.price, 980.5)
        self.assertEqual(line.currency_id, self.lead.company_currency)
        self.assertEqual(line.company_id, self.lead.company_id)
        Lines = self.env["crm.lead.competitor"].with_user(self.salesman)
        self.assertEqual(Lines.search([]), line)
        with self.assertRaises(AccessError):
            self.line_other.with_user(self.salesman).read(["price"])

    def test_salesperson_cannot_touch_others(self):
        """Attacker: a salesperson writing lines of an opportunity they cannot
        read (create, write, unlink), or moving their line there."""
        with self.assertRaises(AccessError):
            self._line(self.salesman, lead=self.lead_other)
        with self.assertRaises(AccessError):
            self.line_other.with_user(self.salesman).write({"price": 1})
        with self.assertRaises(AccessError):
            self.line_other.with_user(self.salesman).unlink()
        mine = self._line(self.salesman)
        with self.assertRaises(AccessError):
            mine.write({"lead_id": self.lead_other.id})
        self.assertEqual(self.line_other.price, 900)

    def test_competitors_are_configured_by_managers(self):
        with self.assertRaises(AccessError):
            self.env["crm.competitor"].with_user(self.salesman).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.acme.with_user(self.salesman).write({"name": "Y"})
        self.assertEqual(self.acme.with_user(self.salesman).name, "PE Acme")
        new = self.env["crm.competitor"].with_user(self.manager).create({"name": "Z"})
        self.assertEqual(new.company_id, self.company)

    def test_leader_and_manager_see_all(self):
        for user in (self.leader, self.manager):
            lines = self.env["crm.lead.competitor"].with_user(user).search([])
            self.assertIn(self.line_other, lines)
        line = self._line(
            self.manager, lead=self.lead_other, competitor_id=self.shared.id
        )
        self.assertEqual(line.lead_id, self.lead_other)
        self.assertEqual(self.acme.line_count, 1)

    def test_other_company(self):
        """Attacker: another company's competitor on an opportunity, by a user
        who cannot read it and by one who can; its users see none of ours."""
        with self.assertRaises(AccessError):
            self._line(self.salesman, competitor_id=self.foreign.id)
        with self.assertRaises(UserError):
            self._line(self.env.user, competitor_id=self.foreign.id)
        other = self.env["crm.competitor"].with_user(self.other_user)
        self.assertEqual(
            other.search([("name", "like", "PE ")]), self.shared | self.foreign
        )
        with self.assertRaises(AccessError):
            self.line_other.with_user(self.other_user).read(["price"])
        # the shared competitor goes on any company's opportunity
        self._line(self.salesman, competitor_id=self.shared.id)

    def test_price_is_a_bounded_finite_amount(self):
        """Attacker: NaN, infinities, negative and absurd prices are refused
        before anything is written."""
        for bad in (float("nan"), float("inf"), float("-inf"), -1.0, 1e13):
            with self.subTest(price=bad), self.assertRaises(ValidationError):
                self._line(self.salesman, price=bad)
            with self.subTest(price=bad), self.assertRaises(ValidationError):
                self.line_other.with_user(self.manager).write({"price": bad})
        self.assertFalse(self.lead.competitor_line_ids)
        self.assertEqual(self.line_other.price, 900)

    def test_one_line_per_competitor(self):
        self._line(self.salesman)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._line(self.salesman, price=1)
            self.env.flush_all()
