# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Routing when a territory is full, and routing nobody can switch off."""

from odoo import Command
from odoo.tests import tagged

from .common import TerritoryCommon


@tagged("post_install", "-at_install")
class TestRoutingOverflow(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the Madrid territory's only salesperson is full
        cls.t_state.member_ids.capacity = 1
        cls._lead(name="Leader's own", user_id=cls.leader.id)

    def _madrid(self, **vals):
        return self._new(state_id=self.madrid.id, **vals)

    def test_default_goes_to_the_parent(self):
        self.assertEqual(self.t_state.overflow_policy, "parent")
        lead = self._madrid()
        self.assertEqual(lead.territory_id, self.t_spain)
        self.assertIn(lead.user_id, self.salesman | self.salesman2)
        self.assertEqual(lead.team_id, self.team_es)

    def test_parent_chain_goes_up_every_full_level(self):
        """VIP food and Zip 08 full: the lead climbs to Spain."""
        self.t_vip.member_ids.capacity = 1
        self.t_zip.member_ids.capacity = 1
        self._lead(name="Bypasser's own", user_id=self.bypasser.id)
        self._lead(name="Manager's own", user_id=self.manager.id)
        vip = self.env["res.partner"].create(
            {
                "name": "VIP overflow",
                "industry_id": self.industry.id,
                "category_id": [Command.set(self.tag_vip.ids)],
            }
        )
        lead = self._new(partner_id=vip.id, zip="08002")
        self.assertEqual(lead.territory_id, self.t_spain)
        self.assertIn(lead.user_id, self.salesman | self.salesman2)
        # a middle level that waits stops the climb there
        self.t_zip.overflow_policy = "none"
        lead = self._new(partner_id=vip.id, zip="08003")
        self.assertEqual(lead.territory_id, self.t_vip)
        self.assertFalse(lead.user_id)

    def test_none_waits_unassigned(self):
        self.t_state.overflow_policy = "none"
        lead = self._madrid()
        self.assertEqual(lead.territory_id, self.t_state)
        self.assertFalse(lead.user_id)

    def test_team_goes_to_the_least_loaded_team_member(self):
        busy = self._user("busy", "Busy Seller", "sales_team.group_sale_salesman")
        idle = self._user("idle", "Idle Seller", "sales_team.group_sale_salesman")
        self._lead(name="Busy's own", user_id=busy.id)
        team = self.env["crm.team"].create(
            {
                "name": "Madrid Team",
                "crm_team_member_ids": [
                    Command.create({"user_id": user.id})
                    for user in (busy, idle, self.leader)
                ],
            }
        )
        self.t_state.write({"overflow_policy": "team", "team_id": team.id})
        lead = self._madrid()
        # the territory's own full salesperson is not a team candidate
        self.assertEqual(lead.user_id, idle)
        self.assertEqual(lead.territory_id, self.t_state)
        self.assertEqual(lead.team_id, team)
        second = self._madrid()
        self.assertIn(second.user_id, busy | idle)
        # nobody of the team available: it waits
        idle.active = False
        busy.active = False
        lead = self._madrid()
        self.assertEqual(lead.territory_id, self.t_state)
        self.assertFalse(lead.user_id)

    def test_free_member_first(self):
        """Overflow only when the territory is full."""
        self.t_state.member_ids.capacity = 10
        lead = self._madrid()
        self.assertEqual(lead.territory_id, self.t_state)
        self.assertEqual(lead.user_id, self.leader)

    # item 8 -------------------------------------------------------------

    def test_no_routing_key_grants_nothing_over_rpc(self):
        """A creator cannot skip routing with a context key."""
        Lead = self.env["crm.lead"].with_user(self.salesman)
        lead = Lead.with_context(crm_pipeline_ext_no_routing=True).create(
            {"name": "Skip me", "type": "lead", "country_id": self.spain.id}
        )
        lead = lead.sudo()
        self.assertEqual(lead.territory_id, self.t_spain)
        self.assertIn(lead.user_id, self.salesman | self.salesman2)
        # code already running as superuser (data imports) still may
        raw = (
            self.env["crm.lead"]
            .with_context(crm_pipeline_ext_no_routing=True)
            .create({"name": "Imported", "type": "lead", "country_id": self.spain.id})
        )
        self.assertFalse(raw.territory_id)
