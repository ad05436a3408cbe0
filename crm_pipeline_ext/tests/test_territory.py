# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import Counter

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestTerritory(TerritoryCommon):
    def test_most_specific_territory(self):
        lead_es = self._new()
        lead_state = self._new(state_id=self.madrid.id)
        lead_zip = self._new(zip="08001")
        vip = self.env["res.partner"].create(
            {
                "name": "VIP",
                "industry_id": self.industry.id,
                "category_id": [(6, 0, self.tag_vip.ids)],
                "country_id": self.spain.id,
                "zip": "08002",
            }
        )
        lead_vip = self._new(partner_id=vip.id, zip="08002")
        lead_fr = self._new(country_id=self.env.ref("base.fr").id)
        self.assertEqual(lead_es.territory_id, self.t_spain)
        self.assertEqual(lead_es.team_id, self.team_es)
        self.assertEqual(lead_state.territory_id, self.t_state)
        self.assertEqual(lead_state.user_id, self.leader)
        self.assertEqual(lead_zip.territory_id, self.t_zip)
        self.assertEqual(lead_zip.user_id, self.manager)
        self.assertEqual(lead_vip.territory_id, self.t_vip)
        self.assertEqual(lead_vip.user_id, self.bypasser)
        self.assertFalse(lead_fr.territory_id)
        # an explicit salesperson is kept
        own = self._new(user_id=self.leader.id)
        self.assertFalse(own.territory_id)
        self.assertEqual(own.user_id, self.leader)

    def test_weighted_rotation_and_capacity(self):
        leads = self._new(6)
        counts = Counter(lead.user_id.login for lead in leads)
        self.assertEqual(counts, {"pe_salesman": 4, "pe_salesman2": 2})
        self.t_spain.member_ids.filtered(
            lambda m: m.user_id == self.salesman
        ).capacity = 4
        more = self._new(3)
        self.assertEqual(set(more.mapped("user_id.login")), {"pe_salesman2"})
        # the loads shown on the members and the territory are the ones routed on
        members = self.t_spain.member_ids.sorted(lambda m: m.user_id.login)
        self.assertEqual(members.mapped("open_lead_count"), [4, 5])
        self.assertEqual(self.t_spain.lead_count, 9)
        users = self.salesman | self.salesman2
        Territory = self.env["crm.territory"]
        self.assertEqual(
            Territory._get_open_loads(users, lock=True),
            {self.salesman.id: 4, self.salesman2.id: 5},
        )
        self.assertEqual(
            Territory._get_open_loads(users),
            Territory._get_open_loads(users, lock=True),
        )

    def test_skips_archived_and_on_leave(self):
        self.salesman2.active = False
        leads = self._new(3)
        self.assertEqual(set(leads.mapped("user_id.login")), {"pe_salesman"})
        self.salesman2.active = True
        resource = self.env["resource.resource"].create(
            {"name": "Salesman", "user_id": self.salesman.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "resource_id": resource.id,
                "date_from": "2000-01-01 00:00:00",
                "date_to": "2100-01-01 00:00:00",
            }
        )
        leads = self._new(3)
        self.assertEqual(set(leads.mapped("user_id.login")), {"pe_salesman2"})
        # a public holiday of the calendar salesman2 works on
        calendar = self.env["resource.calendar"].create({"name": "Holiday calendar"})
        self.env["resource.resource"].create(
            {
                "name": "Salesman Two",
                "user_id": self.salesman2.id,
                "calendar_id": calendar.id,
            }
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "date_from": "2000-01-01 00:00:00",
                "date_to": "2100-01-01 00:00:00",
            }
        )
        lead = self._new()
        self.assertEqual(lead.territory_id, self.t_spain)
        self.assertFalse(lead.user_id)
        # nobody available: the lead keeps its territory and waits
        self.t_spain.member_ids.active = False
        lead = self._new()
        self.assertEqual(lead.territory_id, self.t_spain)
        self.assertFalse(lead.user_id)

    def _backlog(self, n):
        zips = ["08001", "28001", "41001", "08500"]
        Lead = self.env["crm.lead"].with_context(crm_pipeline_ext_no_routing=True)
        return Lead.create(
            [
                {
                    "name": f"Backlog {i}",
                    "type": "lead",
                    "country_id": self.spain.id,
                    "zip": zips[i % 4],
                    "user_id": False,
                }
                for i in range(n)
            ]
        )

    def test_routing_query_count_is_flat(self):
        for member in self.env["crm.territory.member"].search([]):
            member.capacity = 5000
        counts = []
        for size in (10, 1000):
            leads = self._backlog(size)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(22):
                self.env["crm.territory"]._route_leads(leads)
            counts.append(self.env.cr.sql_log_count - before)
            self.assertFalse(leads.filtered(lambda lead: not lead.user_id))
        self.assertLessEqual(counts[1], counts[0], counts)

    def test_sql_routing_refreshes_cache(self):
        """The set-based UPDATE bypasses the ORM: whatever was cached before
        must not be served afterwards."""
        leads = self._backlog(4)
        leads.fetch(["territory_id", "user_id", "team_id", "date_open", "write_uid"])
        self.assertFalse(leads.territory_id)
        self.env["crm.territory"].with_user(self.manager)._route_leads(leads)
        for lead in leads:
            self.assertTrue(lead.territory_id)
            self.assertTrue(lead.user_id)
            self.assertEqual(lead.team_id, self.team_es)
            self.assertTrue(lead.date_open)
            self.assertEqual(lead.write_uid, self.manager)

    def test_backlog_cron(self):
        leads = self._backlog(5)
        self.assertFalse(leads.user_id)
        routed = self.env["crm.territory"]._cron_route_backlog(batch_size=2)
        self.assertGreaterEqual(routed, 5)
        self.assertFalse(leads.filtered(lambda lead: not lead.user_id))

    def test_realign_wizard(self):
        leads = self._new(2, zip="28001")
        self.assertEqual(leads.territory_id, self.t_spain)
        self.t_zip.zip_range_ids.write({"zip_from": "28"})
        wizard = self.env["crm.territory.realign"].create({"keep_salesperson": False})
        wizard.action_preview()
        self.assertEqual(wizard.line_ids.lead_id, leads)
        self.assertEqual(wizard.line_ids.new_territory_id, self.t_zip)
        # dry run: nothing moved
        self.assertEqual(leads.territory_id, self.t_spain)
        wizard.action_apply()
        self.assertEqual(leads.territory_id, self.t_zip)
        self.assertEqual(leads.user_id, self.manager)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.env["crm.territory"].create(
                {
                    "name": "Overlap",
                    "parent_id": self.t_spain.id,
                    "zip_range_ids": [
                        (
                            0,
                            0,
                            {
                                "match_type": "range",
                                "zip_from": "08000",
                                "zip_to": "08999",
                            },
                        )
                    ],
                }
            )
        with self.assertRaises(ValidationError):
            self.t_zip.zip_range_ids = [
                (0, 0, {"match_type": "range", "zip_from": "09", "zip_to": "01"})
            ]
        for vals in ({"weight": 0}, {"capacity": 0}, {"weight": -1}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.t_spain.member_ids[0].write(vals)
        with self.assertRaises(ValidationError):
            self.t_spain.parent_id = self.t_vip
        with self.assertRaises(ValidationError):
            self.t_spain.parent_id = self.t_spain
        self.assertFalse(self.t_spain.parent_id)
        # same zips at different levels are fine (a child narrows its parent)
        self.t_vip.zip_range_ids = [(0, 0, {"match_type": "prefix", "zip_from": "081"})]

    def test_zip_overlap_per_company(self):
        """Companies route apart: the same zips at one level overlap only
        within a company, or with a territory of no company."""
        Territory = self.env["crm.territory"]

        def top(name, company):
            return Territory.create(
                {
                    "name": name,
                    "company_id": company.id,
                    "zip_range_ids": [
                        (0, 0, {"match_type": "prefix", "zip_from": "99877"})
                    ],
                }
            )

        ours = top("Zip 99877 here", self.company)
        theirs = top("Zip 99877 there", self.other_company)
        self.assertEqual(ours.company_id, self.company)
        self.assertEqual(theirs.company_id, self.other_company)
        with self.assertRaises(ValidationError):
            top("Zip 99877 again", self.company)
        with self.assertRaises(ValidationError):
            top("Zip 99877 everywhere", self.env["res.company"])
        # a capacity beyond a PostgreSQL integer is refused, not an SQL error
        with self.assertRaises(ValidationError):
            self.t_spain.member_ids[0].capacity = 2**31

    def test_rights(self):
        Territory = self.env["crm.territory"]
        self.assertTrue(Territory.with_user(self.salesman).search([]))
        with self.assertRaises(AccessError):
            self.t_spain.with_user(self.salesman).name = "Mine"
        self.assertFalse(
            Territory.with_user(self.other_user).search(
                [("id", "in", self.t_spain.ids)]
            )
        )
        territory_manager = self.env["res.users"].create(
            {
                "name": "TM",
                "login": "pe_tm",
                "group_ids": [
                    (
                        6,
                        0,
                        [self.env.ref("crm_pipeline_ext.group_territory_manager").id],
                    )
                ],
            }
        )
        self.t_spain.with_user(territory_manager).name = "Spain"
