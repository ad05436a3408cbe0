# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestRoles(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        cls.marketing = new_test_user(
            cls.env,
            login="seg_marketing",
            groups="crm_segmentation.group_segmentation_user,"
            "mass_mailing.group_mass_mailing_user,base.group_partner_manager",
        )
        cls.salesman = new_test_user(
            cls.env, login="seg_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.partner_a.user_id = cls.salesman
        with freeze_time("2026-06-30"):
            cls.config.action_recompute()
        ids = (cls.partner_a + cls.partner_b + cls.partner_c).ids
        cls.segment = cls.env["crm.segment"].create(
            {"name": "Role segment", "partner_domain": repr([("id", "in", ids)])}
        )
        cls.segment.action_compute()
        cls.other_company = cls.env["res.company"].create({"name": "Seg Other Co"})
        cls.other_user = new_test_user(
            cls.env,
            login="seg_other",
            groups="crm_segmentation.group_segmentation_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.mailing_group = cls.env.ref(
            "mass_mailing.group_mass_mailing_user"
        ).display_name

    def test_marketing_user(self):
        seg = self.segment.with_user(self.marketing)
        self.assertEqual(seg.member_count, 3)
        self.assertEqual(len(seg.member_ids), 3)
        seg.action_sync_mailing_list()
        self.assertEqual(self.segment.sync_state, "ok")
        self.assertEqual(len(self.segment.mailing_list_id.contact_ids), 3)
        action = seg.action_open_mailing()
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.marketing)
            .with_context(**action["context"])
            .create({"subject": "Hello"})
        )
        self.assertEqual(mailing.contact_list_ids, self.segment.mailing_list_id)
        with self.assertRaises(AccessError):
            self.env["crm.segment"].with_user(self.marketing).create({"name": "No"})
        with self.assertRaises(AccessError):
            seg.action_compute()
        with self.assertRaises(AccessError):
            self.config.with_user(self.marketing).batch_size = 10
        with self.assertRaises(AccessError):
            self.config.with_user(self.marketing).action_recompute()

    def test_sync_refused_without_mailing_rights(self):
        """A user without mailing rights is refused before anything is
        written: no error state, no chatter note written as superuser."""
        analyst = new_test_user(
            self.env,
            login="seg_analyst",
            groups="crm_segmentation.group_segmentation_user",
        )
        messages = len(self.segment.message_ids)
        with self.assertRaises(AccessError) as caught:
            self.segment.with_user(analyst).action_sync_mailing_list()
        # what failed and what to do, not the ORM's technical refusal
        self.assertEqual(
            str(caught.exception),
            f"The mailing list of segment Role segment was not synced: "
            f"{analyst.name} may not update mailing lists. Ask an administrator "
            f"to give {analyst.name} the access right {self.mailing_group}, or "
            f"sync the segment as a user who has it.",
        )
        self.segment.invalidate_recordset()
        self.assertEqual(self.segment.sync_state, "never")
        self.assertFalse(self.segment.sync_message)
        self.assertFalse(self.segment.mailing_list_id)
        self.assertEqual(len(self.segment.message_ids), messages)

    def test_scheduled_sync_failure_says_what_to_do(self):
        """The rules' owner lost the mailing rights: the nightly sync fails
        with a message that says what failed and what to do."""
        owner = new_test_user(
            self.env,
            login="seg_owner_nomail",
            groups="crm_segmentation.group_segmentation_manager",
        )
        self.segment.action_sync_mailing_list()
        seg = self.segment.with_user(owner)
        seg.write({"auto_sync_mailing_list": True, "r_min": 1})
        self.assertEqual(self.segment.rules_owner_id, owner)
        with (
            self._no_commit(),
            mute_logger("odoo.addons.crm_segmentation.models.crm_segment_campaign"),
        ):
            self.env["crm.segment"].sudo()._cron_recompute()
        self.assertEqual(self.segment.sync_state, "error")
        message = self.segment.sync_message
        self.assertIn(f"was not synced: {owner.name} may not update", message)
        self.assertIn(self.mailing_group, message)
        self.assertNotIn("mailing.list", message)
        self.assertNotIn("not allowed", message)

    def test_salesperson(self):
        Score = self.env["crm.rfm.score"].with_user(self.salesman)
        self.assertEqual(Score.search([]).partner_id, self.partner_a)
        with self.assertRaises(AccessError):
            self.env["crm.segment"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.segment.with_user(self.salesman).read(["name"])
        score_b = self.env["crm.rfm.score"].search(
            [("partner_id", "=", self.partner_b.id)]
        )
        with self.assertRaises(AccessError):
            score_b.with_user(self.salesman).read(["rfm_code"])

    def test_other_company(self):
        Segment = self.env["crm.segment"].with_user(self.other_user)
        self.assertFalse(Segment.search([("id", "=", self.segment.id)]))
        with self.assertRaises(AccessError):
            self.segment.with_user(self.other_user).read(["name"])
        self.assertFalse(
            self.env["crm.rfm.score"].with_user(self.other_user).search([])
        )
        self.assertFalse(
            self.env["crm.segment.member"].with_user(self.other_user).search([])
        )
        own = Segment.create({"name": "Other company segment"})
        self.assertEqual(own.company_id, self.other_company)
