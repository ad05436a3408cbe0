# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""NPS and recent SLA breaches in the contract health, and the customer's
satisfaction and breaches as search (segment) criteria (issue 18)."""

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import sql_db
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 10:00:00")
class TestHealthSatisfaction(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.email = "support@example.com"
        cls.plan.write({"ticket_quota": 0, "hour_quota": 0.0})
        cls.company.helpdesk_health_breach_threshold = 2
        cls.question = cls.env.ref("crm_helpdesk_link.survey_nps_question_score")

    def _nps(self, partner, score):
        campaign = self.env["helpdesk.nps.campaign"].create(
            {"name": "NPS", "partner_domain": repr([("id", "=", partner.id)])}
        )
        campaign.action_send()
        answer = campaign.user_input_ids
        answer._save_lines(self.question, str(score))
        answer._mark_done()

    def _breached_ticket(self, when, breaches=2):
        ticket = self._ticket()
        # sudo: the SLA clock's own fields, set as the clock would have
        ticket.sudo().write(
            {
                "coverage_date": when.date(),
                "sla_start_date": when,
                "sla_response_breached": True,
                "sla_resolution_breached": breaches > 1,
            }
        )
        return ticket

    def _health(self):
        self.contract.invalidate_recordset()
        return self.contract.support_health

    def test_detractor_puts_the_contract_at_risk(self):
        self.assertEqual(self._health(), "good")
        self._nps(self.contact, 4)  # a contact of the customer
        self.assertEqual(self._health(), "warning")
        self.assertEqual(self.contract.support_nps_category, "detractor")
        # the customer's last answer counts
        with freeze_time("2026-03-11 10:00:00"):
            self._nps(self.customer, 10)
        self.assertEqual(self._health(), "good")
        self.assertEqual(self.contract.support_nps_category, "promoter")

    def test_breaches_over_the_threshold(self):
        # last month: not in the current period, within 90 days
        self._breached_ticket(datetime(2026, 2, 10, 10, 0))
        self.assertEqual(self._health(), "good")  # 2 breaches, threshold 2
        self.assertEqual(self.contract.support_breach_count_90d, 2)
        self._breached_ticket(datetime(2026, 2, 12, 10, 0), breaches=1)
        self.assertEqual(self._health(), "warning")
        self.assertEqual(self.contract.support_breach_count_90d, 3)
        self.assertEqual(self.contract.support_sla_breach_count, 0)
        # older than 90 days: left out
        self._breached_ticket(datetime(2025, 11, 1, 10, 0))
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.support_breach_count_90d, 3)
        self.company.helpdesk_health_breach_threshold = 0  # rule disabled
        self.assertEqual(self._health(), "good")
        self.company.helpdesk_health_breach_threshold = 3
        self.assertEqual(self._health(), "good")

    def test_partner_breaches_searchable(self):
        self._breached_ticket(datetime(2026, 2, 10, 10, 0))
        self._breached_ticket(datetime(2026, 3, 2, 10, 0), breaches=1)
        Partner = self.env["res.partner"]
        self.assertEqual(self.customer.support_breach_count_90d, 3)
        self.assertEqual(self.contact.support_breach_count_90d, 3)
        self.assertEqual(self.other_customer.support_breach_count_90d, 0)
        found = Partner.search([("support_breach_count_90d", ">", 2)])
        self.assertEqual(found, self.customer | self.contact)
        self.assertFalse(Partner.search([("support_breach_count_90d", ">", 3)]))
        none = Partner.search([("support_breach_count_90d", "=", 0)])
        self.assertIn(self.other_customer, none)
        self.assertNotIn(self.customer, none)
        self.assertIn(
            self.other_customer, Partner.search([("support_breach_count_90d", "<", 1)])
        )
        with self.assertRaises(UserError):
            Partner.search([("support_breach_count_90d", ">", "many")])

    def test_partner_csat_searchable(self):
        ticket = self._ticket()
        ticket.stage_id = self.stage_done
        ticket.sudo().rating_apply(1, token=ticket._rating_get_access_token())
        Partner = self.env["res.partner"]
        self.assertEqual(self.customer.support_csat_count, 1)
        self.assertEqual(
            Partner.search([("support_csat", "<", 50)]), self.customer | self.contact
        )
        # customers without ratings match no satisfaction search
        self.assertNotIn(
            self.other_customer, Partner.search([("support_csat", "<", 101)])
        )
        self.assertFalse(Partner.search([("support_csat", ">=", 50)]))
        with self.assertRaises(UserError):
            Partner.search([("support_csat", ">", "high")])

    def test_detractors_with_an_active_contract(self):
        """The segment rule of the readme, as a partner domain."""
        self._nps(self.customer, 2)
        lapsed = self.env["res.partner"].create(
            {"name": "Lapsed", "is_company": True, "email": "l@example.com"}
        )
        self._create_contract(
            "Old", datetime(2025, 1, 1).date(), datetime(2025, 6, 30).date(), lapsed
        )
        self._nps(lapsed, 2)
        found = self.env["res.partner"].search(
            [
                ("nps_category", "=", "detractor"),
                ("support_contract_active", "=", True),
            ]
        )
        self.assertEqual(found, self.customer)

    def test_partner_breaches_query_count(self):
        partners = self.env["res.partner"].create(
            [{"name": f"P{i}", "is_company": True} for i in range(6)]
        )
        for partner in partners:
            self._ticket(partner_id=partner.id).sudo().write(
                {
                    "sla_start_date": datetime(2026, 3, 1, 10, 0),
                    "sla_response_breached": True,
                }
            )
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            partners[:2].mapped("support_breach_count_90d")
        self.env.invalidate_all()
        with self.assertQueryCount(3):  # the same for three times the partners
            self.assertEqual(partners.mapped("support_breach_count_90d"), [1] * 6)

    def test_partner_breaches_read_the_breach_index(self):
        """A customer's 90-day breach count is read from the partial index
        on the tickets with breaches, not from every ticket (0.12 s a
        customer form at L before the index): its query, as the ORM sends
        it, is planned on the index when a scan is ruled out. A change of the
        domain that the index cannot serve fails here."""
        self._breached_ticket(datetime(2026, 2, 10, 10, 0))
        self._breached_ticket(datetime(2026, 3, 2, 10, 0), breaches=1)
        execute = sql_db.Cursor.execute
        sent = []

        def spy(cr, query, params=None, log_exceptions=True):
            code, args = getattr(query, "code", query), getattr(query, "params", params)
            if "sla_breach_count" in str(code) and "GROUP BY" in str(code):
                sent.append(cr.mogrify(code, args))
            return execute(cr, query, params, log_exceptions)

        self.customer.invalidate_recordset(["support_breach_count_90d"])
        with patch.object(sql_db.Cursor, "execute", spy):
            self.assertEqual(self.customer.support_breach_count_90d, 3)
        self.assertEqual(len(sent), 1)
        self.env.cr.execute("SET enable_seqscan = off")
        try:
            self.env.cr.execute(b"EXPLAIN " + sent[0])
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            self.env.cr.execute("RESET enable_seqscan")
        self.assertIn("helpdesk_ticket_crm_helpdesk_link_breach_idx", plan)

    def test_contract_and_csat_criteria_query_count(self):
        """Active contract and satisfaction as criteria: one grouped query
        each, the same for three times the customers with contracts."""
        ticket = self._ticket()
        ticket.stage_id = self.stage_done
        ticket.sudo().rating_apply(5, token=ticket._rating_get_access_token())
        Partner = self.env["res.partner"]
        few = Partner.create([{"name": f"C{i}", "is_company": True} for i in range(2)])
        many = Partner.create([{"name": f"D{i}", "is_company": True} for i in range(6)])
        for partner in few + many:
            self._create_contract(
                partner.name, datetime(2026, 1, 1).date(), False, partner
            )
        self.env.flush_all()
        few[:1].mapped("support_contract_active")  # warm the caches of rules
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            self.assertEqual(few.mapped("support_contract_active"), [True] * 2)
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            self.assertEqual(many.mapped("support_contract_active"), [True] * 6)
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            found = Partner.search([("support_csat", ">=", 100)])
        self.assertEqual(found, self.customer | self.contact)
        self.assertFalse(Partner.search([("support_csat", "<", 100)]))

    def test_roles_on_the_threshold(self):
        agent = new_test_user(
            self.env, login="health_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        with self.assertRaises(UserError):  # AccessError included
            self.company.with_user(agent).write({"helpdesk_health_breach_threshold": 9})
        with self.assertRaises(UserError):
            self.company.write({"helpdesk_health_breach_threshold": -1})
        with self.assertRaises(UserError):
            self.company.write({"helpdesk_health_breach_threshold": 2**31})
        self.assertEqual(self.company.helpdesk_health_breach_threshold, 2)
