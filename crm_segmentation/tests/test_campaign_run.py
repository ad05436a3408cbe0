# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestCampaignRun(SegmentationCommon):
    """Measured campaigns: the holdout split and the figures of the report,
    on a hand-built example (send 2026-03-01, window 30 days: invoices dated
    2026-03-01 to 2026-03-30 count)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.p1, cls.p2, cls.p3, cls.p4, cls.p5, cls.p6 = (
            cls._partner(f"Camp {i}", email=f"camp{i}@example.com") for i in range(1, 7)
        )
        cls.people = cls.p1 + cls.p2 + cls.p3 + cls.p4 + cls.p5 + cls.p6
        cls.segment = cls.env["crm.segment"].create(
            {
                "name": "Campaign segment",
                "partner_domain": repr([("id", "in", cls.people.ids)]),
            }
        )
        cls.segment.action_compute()
        inv, ref = "out_invoice", "out_refund"
        cls._invoices(
            [
                (cls.p1, "2026-03-05", 1000, inv),  # in the window
                (cls.p1, "2026-03-10", 200, ref),  # a refund in it
                (cls.p2, "2026-03-30", 500, inv),  # its last day
                (cls.p3, "2026-03-31", 700, inv),  # the day after it
                (cls.p3, "2026-02-28", 900, inv),  # before the send
                (cls.p5, "2026-03-15", 300, inv),  # holdout, in the window
            ]
        )
        cls._invoices([(cls.p6, "2026-03-10", 800, inv)], post=False)
        # another company's invoice to p4, in the window: not this campaign's
        other = cls.setup_other_company(name="Camp Other Co")
        cls.other_company = other["company"]
        other_move = (
            cls.env["account.move"]
            .with_company(cls.other_company)
            .create(
                {
                    "move_type": inv,
                    "partner_id": cls.p4.id,
                    "invoice_date": fields.Date.to_date("2026-03-05"),
                    "journal_id": other["default_journal_sale"].id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Other",
                                "quantity": 1,
                                "price_unit": 5000,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        other_move.action_post()
        cls.marketing = new_test_user(
            cls.env,
            login="camp_marketing",
            groups="crm_segmentation.group_segmentation_user,"
            "mass_mailing.group_mass_mailing_user,base.group_partner_manager",
        )
        cls.salesman = new_test_user(
            cls.env, login="camp_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_user = new_test_user(
            cls.env,
            login="camp_other",
            groups="crm_segmentation.group_segmentation_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    def _campaign(self, **vals):
        return self.env["crm.segment.campaign.run"].create(
            {
                "name": "Spring offer",
                "segment_id": self.segment.id,
                "send_date": "2026-03-01",
                "window_days": 30,
                "holdout_percent": 30.0,
                "cost": 350.0,
                **vals,
            }
        )

    def _groups(self, campaign):
        return {m.partner_id.id: m.group for m in campaign.member_ids}

    def _force_groups(self, campaign, holdout):
        """The example's groups: p5 and p6 held out, whatever the draw."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                'UPDATE crm_segment_campaign_run_member SET "group" = CASE '
                "WHEN partner_id IN %s THEN 'holdout' ELSE 'treated' END "
                "WHERE campaign_id = %s",
                tuple(holdout.ids),
                campaign.id,
            )
        )
        self.env.invalidate_all()

    def test_split_is_stable_and_near_the_share(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Many {i}"} for i in range(400)]
        )
        segment = self.env["crm.segment"].create(
            {"name": "Many", "partner_domain": repr([("id", "in", partners.ids)])}
        )
        segment.action_compute()
        campaign = self._campaign(segment_id=segment.id, holdout_percent=25.0)
        campaign.action_split()
        first = self._groups(campaign)
        self.assertEqual(len(first), 400)
        held = sum(1 for group in first.values() if group == "holdout")
        self.assertTrue(70 <= held <= 130, held)
        campaign.action_split()
        self.assertEqual(self._groups(campaign), first)
        # a member leaving the segment does not move the others
        partners[:50].write({"active": False})
        segment.action_compute()
        campaign.action_split()
        again = self._groups(campaign)
        self.assertEqual(len(again), 350)
        self.assertEqual(again, {pid: first[pid] for pid in partners[50:].ids})
        # another campaign draws another holdout
        other = self._campaign(segment_id=segment.id, holdout_percent=25.0)
        other.action_split()
        self.assertNotEqual(self._groups(other), first)
        # no holdout asked: everybody is treated
        none = self._campaign(segment_id=segment.id, holdout_percent=0.0)
        none.action_split()
        self.assertEqual(set(self._groups(none).values()), {"treated"})

    def test_figures_on_the_example(self):
        campaign = self._campaign()
        campaign.action_split()
        self._force_groups(campaign, self.p5 + self.p6)
        campaign.action_measure()
        m = {m.partner_id: m for m in campaign.member_ids}
        self.assertEqual(
            [(m[p].converted, m[p].revenue, m[p].invoice_count) for p in self.people],
            [
                (True, 800.0, 1),
                (True, 500.0, 1),
                (False, 0.0, 0),
                (False, 0.0, 0),
                (True, 300.0, 1),
                (False, 0.0, 0),
            ],
        )
        self.assertEqual((campaign.treated_count, campaign.treated_converted), (4, 2))
        self.assertEqual((campaign.holdout_count, campaign.holdout_converted), (2, 1))
        self.assertAlmostEqual(campaign.treated_conversion, 50.0)
        self.assertAlmostEqual(campaign.holdout_conversion, 50.0)
        self.assertAlmostEqual(campaign.conversion_uplift, 0.0)
        self.assertAlmostEqual(campaign.treated_revenue, 1300.0)
        self.assertAlmostEqual(campaign.treated_revenue_per_member, 325.0)
        self.assertAlmostEqual(campaign.holdout_revenue_per_member, 150.0)
        self.assertAlmostEqual(campaign.revenue_uplift_per_member, 175.0)
        self.assertAlmostEqual(campaign.incremental_revenue, 700.0)
        self.assertAlmostEqual(campaign.roi, 100.0)
        # the report's pivot: per group, members, conversion and revenue
        Member = self.env["crm.segment.campaign.run.member"]
        rows = Member.formatted_read_group(
            [("campaign_id", "=", campaign.id)],
            ["group"],
            ["__count", "conversion:avg", "revenue_per_member:avg", "revenue:sum"],
        )
        got = {
            r["group"]: (
                r["__count"],
                r["conversion:avg"],
                r["revenue_per_member:avg"],
                r["revenue:sum"],
            )
            for r in rows
        }
        self.assertEqual(
            got,
            {"treated": (4, 50.0, 325.0, 1300.0), "holdout": (2, 50.0, 150.0, 300.0)},
        )
        # a wider window takes p3's invoice of 2026-03-31
        campaign.window_days = 31
        campaign.action_measure()
        self.assertEqual(campaign.treated_converted, 3)
        self.assertAlmostEqual(campaign.treated_revenue, 2000.0)

    def test_send_leaves_the_holdout_out(self):
        campaign = self._campaign()
        campaign.action_split()
        self._force_groups(campaign, self.p5 + self.p6)
        action = campaign.with_user(self.marketing).action_send()
        mailing = campaign.mailing_id
        self.assertEqual(action["res_id"], mailing.id)
        self.assertEqual(campaign.state, "sent")
        recipients = self.env["res.partner"].search(mailing._get_recipients_domain())
        self.assertEqual(recipients, self.p1 + self.p2 + self.p3 + self.p4)
        with self.assertRaises(UserError):
            campaign.holdout_percent = 50.0
        with self.assertRaises(UserError):
            campaign.action_split()
        # the call list: the treated group only
        self.people.user_id = self.salesman
        calls = self._campaign(channel="call")
        calls.action_split()
        self._force_groups(calls, self.p5 + self.p6)
        calls.action_send()
        planned = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("summary", "=", calls.name)]
        )
        treated = self.p1 + self.p2 + self.p3 + self.p4
        self.assertEqual(
            set(planned.mapped("res_id")),
            set(treated.ids),
        )

    def test_split_follows_what_it_was_drawn_from(self):
        """A split campaign whose segment, channel or holdout changes goes
        back to draft without groups, and the send draws them again; the
        same value written again keeps the split."""
        campaign = self._campaign()
        campaign.action_split()
        campaign.write({"holdout_percent": 30.0, "name": "Renamed"})
        self.assertEqual(campaign.state, "split")
        self.assertEqual(len(campaign.member_ids), 6)
        campaign.with_user(self.marketing).holdout_percent = 0.0
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.member_ids)
        self.assertFalse(campaign.split_date)
        campaign.with_user(self.marketing).action_send()
        self.assertEqual(campaign.treated_count, 6)
        self.assertEqual(campaign.holdout_count, 0)
        # another segment: its members, not the old ones
        other = self.env["crm.segment"].create(
            {
                "name": "Smaller segment",
                "partner_domain": repr([("id", "in", (self.p1 + self.p2).ids)]),
            }
        )
        other.action_compute()
        second = self._campaign(holdout_percent=0.0)
        second.action_split()
        second.segment_id = other
        self.assertEqual(second.state, "draft")
        second.channel = "call"
        self.people.user_id = self.salesman
        second.action_send()
        self.assertEqual(second.member_ids.partner_id, self.p1 + self.p2)

    def test_sent_campaign_keeps_its_window(self):
        campaign = self._campaign()
        campaign.action_send()
        for vals in (
            {"send_date": "2026-04-01"},
            {"window_days": 60},
            {"segment_id": self.segment.id, "holdout_percent": 10.0},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                campaign.write(vals)
        self.assertEqual(
            (str(campaign.send_date), campaign.window_days), ("2026-03-01", 30)
        )
        campaign.write({"name": "Spring offer (sent)", "cost": 400.0})

    def test_reader_cannot_measure(self):
        """Measuring rewrites the members' figures: a user who may only read
        the campaign opens its report, which measures nothing."""
        reader_group = self.env["res.groups"].create({"name": "Campaign readers"})
        self.env["ir.model.access"].create(
            [
                {
                    "name": f"{model} read",
                    "model_id": self.env["ir.model"]._get_id(model),
                    "group_id": reader_group.id,
                    "perm_read": True,
                }
                for model in (
                    "crm.segment.campaign.run",
                    "crm.segment.campaign.run.member",
                )
            ]
        )
        reader = new_test_user(self.env, login="camp_reader", groups="base.group_user")
        reader.group_ids += reader_group
        campaign = self._campaign()
        campaign.action_split()
        self._force_groups(campaign, self.p5 + self.p6)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            campaign.with_user(reader).action_measure()
        self.assertFalse(campaign.measure_date)
        action = campaign.with_user(reader).action_view_report()
        self.assertEqual(action["domain"], [("campaign_id", "=", campaign.id)])
        self.assertFalse(campaign.measure_date)
        self.assertEqual(campaign.treated_revenue, 0.0)
        campaign.with_user(self.marketing).action_measure()
        self.assertTrue(campaign.measure_date)
        self.assertAlmostEqual(campaign.treated_revenue, 1300.0)

    def test_bad_figures_refused(self):
        campaign = self._campaign()
        for vals in (
            {"holdout_percent": 100.0},
            {"holdout_percent": -1},
            {"holdout_percent": float("nan")},
            {"window_days": 0},
            {"window_days": 2**31},
            {"cost": float("inf")},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                campaign.write(vals)
        self.assertEqual(
            (campaign.holdout_percent, campaign.window_days, campaign.cost),
            (30.0, 30, 350.0),
        )

    def test_query_count_does_not_grow(self):
        campaign = self._campaign()
        small = self._count_queries(
            lambda: (campaign.action_split(), campaign.action_measure())
        )
        partners = self.env["res.partner"].create(
            [{"name": f"More {i}"} for i in range(60)]
        )
        self.segment.partner_domain = repr([("id", "in", (self.people + partners).ids)])
        self.segment.action_compute()
        big_campaign = self._campaign()
        big = self._count_queries(
            lambda: (big_campaign.action_split(), big_campaign.action_measure())
        )
        self.assertEqual(len(big_campaign.member_ids), 66)
        self.assertLessEqual(big, small)

    def test_roles(self):
        campaign = self._campaign()
        # marketing user: creates, draws, reads the report; cannot delete
        mine = (
            self.env["crm.segment.campaign.run"]
            .with_user(self.marketing)
            .create(
                {
                    "name": "Marketing's",
                    "segment_id": self.segment.id,
                    "send_date": "2026-03-01",
                }
            )
        )
        mine.action_split()
        mine.action_measure()
        self.assertEqual(mine.treated_count + mine.holdout_count, 6)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            mine.unlink()
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            mine.write({"state": "sent"})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            mine.member_ids[:1].write({"group": "holdout"})
        # manager deletes
        mine.with_user(self.env.user).unlink()
        # a salesperson without segmentation rights sees nothing of it
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            campaign.with_user(self.salesman).read(["name"])
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.env["crm.segment.campaign.run.member"].with_user(self.salesman).search(
                []
            )
        # another company: neither the campaign nor its members
        campaign.action_split()
        Run = self.env["crm.segment.campaign.run"].with_user(self.other_user)
        self.assertFalse(Run.search([("id", "=", campaign.id)]))
        self.assertFalse(
            self.env["crm.segment.campaign.run.member"]
            .with_user(self.other_user)
            .search([("campaign_id", "=", campaign.id)])
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            campaign.with_user(self.other_user).read(["name"])
        with self.assertRaises(UserError):
            Run.create({"name": "Hijack", "segment_id": self.segment.id})
