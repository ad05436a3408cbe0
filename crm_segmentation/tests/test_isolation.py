# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Company isolation and rights behind the scheduler and the elevated paths
of the segments, tried as a hostile user of another company would."""

from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SegmentationCommon

# where the scheduler reports a segment it could not recompute or sync
SEGMENT_LOGGERS = (
    "odoo.addons.crm_segmentation.models.crm_segment_membership",
    "odoo.addons.crm_segmentation.models.crm_segment_campaign",
)


@tagged("post_install", "-at_install")
class TestIsolation(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        with freeze_time("2026-06-30"):
            cls.config.action_recompute()
        cls.company_b = cls.env["res.company"].create({"name": "Seg Company B"})
        cls.b_customer = (
            cls.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "B Secret Customer",
                    "email": "buyer@b-secret.example",
                    "company_id": cls.company_b.id,
                }
            )
        )
        cls.b_score = (
            cls.env["crm.rfm.score"]
            .sudo()
            .create(
                {
                    "partner_id": cls.b_customer.id,
                    "company_id": cls.company_b.id,
                    "monetary": 987654.0,
                    "r_score": 5,
                }
            )
        )
        company_a = [Command.set(cls.company.ids)]
        # the demo's marketing role: segmentation manager, mailing, own leads
        cls.marketing = new_test_user(
            cls.env,
            login="iso_marketing",
            groups="crm_segmentation.group_segmentation_manager,"
            "mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=company_a,
        )
        cls.user_b = new_test_user(
            cls.env,
            login="iso_user_b",
            groups="crm_segmentation.group_segmentation_manager,"
            "mass_mailing.group_mass_mailing_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.rep = new_test_user(
            cls.env,
            login="iso_rep",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=company_a,
        )
        cls.partner_a.user_id = cls.rep
        cls.members = cls.partner_a | cls.partner_b | cls.partner_c | cls.partner_d
        cls.base_domain = repr([("id", "in", cls.members.ids)])

    @contextmanager
    def _refused(self, exception, text):
        """assertRaises with its savepoint (unittest's assertRaisesRegex has
        none: what the refused call wrote would stay), and the message."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _cron(self):
        with self._no_commit():
            self.env["crm.segment"].sudo()._cron_recompute()

    def _segment(self, user=None, **vals):
        Segment = self.env["crm.segment"]
        if user:
            Segment = Segment.with_user(user)
        return Segment.create(
            {"name": "Iso segment", "partner_domain": self.base_domain, **vals}
        )

    def _set_domain_in_sql(self, segment, domain):
        """A segment saved before its domain was validated on save."""
        self.env.cr.execute(
            SQL(
                "UPDATE crm_segment SET partner_domain = %s WHERE id = %s",
                domain,
                segment.id,
            )
        )
        segment.invalidate_recordset()

    # ------------------------------------------------------------------
    # item 3: the scheduler evaluates the rules as their owner
    # ------------------------------------------------------------------
    def test_scheduler_finds_what_the_owner_finds(self):
        """A domain matching company B's customers: 0 members by hand, and
        0 after the nightly job too (it ran as superuser and found them)."""
        seg = self._segment(
            self.marketing,
            partner_domain=repr([("email", "=ilike", "%@b-secret.example")]),
        )
        seg.with_user(self.marketing).action_compute()
        self.assertEqual(seg.member_count, 0)
        self._cron()
        self.assertEqual(seg.member_count, 0)
        self.assertNotIn(self.b_customer, seg.sudo().member_ids.partner_id)
        self.assertFalse(seg.compute_error)
        self.assertEqual(seg.rules_owner_id, self.marketing)

    def test_unreadable_field_refused_on_save(self):
        """credit_limit is an accounting field: a rule on it is refused on
        save to a user who cannot read it."""
        seg = self._segment(self.marketing)
        oracle = repr([("credit_limit", ">", 1000)])
        with self._refused(ValidationError, "cannot be evaluated"):
            seg.with_user(self.marketing).partner_domain = oracle
        with self._refused(ValidationError, "credit_limit"):
            self._segment(self.marketing, partner_domain=oracle)
        seg.invalidate_recordset()
        self.assertEqual(seg.partner_domain, self.base_domain)

    def test_scheduler_is_no_oracle_on_unreadable_fields(self):
        """A rule on credit_limit saved before it was checked finds nothing
        in the job, by hand or not, whoever runs them."""
        self.partner_a.credit_limit = 5000.0
        seg = self._segment(self.marketing)
        self._set_domain_in_sql(seg, repr([("credit_limit", ">", 1000)]))
        with mute_logger(*SEGMENT_LOGGERS):
            self._cron()
        self.assertFalse(seg.sudo().member_ids)
        self.assertEqual(seg.member_count, 0)
        self.assertIn("credit_limit", seg.compute_error)
        # the manual compute, by a user who can read credit_limit, evaluates
        # the rules as their owner as well: same refusal, same members
        with self.assertRaises(AccessError):
            seg.action_compute()
        self.assertFalse(seg.sudo().member_ids)

    def test_rules_owner_is_the_last_author(self):
        seg = self._segment()
        self.assertEqual(seg.rules_owner_id, self.env.user)
        seg.with_user(self.marketing).name = "Renamed"
        self.assertEqual(seg.rules_owner_id, self.env.user, "cosmetic change")
        seg.with_user(self.marketing).r_min = 2
        self.assertEqual(seg.rules_owner_id, self.marketing)
        with self.assertRaises(AccessError):
            seg.with_user(self.marketing).rules_owner_id = self.env.user
        with self.assertRaises(AccessError):
            seg.with_user(self.marketing).write({"rules_owner_id": self.env.uid})
        copied = seg.with_user(self.marketing).copy()
        self.assertEqual(copied.rules_owner_id, self.marketing)
        self.assertEqual(copied.member_count, 0)

    def test_other_company_cannot_hijack_a_mailing_list(self):
        """A company-B user links company A's list with auto-sync: refused;
        linked behind the ORM's back, the job leaves A's subscribers alone."""
        seg_a = self._segment()
        seg_a.action_compute()
        seg_a.action_sync_mailing_list()
        list_a = seg_a.mailing_list_id
        subscribers = list_a.contact_ids
        self.assertEqual(len(subscribers), 3)
        seg_b = self._segment(self.user_b, partner_domain="[]")
        self.assertEqual(seg_b.company_id, self.company_b)
        with self._refused(ValidationError, "another company"):
            seg_b.with_user(self.user_b).write(
                {"mailing_list_id": list_a.id, "auto_sync_mailing_list": True}
            )
        self.env.cr.execute(
            SQL(
                "UPDATE crm_segment SET mailing_list_id = %s, "
                "auto_sync_mailing_list = TRUE WHERE id = %s",
                list_a.id,
                seg_b.id,
            )
        )
        seg_b.invalidate_recordset()
        with mute_logger(*SEGMENT_LOGGERS):
            self._cron()
        list_a.invalidate_recordset()
        self.assertEqual(list_a.contact_ids, subscribers)
        self.assertEqual(seg_b.sync_state, "error")
        self.assertIn("another company", seg_b.sync_message)

    # ------------------------------------------------------------------
    # item 4: members are bookkeeping of the compute
    # ------------------------------------------------------------------
    def test_members_are_not_client_writable(self):
        seg = self._segment(self.marketing)
        seg.with_user(self.marketing).action_compute()
        member = seg.member_ids[:1]
        Member = self.env["crm.segment.member"].with_user(self.marketing)
        with self.assertRaises(AccessError):
            Member.create(
                {
                    "segment_id": seg.id,
                    "partner_id": self.b_customer.id,
                    "score_id": self.b_score.id,
                }
            )
        with self.assertRaises(AccessError):
            Member.create({"segment_id": seg.id, "partner_id": self.partner_e.id})
        with self.assertRaises(AccessError):
            member.with_user(self.marketing).score_id = self.b_score
        member.invalidate_recordset()
        self.assertNotEqual(member.score_id, self.b_score)
        self.assertNotIn(
            "buyer@b-secret.example",
            seg.with_user(self.marketing).member_ids.mapped("email"),
        )
        # superuser code is held to consistent members too
        SuMember = self.env["crm.segment.member"].sudo()
        with self.assertRaises(UserError):
            SuMember.create({"segment_id": seg.id, "partner_id": self.b_customer.id})
        score_c = self.env["crm.rfm.score"].search(
            [("partner_id", "=", self.partner_c.id)]
        )
        with self._refused(ValidationError, "its own RFM score"):
            SuMember.create(
                {
                    "segment_id": seg.id,
                    "partner_id": self.partner_e.id,
                    "score_id": score_c.id,
                }
            )
        # managers may still drop a member from a frozen list
        member.with_user(self.marketing).unlink()
        self.assertEqual(seg.member_count, 3)

    # ------------------------------------------------------------------
    # item 5: sync checks rights first
    # ------------------------------------------------------------------
    def test_sync_checks_rights_before_writing(self):
        seg = self._segment()
        seg.action_compute()
        portal = new_test_user(self.env, login="iso_portal", groups="base.group_portal")
        employee = new_test_user(
            self.env, login="iso_employee", groups="base.group_user"
        )
        messages = len(seg.message_ids)
        for user in (portal, employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                seg.with_user(user).action_sync_mailing_list()
        seg.invalidate_recordset()
        self.assertEqual(seg.sync_state, "never")
        self.assertFalse(seg.sync_message)
        self.assertFalse(seg.mailing_list_id)
        self.assertEqual(len(seg.message_ids), messages)

    # ------------------------------------------------------------------
    # item 6: links refuse another company's records
    # ------------------------------------------------------------------
    def test_links_refuse_other_company_records(self):
        seg = self._segment(self.marketing)
        team_b = (
            self.env["crm.team"]
            .sudo()
            .create({"name": "B team", "company_id": self.company_b.id})
        )
        class_b = (
            self.env["crm.rfm.class"]
            .sudo()
            .create({"name": "B class", "company_id": self.company_b.id})
        )
        attempts = {
            "call_team_id": team_b.id,
            "class_ids": [Command.set(class_b.ids)],
            "salesperson_ids": [Command.set(self.user_b.ids)],
        }
        for fname, value in attempts.items():
            with self.subTest(field=fname), self.assertRaises(UserError):
                seg.with_user(self.marketing).write({fname: value})
        seg.invalidate_recordset()
        self.assertFalse(seg.call_team_id)
        self.assertFalse(seg.class_ids)
        self.assertFalse(seg.salesperson_ids)

    def test_company_bound_links_are_checked(self):
        """Every many2one/many2many the addon defines towards a model with a
        company is company-checked, unless the record's company is taken
        from that very link."""
        exempt = {
            # allowed in the segment's company: checked where the rules run
            ("crm.segment", "rules_owner_id"),
        }
        problems = []
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if "company_id" not in Model._fields:
                continue
            company = Model._fields["company_id"]
            for fname, field in Model._fields.items():
                if field._modules[:1] != ("crm_segmentation",):
                    continue
                if field.type not in ("many2one", "many2many") or field.related:
                    continue
                if fname in models.MAGIC_COLUMNS:  # create_uid, write_uid
                    continue
                if "company_id" not in self.env[field.comodel_name]._fields:
                    continue
                if company.related == f"{fname}.company_id":
                    continue
                if (model_name, fname) in exempt:
                    continue
                if not field.check_company or not Model._check_company_auto:
                    problems.append(f"{model_name}.{fname}")
        self.assertFalse(problems, "links without a company check")

    # ------------------------------------------------------------------
    # item 19: Create Leads
    # ------------------------------------------------------------------
    def _open_leads(self, seg):
        return (
            self.env["crm.lead"]
            .sudo()
            .search([("segment_id", "=", seg.id), ("won_status", "!=", "won")])
        )

    def test_marketing_creates_leads_once_per_member(self):
        seg = self._segment()
        seg.action_compute()
        as_marketing = seg.with_user(self.marketing)
        as_marketing.action_create_leads()
        leads = self._open_leads(seg)
        self.assertEqual(leads.partner_id, self.members)
        self.assertEqual(len(leads), 4)
        lead_a = leads.filtered(lambda lead: lead.partner_id == self.partner_a)
        self.assertEqual(lead_a.user_id, self.rep)
        others = leads - lead_a
        # no salesperson: left to the routing installed, never the caller
        self.assertNotIn(self.marketing, others.user_id)
        if "crm.territory" not in self.env:
            self.assertFalse(others.user_id)
        self.assertEqual(leads.company_id, seg.company_id)
        # again, by marketing and by the administrator: nothing doubles
        as_marketing.action_create_leads()
        seg.action_create_leads()
        self.assertEqual(self._open_leads(seg), leads)
        # a lost lead is closed: its member gets a new one
        lead_c = leads.filtered(lambda lead: lead.partner_id == self.partner_c)
        lead_c.sudo().action_set_lost()
        as_marketing.action_create_leads()
        now_open = self._open_leads(seg)
        self.assertEqual(len(now_open), 4)
        self.assertNotIn(lead_c, now_open)
        self.assertIn(self.partner_c, now_open.partner_id)
        # the link to the segment is bookkeeping
        with self.assertRaises(AccessError):
            lead_a.with_user(self.rep).segment_id = False

    def test_create_leads_needs_segment_and_lead_rights(self):
        seg = self._segment()
        seg.action_compute()
        no_leads = new_test_user(
            self.env,
            login="iso_no_leads",
            groups="crm_segmentation.group_segmentation_user,"
            "mass_mailing.group_mass_mailing_user",
        )
        for user in (self.rep, no_leads):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                seg.with_user(user).action_create_leads()
        self.assertFalse(self._open_leads(seg))
