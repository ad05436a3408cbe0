# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""NPS campaigns on Odoo's survey module (issue 18)."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 10:00:00")
class TestNps(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.email = "support@example.com"
        cls.survey = cls.env.ref("crm_helpdesk_link.survey_nps")
        cls.question = cls.env.ref("crm_helpdesk_link.survey_nps_question_score")
        Partner = cls.env["res.partner"]
        cls.respondents = Partner.create(
            [
                {"name": f"NPS respondent {i}", "email": f"nps{i}@example.com"}
                for i in range(10)
            ]
        )
        cls.no_email = Partner.create({"name": "NPS without e-mail"})
        cls.domain = repr([("name", "like", "NPS ")])
        cls.manager = new_test_user(
            cls.env, login="nps_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.agent = new_test_user(
            cls.env, login="nps_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )

    def _campaign(self, **vals):
        return self.env["helpdesk.nps.campaign"].create(
            {"name": "Q1", "partner_domain": self.domain, **vals}
        )

    def _answer(self, user_input, score):
        # as the answer page posts it: text ("0" is an answer, 0 a skip)
        user_input._save_lines(self.question, str(score))
        user_input._mark_done()

    def test_survey_template_has_the_nps_question(self):
        Campaign = self.env["helpdesk.nps.campaign"]
        self.assertEqual(Campaign._nps_question(self.survey), self.question)
        self.assertEqual(self._campaign().survey_id, self.survey)
        other = self.env["survey.survey"].create(
            {"title": "No scale", "survey_type": "survey"}
        )
        with self.assertRaises(ValidationError):
            self._campaign(survey_id=other.id)

    def test_send_queues_one_invitation_per_recipient(self):
        campaign = self._campaign()
        self.assertEqual(campaign.recipient_count, 10)
        Mail = self.env["mail.mail"]
        before = Mail.search_count([])
        campaign.with_user(self.manager).action_send()
        inputs = campaign.user_input_ids
        self.assertEqual(inputs.partner_id, self.respondents)
        self.assertEqual(set(inputs.mapped("survey_id")), {self.survey})
        self.assertEqual(campaign.state, "sent")
        mails = Mail.search([], order="id desc", limit=10)
        self.assertEqual(Mail.search_count([]) - before, 10)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.recipient_ids, self.respondents)
        # each e-mail carries its recipient's own answer link
        for answer in inputs:
            mail = mails.filtered(lambda m, a=answer: m.recipient_ids == a.partner_id)
            self.assertIn(answer.access_token, mail.body_html)
        # a second send invites only the new recipients
        newcomer = self.env["res.partner"].create(
            {"name": "NPS newcomer", "email": "new@example.com"}
        )
        campaign.action_send()
        self.assertEqual(
            campaign.user_input_ids.partner_id, self.respondents | newcomer
        )
        self.assertEqual(Mail.search_count([]) - before, 11)

    def _queries(self, campaign):
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        campaign.action_send()
        return self.env.cr.sql_log_count - start

    def test_send_is_set_based(self):
        two = repr([("id", "in", self.respondents[:2].ids)])
        self._campaign(partner_domain=two).action_send()  # warm the caches
        few = self._queries(self._campaign(partner_domain=two))
        big = self._campaign()
        many = self._queries(big)
        self.assertEqual(len(big.user_input_ids), 10)
        # five times the recipients: the query count does not grow with them
        self.assertLessEqual(many, few + 3, (few, many))

    def _count_queries(self, campaigns):
        campaigns.invalidate_recordset(["recipient_count"])
        start = self.env.cr.sql_log_count
        counts = campaigns.mapped("recipient_count")
        return self.env.cr.sql_log_count - start, counts

    def test_recipient_count_is_set_based(self):
        Campaign = self.env["helpdesk.nps.campaign"]
        self.env.flush_all()
        one = self._campaign(partner_domain=repr([("id", "=", self.respondents[0].id)]))
        self._count_queries(one)  # warm the caches (record rules)
        few, counts = self._count_queries(one)
        self.assertEqual(counts, [1])
        # ten campaigns, each its own domain, three the same, one malformed
        # (a stored domain a later uninstall broke), ten times the recipients
        many = Campaign
        for size in range(2, 9):
            many |= self._campaign(
                partner_domain=repr([("id", "in", self.respondents[:size].ids)])
            )
        many |= self._campaign() | self._campaign() | self._campaign()
        bad = self._campaign()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_nps_campaign SET partner_domain = %s WHERE id = %s",
                "[('no_such_field', '=', 1)]",
                bad.id,
            )
        )
        bad.invalidate_recordset(["partner_domain"])
        many |= bad
        many.invalidate_recordset(["recipient_count"])
        many.mapped("partner_domain")  # read, as a form or list has them
        # one query for all: not one per campaign, nor per recipient
        with self.assertQueryCount(few):
            counts = many.mapped("recipient_count")
        self.assertEqual(counts, [2, 3, 4, 5, 6, 7, 8, 10, 10, 10, 0])
        self.assertEqual(few, 1)

    def test_nps_results_and_partner_fields(self):
        campaign = self._campaign()
        campaign.action_send()
        inputs = campaign.user_input_ids.sorted("id")
        scores = [10, 9, 9, 8, 7, 6, 0, 10]  # 4 promoters, 2 passives, 2 detractors
        for answer, score in zip(inputs, scores, strict=False):
            self._answer(answer, score)
        self.assertEqual(campaign.invited_count, 10)
        self.assertEqual(campaign.answer_count, 8)
        self.assertEqual(campaign.promoter_count, 4)
        self.assertEqual(campaign.passive_count, 2)
        self.assertEqual(campaign.detractor_count, 2)
        self.assertEqual(campaign.nps, 25.0)  # 50 % - 25 %
        # once sent, its survey stays (another survey would recompute every
        # stored score against its own questions: none)
        other_survey = self.env.ref("crm_helpdesk_link.survey_nps").copy()
        with self.assertRaises(UserError):
            campaign.write({"survey_id": other_survey.id})
        campaign.write({"survey_id": campaign.survey_id.id, "name": "renamed"})
        self.assertEqual(campaign.nps, 25.0)
        zero = inputs[6].partner_id
        self.assertEqual(zero.nps_category, "detractor")
        self.assertEqual(zero.nps_last_score, 0)
        self.assertTrue(zero.nps_date)
        self.assertFalse(inputs[9].partner_id.nps_category)
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.search([("nps_category", "=", "detractor")]),
            inputs[5].partner_id | zero,
        )
        self.assertEqual(
            Partner.search([("nps_category", "=", "promoter")]),
            (inputs[0] | inputs[1] | inputs[2] | inputs[7]).partner_id,
        )
        # a later campaign: the last answer counts
        again = self._campaign(partner_domain=repr([("id", "=", zero.id)]))
        again.action_send()
        with freeze_time("2026-04-10 10:00:00"):
            self._answer(again.user_input_ids, 9)
        self.assertEqual(zero.nps_category, "promoter")
        self.assertEqual(zero.nps_last_score, 9)

    def test_detractors_with_an_active_contract(self):
        detractor, promoter, lapsed = self.respondents[:3]
        for partner in (detractor, promoter):
            partner.parent_id = self.customer if partner == detractor else False
        self._create_contract(
            "Lapsed",
            self.contract.date_start.replace(year=2025),
            self.contract.date_start.replace(year=2025, month=6),
            partner=lapsed,
        )
        campaign = self._campaign(
            partner_domain=repr([("id", "in", (detractor | promoter | lapsed).ids)])
        )
        campaign.action_send()
        for answer in campaign.user_input_ids:
            self._answer(answer, 9 if answer.partner_id == promoter else 3)
        Partner = self.env["res.partner"]
        self.assertTrue(detractor.support_contract_active)  # its company's contract
        self.assertFalse(lapsed.support_contract_active)
        self.assertEqual(
            Partner.search(
                [
                    ("nps_category", "=", "detractor"),
                    ("support_contract_active", "=", True),
                ]
            ),
            detractor,
        )
        self.assertIn(lapsed, Partner.search([("support_contract_active", "=", False)]))

    def test_malformed_domain(self):
        for bad in ("[('name', '=',", "[('no_such_field', '=', 1)]", "42"):
            with self.subTest(domain=bad), self.assertRaises(UserError):
                self._campaign(partner_domain=bad)
        campaign = self._campaign()
        with self.assertRaises(UserError):
            campaign.partner_domain = "[('name', 'bogus', 1)]"
        self.assertEqual(campaign.partner_domain, self.domain)

    def test_roles(self):
        campaign = self._campaign()
        campaign.action_send()
        answer = campaign.user_input_ids[:1]
        self._answer(answer, 2)
        partner = answer.partner_id
        # the helpdesk manager runs campaigns
        mine = (
            self.env["helpdesk.nps.campaign"]
            .with_user(self.manager)
            .create({"name": "Mine", "partner_domain": self.domain})
        )
        mine.action_send()
        self.assertEqual(mine.invited_count, 10)
        # a helpdesk user reads the results, writes nothing
        as_agent = campaign.with_user(self.agent)
        self.assertEqual(as_agent.detractor_count, 1)
        self.assertEqual(as_agent.nps, -100.0)
        for vals in ({"name": "x"}, {"state": "draft"}, {"partner_domain": "[]"}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_agent.write(vals)
        with self.assertRaises(AccessError):
            as_agent.action_send()
        with self.assertRaises(AccessError):
            self.env["helpdesk.nps.campaign"].with_user(self.agent).create(
                {"name": "No"}
            )
        # NPS results on partners and answers are the system's, for everyone
        for user in (self.agent, self.manager):
            for vals in (
                {"nps_category": "promoter"},
                {"nps_last_score": 10},
                {"nps_date": "2026-01-01 00:00:00"},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(UserError),
                ):
                    partner.with_user(user).write(vals)
            with self.assertRaises(UserError):  # AccessError included
                answer.with_user(user).write({"nps_score": 10})
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(self.manager).create(
                {"name": "Fake promoter", "nps_category": "promoter"}
            )
        partner.invalidate_recordset()
        self.assertEqual(partner.nps_category, "detractor")
        self.assertEqual(answer.nps_score, 2)

    def test_portal_user(self):
        campaign = self._campaign()
        campaign.action_send()
        portal = new_test_user(
            self.env,
            login="nps_portal",
            groups="base.group_portal",
            partner_id=self.respondents[0].id,
        )
        with self.assertRaises(AccessError):
            campaign.with_user(portal).read(["nps"])
        with self.assertRaises(AccessError):
            self.env["helpdesk.nps.campaign"].with_user(portal).search([])
        with self.assertRaises(UserError):
            self.respondents[0].with_user(portal).write({"nps_category": "promoter"})

    def test_portal_user_does_not_read_the_internal_figures(self):
        """How the company classes a customer stays internal: a portal user
        reads its own partner, not its NPS nor its SLA breaches."""
        campaign = self._campaign()
        campaign.action_send()
        self._answer(campaign.user_input_ids.sorted("id")[:1], 3)
        partner = self.respondents[0]
        self.assertEqual(partner.nps_category, "detractor")
        portal = new_test_user(
            self.env,
            login="nps_portal_reader",
            groups="base.group_portal",
            partner_id=partner.id,
        )
        # every field this addon adds to partners, from the registry
        internal = [
            name
            for name, field in self.env["res.partner"]._fields.items()
            if field._module == "crm_helpdesk_link"
        ]
        self.assertIn("support_csat", internal)
        as_portal = partner.with_user(portal)
        self.assertEqual(as_portal.read(["name"])[0]["name"], partner.name)
        for name in internal:
            with self.subTest(field=name), self.assertRaises(AccessError):
                as_portal.read([name])
        self.assertFalse(set(internal) & set(as_portal.fields_get()))
        with self.assertRaises(AccessError):
            as_portal.search([("nps_category", "=", "detractor")])
        # an internal user (the agent) reads and searches them, and the
        # partner form and search views load for it
        as_agent = partner.with_user(self.agent)
        self.assertEqual(as_agent.nps_category, "detractor")
        self.assertEqual(as_agent.nps_last_score, 3)
        self.assertEqual(as_agent.support_breach_count_90d, 0)
        self.assertIn(
            partner,
            as_agent.search([("nps_category", "=", "detractor")]),
        )
        views = as_agent.get_views([(False, "form"), (False, "search")])
        self.assertIn("nps_category", views["models"]["res.partner"]["fields"])

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "NPS B"})
        campaign_b = (
            self.env["helpdesk.nps.campaign"]
            .with_company(company_b)
            .create({"name": "B", "partner_domain": self.domain})
        )
        self.assertEqual(campaign_b.company_id, company_b)
        campaign_a = self._campaign()
        manager = self.manager
        Campaign = self.env["helpdesk.nps.campaign"].with_user(manager)
        self.assertEqual(
            Campaign.search([("id", "in", (campaign_a | campaign_b).ids)]), campaign_a
        )
        with self.assertRaises(AccessError):
            campaign_b.with_user(manager).read(["name"])
        with self.assertRaises(AccessError):
            campaign_b.with_user(manager).action_send()
        self.assertFalse(campaign_b.user_input_ids)
