# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Territories attacked by the users who can reach them: the realign wizard's
bookkeeping, links to another company, counts of another company's leads,
wrong-type ids and portal salespeople."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestTerritoryRights(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.territory_manager = cls._user(
            "tm_a", "Territory Manager A", "crm_pipeline_ext.group_territory_manager"
        )
        cls.t_other = cls.env["crm.territory"].create(
            {"name": "Other Co territory", "company_id": cls.other_company.id}
        )
        cls.lead_other = (
            cls.env["crm.lead"]
            .with_company(cls.other_company)
            .create(
                {
                    "name": "Company B lead",
                    "type": "opportunity",
                    "company_id": cls.other_company.id,
                    "user_id": cls.other_user.id,
                    "team_id": False,
                }
            )
        )

    def _assert_lead_other_untouched(self):
        self.lead_other.invalidate_recordset()
        self.assertEqual(self.lead_other.company_id, self.other_company)
        self.assertEqual(self.lead_other.user_id, self.other_user)
        self.assertFalse(self.lead_other.territory_id)

    # item 1 -------------------------------------------------------------

    def test_realign_state_and_lines_are_not_client_writable(self):
        """A territory manager of A cannot hand the wizard a preview of its
        own making, with a line moving a company-B lead to themselves."""
        Wizard = self.env["crm.territory.realign"].with_user(self.territory_manager)
        line = Command.create(
            {
                "lead_id": self.lead_other.id,
                "new_territory_id": self.t_spain.id,
                "new_user_id": self.territory_manager.id,
            }
        )
        for vals in (
            {"state": "preview", "line_ids": [line]},
            {"state": "preview"},
            {"line_ids": [line]},
        ):
            with self.subTest(vals=list(vals)), self.assertRaises(AccessError):
                Wizard.create(vals)
        wizard = Wizard.create({})
        for vals in ({"state": "preview"}, {"line_ids": [line]}):
            with self.subTest(write=list(vals)), self.assertRaises(AccessError):
                wizard.write(vals)
        with self.assertRaises(AccessError):
            self.env["crm.territory.realign.line"].with_user(
                self.territory_manager
            ).create({"wizard_id": wizard.id, "lead_id": self.lead_other.id})
        # context defaults choose nothing either
        wizard = Wizard.with_context(
            default_state="preview", default_line_ids=[line]
        ).create({})
        self.assertEqual(wizard.state, "draft")
        self.assertFalse(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_apply()
        self._assert_lead_other_untouched()

    def test_realign_apply_checks_every_lead(self):
        """Whatever the lines say, Apply moves only leads the user may read
        and write: a line on a company-B lead stops the whole apply."""
        own = self._new(zip="28001")
        wizard = (
            self.env["crm.territory.realign"]
            .with_user(self.territory_manager)
            .create({})
        )
        # lines as only the system could have written them (a stale preview)
        wizard.sudo().write(
            {
                "state": "preview",
                "line_ids": [
                    Command.create(
                        {
                            "lead_id": lead.id,
                            "new_territory_id": self.t_zip.id,
                            "new_user_id": self.territory_manager.id,
                        }
                    )
                    for lead in own | self.lead_other
                ],
            }
        )
        with self.assertRaises(AccessError):
            wizard.action_apply()
        self._assert_lead_other_untouched()
        self.assertEqual(own.territory_id, self.t_spain)
        self.assertEqual(wizard.state, "preview")

    def test_realign_as_territory_manager(self):
        """The normal flow still works for the role it is for."""
        leads = self._new(2, zip="28001")
        self.t_zip.zip_range_ids.write({"zip_from": "28"})
        wizard = (
            self.env["crm.territory.realign"]
            .with_user(self.territory_manager)
            .create({"keep_salesperson": False})
        )
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(wizard.line_ids.lead_id, leads)
        self.assertNotIn(self.lead_other, wizard.line_ids.lead_id)
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(leads.territory_id, self.t_zip)
        self.assertEqual(leads.user_id, self.manager)

    # item 6 -------------------------------------------------------------

    def _assert_company_refused(self, func):
        """The link is refused as a company mismatch, not as a read error."""
        with self.assertRaises(UserError) as err:
            func()
        self.assertNotIsInstance(err.exception, AccessError)
        self.assertIn("compan", str(err.exception))

    def test_lead_territory_of_another_company_refused(self):
        lead = self._lead(name="Own lead")
        # a salesperson of company A cannot even read B's territory
        with self.assertRaises(AccessError):
            lead.with_user(self.salesman).write({"territory_id": self.t_other.id})
        # one who works for both companies reads it, and still cannot link
        # it to company A's lead
        both = self._user(
            "links_both",
            "Salesman of A and B (links)",
            "sales_team.group_sale_salesman",
            company_ids=[self.company.id, self.other_company.id],
        )
        lead.user_id = both
        as_salesman = lead.with_user(both).with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]
        )
        self._assert_company_refused(
            lambda: as_salesman.write({"territory_id": self.t_other.id})
        )
        lead.invalidate_recordset()
        self.assertFalse(lead.territory_id)
        self._assert_company_refused(
            lambda: self.env["crm.lead"]
            .with_user(both)
            .with_context(allowed_company_ids=[self.company.id, self.other_company.id])
            .create(
                {
                    "name": "Linked to B",
                    "user_id": both.id,
                    "company_id": self.company.id,
                    "territory_id": self.t_other.id,
                }
            )
        )
        self.assertFalse(
            self.env["crm.lead"].search([("territory_id", "=", self.t_other.id)])
        )
        # a territory of the lead's company is fine
        as_salesman.write({"territory_id": self.t_spain.id})
        self.assertEqual(lead.territory_id, self.t_spain)

    def test_territory_links_of_another_company_refused(self):
        Territory = self.env["crm.territory"]
        self._assert_company_refused(
            lambda: Territory.create(
                {"name": "Child of B", "parent_id": self.t_other.id}
            )
        )
        self._assert_company_refused(
            lambda: self.t_state.write({"parent_id": self.t_other.id})
        )
        self.assertEqual(self.t_state.parent_id, self.t_spain)

    # item 7 -------------------------------------------------------------

    def test_open_lead_count_stays_in_the_readers_companies(self):
        both = self._user(
            "both_cos",
            "Salesman of A and B",
            "sales_team.group_sale_salesman",
            company_ids=[self.company.id, self.other_company.id],
        )
        Lead = self.env["crm.lead"]
        for company, count in ((self.company, 2), (self.other_company, 3)):
            Lead.with_company(company).create(
                [
                    {
                        "name": f"Count {company.name} {i}",
                        "company_id": company.id,
                        "user_id": both.id,
                        "team_id": False,
                    }
                    for i in range(count)
                ]
            )
        shared = self.env["crm.territory"].create(
            {
                "name": "No company",
                "company_id": False,
                "member_ids": [Command.create({"user_id": both.id})],
            }
        )
        in_a = self.env["crm.territory.member"].create(
            {"territory_id": self.t_state.id, "user_id": both.id}
        )
        member = shared.member_ids
        # the reader of company A sees A's leads only, whatever the territory
        self.assertEqual(member.with_user(self.territory_manager).load_count, 2)
        self.assertEqual(in_a.with_user(self.territory_manager).load_count, 2)
        # a reader of both companies: the territory's company only, if any
        all_cos = self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=[self.company.id, self.other_company.id],
            )
        )
        self.assertEqual(member.with_env(all_cos).load_count, 5)
        self.assertEqual(in_a.with_env(all_cos).load_count, 2)
        # open leads per territory row: none of these went through them
        self.assertEqual(member.with_env(all_cos).open_lead_count, 0)
        # routing still counts every open lead of the salesperson
        self.assertEqual(self.env["crm.territory"]._get_open_loads(both)[both.id], 5)

    # item 14 ------------------------------------------------------------

    def test_parent_of_wrong_type_is_a_clear_error(self):
        territory = self.t_state.with_user(self.territory_manager)
        for value in ("abc", [self.t_spain.id], 1.5, {"id": 1}):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                territory.write({"parent_id": value})
        with self.assertRaises(ValidationError):
            territory.write({"parent_id": 2_000_000_000})
        Territory = self.env["crm.territory"].with_user(self.territory_manager)
        for value in ("abc", 2_000_000_000):
            with self.subTest(create=value), self.assertRaises(ValidationError):
                Territory.create({"name": "Orphan", "parent_id": value})
        self.assertEqual(self.t_state.parent_id, self.t_spain)
        # a record or an id still work
        territory.write({"parent_id": self.t_zip})
        self.assertEqual(self.t_state.parent_id, self.t_zip)
        territory.write({"parent_id": self.t_spain.id})
        self.assertEqual(self.t_state.parent_id, self.t_spain)

    # item 18 ------------------------------------------------------------

    def test_portal_user_is_not_a_salesperson(self):
        portal = self._user("portal", "Portal Customer", "base.group_portal")
        Member = self.env["crm.territory.member"].with_user(self.territory_manager)
        with self.assertRaises(ValidationError):
            Member.create({"territory_id": self.t_state.id, "user_id": portal.id})
        member = self.t_state.member_ids
        with self.assertRaises(ValidationError):
            member.with_user(self.territory_manager).write({"user_id": portal.id})
        self.assertEqual(self.t_state.member_ids.user_id, self.leader)
