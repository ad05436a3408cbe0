# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The routing rules without a database: dataclasses in, choices out."""

from collections import Counter

from odoo.tests.case import TestCase

from ..models.routing_engine import (
    LeadFacts,
    Matcher,
    Member,
    Overflow,
    Picker,
    Request,
    TerritoryRule,
    TerritoryTree,
    ZipRange,
    assign,
    norm_zip,
)

SPAIN, FRANCE = 1, 2
MADRID = 10
FOOD = 20
VIP = 30


class TestRoutingEngine(TestCase):
    # unittest's TestCase as Odoo's runner takes it (no database, no
    # environment); the runner selects it by these two attributes
    test_tags = {"standard", "at_install"}
    test_module = "crm_pipeline_ext"

    def setUp(self):
        super().setUp()
        # Spain > Madrid, Spain > Zip 08 > VIP food
        self.tree = TerritoryTree(
            [
                TerritoryRule(1, country_ids=frozenset({SPAIN}), team_id=100),
                TerritoryRule(
                    2, parent_id=1, level=1, state_ids=frozenset({MADRID}), team_id=100
                ),
                TerritoryRule(
                    3,
                    parent_id=1,
                    level=1,
                    zip_ranges=(ZipRange("prefix", "08"),),
                    team_id=100,
                ),
                TerritoryRule(
                    4,
                    parent_id=3,
                    level=2,
                    industry_ids=frozenset({FOOD}),
                    tag_ids=frozenset({VIP}),
                    team_id=100,
                ),
            ]
        )
        self.matcher = Matcher(self.tree, [1, 2, 3, 4])

    def _match(self, **facts):
        return self.matcher.match(LeadFacts(**facts))

    # matching ----------------------------------------------------------

    def test_zip_ranges(self):
        self.assertEqual(norm_zip(" 28 001 "), "28001")
        self.assertEqual(norm_zip(False), "")
        prefix = ZipRange("prefix", "sw1")
        self.assertTrue(prefix.matches(norm_zip("SW1A 1AA")))
        self.assertFalse(prefix.matches(norm_zip("SW2")))
        closed = ZipRange("range", "08000", "08999")
        self.assertEqual(closed.bounds(), ("08000", "08999"))
        self.assertTrue(closed.matches("08000"))
        self.assertTrue(closed.matches("08999"))
        self.assertFalse(closed.matches("09000"))
        low, high = prefix.bounds()
        self.assertTrue(low < "SW1ZZZZZZ" < high)

    def test_most_specific_territory(self):
        self.assertEqual(self._match(country_id=SPAIN), 1)
        self.assertEqual(self._match(country_id=SPAIN, state_id=MADRID), 2)
        self.assertEqual(self._match(country_id=SPAIN, zip="08001"), 3)
        vip = {"country_id": SPAIN, "zip": "08002", "industry_id": FOOD}
        self.assertEqual(self._match(**vip, tag_ids=frozenset({VIP, 99})), 4)
        # one criterion of the VIP territory missing: its parent
        self.assertEqual(self._match(**vip), 3)
        self.assertIsNone(self._match(country_id=FRANCE))
        self.assertIsNone(self._match())

    def test_ancestors_must_match_too(self):
        """A VIP food lead outside Spain matches nothing, though the VIP
        territory's own criteria hold."""
        facts = LeadFacts(
            country_id=FRANCE, zip="08002", industry_id=FOOD, tag_ids=frozenset({VIP})
        )
        self.assertTrue(self.tree.rules[4].matches_own(facts))
        self.assertIsNone(self.matcher.match(facts))

    def test_a_territory_with_a_zip_needs_a_zip(self):
        self.assertEqual(self._match(country_id=SPAIN, zip="  "), 1)

    def test_deeper_then_more_criteria_then_sequence_then_id(self):
        tree = TerritoryTree(
            [
                TerritoryRule(1, sequence=5),
                TerritoryRule(2, sequence=5, country_ids=frozenset({SPAIN})),
                TerritoryRule(
                    3,
                    sequence=5,
                    country_ids=frozenset({SPAIN}),
                    state_ids=frozenset({MADRID}),
                ),
                TerritoryRule(4, sequence=1, country_ids=frozenset({SPAIN})),
                TerritoryRule(5, sequence=1, country_ids=frozenset({SPAIN})),
                TerritoryRule(6, parent_id=1, level=1),
            ]
        )
        order = [t.id for t in tree.most_specific_first([1, 2, 3, 4, 5, 6])]
        self.assertEqual(order, [6, 3, 4, 5, 2, 1])
        self.assertEqual(Matcher(tree, [1, 2, 4, 5]).match(LeadFacts(SPAIN)), 4)
        # the catch-all child of the catch-all root comes first
        self.assertEqual(Matcher(tree, [1, 2, 6]).match(LeadFacts(SPAIN)), 6)

    def test_companies_route_apart(self):
        tree = TerritoryTree(
            [
                TerritoryRule(1, company_id=7, country_ids=frozenset({SPAIN})),
                TerritoryRule(2, company_id=8, country_ids=frozenset({SPAIN})),
                TerritoryRule(3),
            ]
        )
        matcher = Matcher(tree, [1, 2, 3])
        self.assertEqual(matcher.match(LeadFacts(SPAIN, company_id=8)), 2)
        self.assertEqual(matcher.match(LeadFacts(SPAIN, company_id=7)), 1)
        # a lead without company meets every territory
        self.assertEqual(matcher.match(LeadFacts(SPAIN)), 1)
        # a territory without company meets every company
        self.assertEqual(matcher.match(LeadFacts(FRANCE, company_id=8)), 3)

    def test_only_candidates_match_but_any_ancestor_counts(self):
        """An ancestor outside the candidates (archived) still constrains its
        sub-territories, and is never chosen itself."""
        matcher = Matcher(self.tree, [2, 3])
        self.assertIsNone(matcher.match(LeadFacts(SPAIN)))
        self.assertIsNone(matcher.match(LeadFacts(FRANCE, zip="08001")))
        self.assertEqual(matcher.match(LeadFacts(SPAIN, zip="08001")), 3)

    # overflow ----------------------------------------------------------

    def test_overflow_chain(self):
        self.assertEqual(self.tree.overflow(4), Overflow((4, 3, 1), None))
        tree = TerritoryTree(
            [
                TerritoryRule(1, team_id=100, overflow_policy="team"),
                TerritoryRule(2, parent_id=1, team_id=100, overflow_policy="none"),
                TerritoryRule(3, parent_id=2, team_id=100),
                TerritoryRule(4, parent_id=1, team_id=200, overflow_policy="team"),
            ]
        )
        # a territory that waits stops the climb
        self.assertEqual(tree.overflow(3), Overflow((3, 2), None))
        # the team of the last territory tried comes last
        self.assertEqual(tree.overflow(1), Overflow((1,), 100))
        self.assertEqual(tree.overflow(4), Overflow((4,), 200))

    # picking -----------------------------------------------------------

    def test_weighted_rotation(self):
        members = [Member(1, 11, weight=2.0), Member(2, 12, weight=1.0)]
        picker = Picker({}, {11, 12})
        picked = []
        for _ in range(6):
            user_id = picker.pick_member(members)
            picker.add(user_id, 1)
            picked.append(user_id)
        self.assertEqual(Counter(picked), {11: 4, 12: 2})
        # equal load per weight: the heavier first
        self.assertEqual(picked[0], 11)

    def test_no_weight_no_share(self):
        """A weight of 0 (what a weight stored NaN is served as) gets no lead
        and divides nothing."""
        members = [Member(1, 11, weight=0.0), Member(2, 12, weight=1.0)]
        self.assertEqual(Picker({}, {11, 12}).pick_member(members), 12)
        self.assertIsNone(Picker({}, {11}).pick_member(members[:1]))

    def test_capacity_and_availability(self):
        members = [Member(1, 11, capacity=2), Member(2, 12, capacity=5)]
        picker = Picker({11: 2, 12: 5}, {11, 12})
        self.assertIsNone(picker.pick_member(members))
        picker.add(11, -1)
        self.assertEqual(picker.pick_member(members), 11)
        # not available (archived, portal, on leave): skipped whatever its load
        self.assertIsNone(Picker({}, {12}).pick_member(members[:1]))
        self.assertIsNone(Picker({}, ()).pick_member(members))

    def test_ties_by_sequence_then_id(self):
        members = [Member(3, 13, sequence=5), Member(2, 12, sequence=5)]
        self.assertEqual(Picker({}, {12, 13}).pick_member(members), 12)
        members.append(Member(9, 19, sequence=1))
        self.assertEqual(Picker({}, {12, 13, 19}).pick_member(members), 19)

    def test_team_user_is_the_least_loaded_not_tried(self):
        picker = Picker({21: 3, 22: 1, 23: 1}, {21, 22, 23, 24})
        self.assertEqual(picker.pick_team_user([21, 22, 23], tried=()), 22)
        self.assertEqual(picker.pick_team_user([21, 22, 23], tried=[22]), 23)
        self.assertEqual(picker.pick_team_user([21, 24], tried=()), 24)
        self.assertIsNone(picker.pick_team_user([21, 22], tried=[21, 22]))

    def test_pick_climbs_the_chain_then_the_team(self):
        members = {
            4: [Member(1, 11, capacity=1)],
            3: [Member(2, 12, capacity=1)],
            1: [Member(3, 13, capacity=1)],
        }
        team_users = {100: [11, 12, 13, 14]}
        picker = Picker({11: 1}, {11, 12, 13, 14})
        chain = Overflow((4, 3, 1), None)
        self.assertEqual(picker.pick(chain, members, team_users), (3, 12))
        picker.add(12, 1)
        self.assertEqual(picker.pick(chain, members, team_users), (1, 13))
        picker.add(13, 1)
        self.assertEqual(picker.pick(chain, members, team_users), (None, None))
        # to the team, but never to a member of the territories tried
        with_team = Overflow((4, 3, 1), 100)
        self.assertEqual(picker.pick(with_team, members, team_users), (1, 14))
        self.assertEqual(picker.pick(with_team, members, {100: [11, 12]}), (None, None))

    # a batch -----------------------------------------------------------

    def _assign(self, requests, loads=None, keep_members=False):
        members = {2: [Member(1, 11, capacity=2), Member(2, 12, capacity=2)]}
        overflows = {2: Overflow((2,), None)}
        picker = Picker(loads or {}, {11, 12})
        plan = assign(requests, overflows, members, {}, picker, keep_members)
        return plan, picker

    def test_batch_in_lead_order_until_full(self):
        requests = [Request(lead_id, 2) for lead_id in (9, 5, 7, 6, 8)]
        plan, picker = self._assign(requests)
        self.assertEqual(list(plan), [5, 6, 7, 8, 9])
        self.assertEqual(
            [plan[lead_id][1] for lead_id in (5, 6, 7, 8)], [11, 12, 11, 12]
        )
        # nobody left: the lead stays in its territory, without salesperson
        self.assertEqual(plan[9], (2, None))
        self.assertEqual(picker.loads, {11: 2, 12: 2})

    def test_moving_a_lead_frees_its_salesperson(self):
        plan, picker = self._assign([Request(1, 2, user_id=11)], loads={11: 2, 12: 2})
        self.assertEqual(plan, {1: (2, 11)})
        self.assertEqual(picker.loads, {11: 2, 12: 2})

    def test_keep_members(self):
        requests = [Request(1, 2, user_id=12), Request(2, 2, user_id=99)]
        plan, picker = self._assign(requests, loads={12: 2, 99: 4}, keep_members=True)
        # a member keeps the lead, even when full; a stranger's lead moves
        self.assertEqual(plan, {1: (2, 12), 2: (2, 11)})
        self.assertEqual(picker.loads, {11: 1, 12: 2, 99: 3})
