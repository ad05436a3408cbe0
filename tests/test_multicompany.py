# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two companies: a user of company A sees nothing of company B.

For every company-bound model of the suite (rules, territories, plans,
segments, snapshots, scores, histories, KPI views), one record is made in
each company. A user of company A who holds every manager role of the suite
must see its own company's record and none of company B's, through the five
ways a client reads data: search (list views), read (forms), search_count,
_read_group (pivot, graph, grouped lists) and export_data (export).
"""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .company_world import CompanyWorldMixin

# host models the world holds only as link targets for the sweeps: sale adds
# a company to UTM campaigns but no record rule, so every company sees them
HOST_SHARED = {"utm.campaign"}


@tagged("post_install", "-at_install", "crm_suite")
class TestMultiCompany(CompanyWorldMixin, TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_company_world()

    def _channels(self, model, mine, theirs):
        """The ways a client reads ``model``; each returns a list of problems."""
        Model = self.env[model].with_user(self.user_a)
        problems = []
        found = Model.search([])
        if theirs in found:
            problems.append("search lists it")
        if mine not in found:
            problems.append("search misses the user's own company record")
        if Model.search_count([("id", "=", theirs.id)]):
            problems.append("search_count counts it")
        if not Model.search_count([("id", "=", mine.id)]):
            problems.append("search_count misses the own record")
        try:
            theirs.with_user(self.user_a).read(["display_name"])
            problems.append("read returns it")
        except AccessError:
            pass
        if not mine.with_user(self.user_a).read(["display_name"]):
            problems.append("read misses the own record")
        groups = Model._read_group([], ["company_id"], ["__count"])
        companies = {company for company, _count in groups}
        if self.company_b in companies:
            problems.append("_read_group groups it")
        if self.company_a not in companies:
            problems.append("_read_group misses the own company")
        exported = found.export_data([".id", "company_id/.id"])["datas"]
        if any(str(row[0]) == str(theirs.id) for row in exported):
            problems.append("export_data exports it")
        if any(str(row[1]) == str(self.company_b.id) for row in exported):
            problems.append("export_data exports company B's data")
        if not any(str(row[0]) == str(mine.id) for row in exported):
            problems.append("export_data misses the own record")
        try:
            theirs.with_user(self.user_a).export_data(["display_name"])
            problems.append("export_data of its id returns it")
        except AccessError:
            pass
        return problems

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_company_a_sees_nothing_of_company_b(self):
        mine_all = self.records[self.company_a]
        theirs_all = self.records[self.company_b]
        report, checked = [], 0
        for model, theirs in theirs_all.items():
            if "company_id" not in self.env[model]._fields:
                continue  # survey answers: the link sweep's records, no company
            if model in HOST_SHARED:
                continue
            mine = mine_all[model]
            self.assertTrue(mine and theirs, f"{model}: no record to test with")
            self.assertEqual(len(theirs), 1, model)
            self.assertEqual(theirs.sudo().company_id, self.company_b, model)
            self.assertEqual(mine.sudo().company_id, self.company_a, model)
            # company B's own user does see it: the checks are not vacuous
            self.assertTrue(
                self.env[model]
                .with_user(self.user_b)
                .search_count([("id", "=", theirs.id)]),
                f"{model}: company B's user cannot see its own record",
            )
            report += [f"{model}: {p}" for p in self._channels(model, mine, theirs)]
            checked += 1
        self.assertGreaterEqual(checked, 19)
        self.assertFalse(report, "\n".join(report))

    def test_company_b_records_cannot_be_linked_from_company_a(self):
        """Creating in company A with company B's records is refused."""
        theirs = self.records[self.company_b]
        env_a = self.env(user=self.user_a)
        self.env.invalidate_all()  # as in a new request: nothing of B in cache
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            env_a["crm.quote.price.rule.tier"].create(
                {"rule_id": theirs["crm.quote.price.rule"].id, "min_qty": 5.0}
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            env_a["crm.segment.member"].create(
                {
                    "segment_id": theirs["crm.segment"].id,
                    "partner_id": self.env["res.partner"].create({"name": "New"}).id,
                }
            )
