# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestContactChannel(SegmentationCommon):
    """Preferred contact channel from what the database records: A reads
    and answers e-mails, B takes calls, C uses the portal, D never answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.a, cls.b, cls.c, cls.d = (
            cls._partner(f"Channel {x}", email=f"ch{x}@example.com", is_company=True)
            for x in "ABCD"
        )
        cls.b_contact = Partner.create({"name": "B's buyer", "parent_id": cls.b.id})
        cls.salesman = new_test_user(
            cls.env, login="ch_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.marketing = new_test_user(
            cls.env,
            login="ch_marketing",
            groups="crm_segmentation.group_segmentation_user,"
            "mass_mailing.group_mass_mailing_user,base.group_partner_manager",
        )

    def _build_contacts(self):
        a, b, c = self.a, self.b, self.c
        # A: two mailing traces opened / replied, one e-mail received
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            }
        )
        lead_a = self.env["crm.lead"].create({"name": "A lead", "partner_id": a.id})
        self.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": a.id,
                    "trace_status": "open",
                    "email": a.email,
                },
                {
                    "mass_mailing_id": mailing.id,
                    "model": "crm.lead",
                    "res_id": lead_a.id,
                    "trace_status": "reply",
                    "email": a.email,
                },
                {  # sent, never opened: no contact
                    "mass_mailing_id": mailing.id,
                    "model": "res.partner",
                    "res_id": b.id,
                    "trace_status": "sent",
                    "email": b.email,
                },
            ]
        )
        a.message_post(
            body="Question",
            author_id=a.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        # B: two calls done (one on its contact's lead), one meeting; an
        # e-mail of B's buyer counts for B
        call = self.env.ref("mail.mail_activity_data_call")
        meeting = self.env.ref("mail.mail_activity_data_meeting")
        lead_b = self.env["crm.lead"].create(
            {"name": "B lead", "partner_id": self.b_contact.id}
        )
        activities = self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id(model),
                    "res_id": rec.id,
                    "activity_type_id": kind.id,
                    "user_id": self.env.uid,
                }
                for model, rec, kind in (
                    ("res.partner", b, call),
                    ("crm.lead", lead_b, call),
                    ("res.partner", b, meeting),
                    ("res.partner", a, call),  # planned, not done: no contact
                )
            ]
        )
        activities[:3].action_feedback(feedback="Done")
        self.b_contact.message_post(
            body="Hi",
            author_id=self.b_contact.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        # C: a portal user who logged in twice and posted once
        portal = new_test_user(
            self.env,
            login="ch_portal",
            groups="base.group_portal",
            partner_id=c.id,
        )
        for _i in range(2):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO res_users_log (create_uid, create_date, "
                    "write_uid, write_date) VALUES (%s, NOW(), %s, NOW())",
                    portal.id,
                    portal.id,
                )
            )
        c.message_post(
            body="From the portal",
            author_id=c.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _figures(self, partner):
        return (
            partner.contact_email_count,
            partner.contact_phone_count,
            partner.contact_meeting_count,
            partner.contact_portal_count,
            partner.preferred_contact_channel,
        )

    def test_counts_and_preferred_channel(self):
        self._build_contacts()
        self.env["res.partner"]._recompute_contact_channels()
        self.assertEqual(self._figures(self.a), (2 + 1, 0, 0, 0, "email"))
        self.assertEqual(self._figures(self.b), (1, 2, 1, 0, "phone"))
        self.assertEqual(self._figures(self.c), (0, 0, 0, 3, "portal"))
        self.assertEqual(self._figures(self.d), (0, 0, 0, 0, False))
        self.assertTrue(self.a.contact_channel_date)
        # usable in a segment's rules
        segment = self.env["crm.segment"].create(
            {
                "name": "Phone people",
                "partner_domain": repr(
                    [
                        ("preferred_contact_channel", "=", "phone"),
                        ("id", "in", (self.a + self.b + self.c + self.d).ids),
                    ]
                ),
            }
        )
        segment.action_compute()
        self.assertEqual(segment.member_ids.partner_id, self.b)
        # what is gone from the data is gone from the figures
        self.env.cr.execute(
            SQL(
                "DELETE FROM res_users_log WHERE create_uid IN (SELECT id FROM "
                "res_users WHERE partner_id = %s)",
                self.c.id,
            )
        )
        self.env["res.partner"]._recompute_contact_channels()
        self.assertEqual(self._figures(self.c), (0, 0, 0, 1, "portal"))

    def test_lead_without_partner_credits_nobody(self):
        """A trace or a done call on a lead without customer is nobody's
        contact, not that of the partner whose id the lead's happens to be."""
        # the next lead takes the id of a new partner: the lead sequence is
        # moved forward to it (never back: a sequence is not rolled back)
        self.env.cr.execute(SQL("SELECT last_value FROM crm_lead_id_seq"))
        last_lead = self.env.cr.fetchone()[0]
        partner = self._partner("Same Id", email="sameid@example.com")
        if partner.id <= last_lead:
            partner = self.env["res.partner"].create(
                [{"name": f"Filler {i}"} for i in range(last_lead - partner.id + 1)]
            )[-1]
            partner.email = "sameid@example.com"
        self.env.cr.execute(SQL("SELECT setval('crm_lead_id_seq', %s)", partner.id - 1))
        lead = self.env["crm.lead"].create({"name": "Anonymous lead"})
        self.assertEqual(lead.id, partner.id)
        self.assertFalse(lead.partner_id)
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Leads",
                "mailing_model_id": self.env["ir.model"]._get_id("crm.lead"),
            }
        )
        self.env["mailing.trace"].create(
            {
                "mass_mailing_id": mailing.id,
                "model": "crm.lead",
                "res_id": lead.id,
                "trace_status": "reply",
                "email": "anonymous@example.com",
            }
        )
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "user_id": self.env.uid,
            }
        ).action_feedback(feedback="Called")
        self.env["res.partner"]._recompute_contact_channels()
        self.assertEqual(self._figures(partner), (0, 0, 0, 0, False))

    def test_ticket_source_without_channel_mapping(self):
        """The ticket source runs whether the helpdesk channels it maps are
        found or not (crm_segmentation installs without helpdesk_mgmt: a
        temporary table stands for its tickets)."""
        partner = self._partner("Ticket raiser")
        self.env.cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE helpdesk_ticket "
                "(partner_id int, channel_id int, create_date timestamp)"
            )
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO helpdesk_ticket VALUES "
                "(%(p)s, 1, NOW()), (%(p)s, 2, NOW()), (%(p)s, NULL, NOW())",
                p=partner.id,
            )
        )
        since = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        Partner = self.env["res.partner"]
        for channel_of, expected in (
            ({}, [("ticket", 3)]),
            ({1: "phone"}, [("phone", 1), ("ticket", 3)]),
        ):
            with self.subTest(channel_of=channel_of):
                self.env.cr.execute(
                    SQL(
                        "SELECT ch, SUM(n)::int FROM (%s) src "
                        "WHERE ch IS NOT NULL GROUP BY ch ORDER BY ch",
                        Partner._contact_ticket_sql(since, channel_of),
                    )
                )
                self.assertEqual(self.env.cr.fetchall(), expected)
        self.env.cr.execute(SQL("DROP TABLE pg_temp.helpdesk_ticket"))

    def test_manager_recomputes_its_companies_only(self):
        """From the contacts, a manager rewrites the partners of its
        companies and the shared ones; the cron rewrites them all."""
        company_b = self.env["res.company"].create({"name": "Channel B Co"})
        mine = self._partner("Channel mine", company_id=self.env.company.id)
        shared = self._partner("Channel shared")
        theirs = self._partner("Channel theirs", company_id=company_b.id)
        call = self.env.ref("mail.mail_activity_data_call")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": call.id,
                    "user_id": self.env.uid,
                }
                for partner in mine + shared + theirs
            ]
        ).action_feedback(feedback="Called")
        manager = new_test_user(
            self.env,
            login="ch_manager_a",
            groups="crm_segmentation.group_segmentation_manager,"
            "base.group_partner_manager",
            company_id=self.env.company.id,
            company_ids=[self.env.company.id],
        )
        mine.with_user(manager).action_recompute_contact_channels()
        self.assertEqual(mine.preferred_contact_channel, "phone")
        self.assertEqual(shared.preferred_contact_channel, "phone")
        self.assertFalse(theirs.preferred_contact_channel)
        self.assertFalse(theirs.contact_channel_date)
        self.env["res.partner"]._recompute_contact_channels()
        self.assertEqual(theirs.preferred_contact_channel, "phone")

    def test_call_list_takes_phone_preferring_members(self):
        self._build_contacts()
        self.env["res.partner"]._recompute_contact_channels()
        people = self.a + self.b + self.c
        people.user_id = self.salesman
        segment = self.env["crm.segment"].create(
            {
                "name": "Call them",
                "partner_domain": repr([("id", "in", people.ids)]),
                "call_phone_preferred_only": True,
                "call_summary": "Phone-only call",
            }
        )
        segment.action_compute()
        segment.action_create_call_list()
        planned = self.env["mail.activity"].search(
            [("summary", "=", "Phone-only call")]
        )
        self.assertEqual(planned.mapped("res_id"), self.b.ids)

    def test_query_count_does_not_grow(self):
        Partner = self.env["res.partner"]
        self._build_contacts()
        small = self._count_queries(Partner._recompute_contact_channels)
        many = Partner.create([{"name": f"Caller {i}"} for i in range(40)])
        call = self.env.ref("mail.mail_activity_data_call")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": call.id,
                    "user_id": self.env.uid,
                }
                for partner in many
            ]
        ).action_feedback(feedback="Called")
        big = self._count_queries(Partner._recompute_contact_channels)
        self.assertEqual(set(many.mapped("preferred_contact_channel")), {"phone"})
        self.assertLessEqual(big, small)

    def test_roles(self):
        Partner = self.env["res.partner"]
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            Partner.with_user(self.marketing)._recompute_contact_channels()
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.a.with_user(self.marketing).write(
                {"preferred_contact_channel": "phone"}
            )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.a.with_user(self.env.user).write({"contact_phone_count": 9})
        # through the user of a partner (delegation), the partner's guard
        portal = new_test_user(
            self.env,
            login="ch_portal2",
            groups="base.group_portal",
            partner_id=self.d.id,
        )
        with self.assertRaises(ValidationError):
            portal.sudo().write({"contact_phone_count": float("nan")})
        with self.assertRaises(ValidationError):
            portal.sudo().write({"contact_email_count": -1})
        # a manager recomputes, a salesperson reads its customer's figures
        Partner.with_user(self.env.user).action_recompute_contact_channels()
        self.a.user_id = self.salesman
        self.assertFalse(self.a.with_user(self.salesman).preferred_contact_channel)
