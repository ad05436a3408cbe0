# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestUpsell(SupportCommon):
    def _leads(self, rule):
        return (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("upsell_rule", "=", rule)])
        )

    @freeze_time("2026-03-10 10:00:00")
    def test_over_quota_opportunity_once(self):
        self.company.helpdesk_upsell_over_quota = 2
        self.plan.ticket_quota = 1
        self._ticket()
        self._ticket()
        self.assertFalse(self._leads("over_quota"))
        third = self._ticket()
        lead = self._leads("over_quota")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.helpdesk_ticket_id, third)
        self.assertEqual(lead.support_contract_id, self.contract)
        self.assertEqual(lead.user_id, self.salesperson)
        self.assertEqual(lead.partner_id, self.customer)
        self._ticket()
        self.assertEqual(len(self._leads("over_quota")), 1)
        self.assertEqual(third.lead_count, 1)
        self.assertEqual(self.contract.upsell_lead_count, 1)

    def test_over_quota_new_period_new_opportunity(self):
        self.company.helpdesk_upsell_over_quota = 1
        self.plan.ticket_quota = 1
        with freeze_time("2026-03-10 10:00:00"):
            self._ticket()
            self._ticket()
        with freeze_time("2026-04-10 10:00:00"):
            self._ticket()
            self._ticket()
        self.assertEqual(len(self._leads("over_quota")), 2)

    @freeze_time("2026-03-10 10:00:00")
    def test_uncovered_opportunity(self):
        self.company.helpdesk_upsell_uncovered = 2
        self._ticket(partner_id=self.other_customer.id)
        self.assertFalse(self._leads("uncovered"))
        self._ticket(partner_id=self.other_customer.id)
        self._ticket(partner_id=self.other_customer.id)
        lead = self._leads("uncovered")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.partner_id, self.other_customer)

    def _batch_vals(self, partner, count):
        return [
            {
                "name": f"Batch {partner.name} {i}",
                "description": "<p>Batch</p>",
                "partner_id": partner.id,
                "team_id": self.team.id,
            }
            for i in range(count)
        ]

    @freeze_time("2026-03-10 10:00:00")
    def test_rules_on_batch_create(self):
        """Tickets created together are counted together, once per rule."""
        self.company.helpdesk_upsell_over_quota = 2
        self.company.helpdesk_upsell_uncovered = 2
        self.plan.ticket_quota = 1
        tickets = self.env["helpdesk.ticket"].create(
            self._batch_vals(self.contact, 3) + self._batch_vals(self.other_customer, 2)
        )
        self.assertEqual(
            tickets.mapped("coverage_state"),
            ["covered", "over_quota", "over_quota", "not_covered", "not_covered"],
        )
        lead = self._leads("over_quota")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.helpdesk_ticket_id, tickets[1])
        self.assertEqual(lead.support_contract_id, self.contract)
        lead = self._leads("uncovered")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.helpdesk_ticket_id, tickets[3])
        self.assertEqual(lead.partner_id, self.other_customer)

    @freeze_time("2026-03-10 10:00:00")
    def test_rules_query_count_does_not_grow(self):
        """One grouped count per rule, whatever the number of tickets."""
        self.company.helpdesk_upsell_over_quota = 100
        self.company.helpdesk_upsell_uncovered = 100
        self.plan.ticket_quota = 1
        Ticket = self.env["helpdesk.ticket"]
        tickets = Ticket.create(
            self._batch_vals(self.contact, 4) + self._batch_vals(self.other_customer, 4)
        )
        small = tickets[1] | tickets[4]
        self.assertEqual(small.mapped("coverage_state"), ["over_quota", "not_covered"])
        counts = []
        for batch in (small, tickets):
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            batch._check_upsell_rules()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 2)
        self.assertFalse(self._leads("over_quota") | self._leads("uncovered"))

    def test_expiring_contract_opportunity(self):
        self.company.helpdesk_upsell_expiry_days = 30
        Contract = self.env["contract.contract"]
        with freeze_time("2026-11-01"):
            Contract._cron_upsell_expiring()
            self.assertFalse(self._leads("expiry"))
        with freeze_time("2026-12-10"):
            Contract._cron_upsell_expiring()
            Contract._cron_upsell_expiring()
        lead = self._leads("expiry")
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.support_contract_id, self.contract)
        self.assertIn(str(date(2026, 12, 31)), lead.name)
        # A lost opportunity is not raised again.
        lead.action_set_lost()
        with freeze_time("2026-12-11"):
            Contract._cron_upsell_expiring()
        self.assertEqual(len(self._leads("expiry")), 1)

    @freeze_time("2026-03-10 10:00:00")
    def test_smart_buttons(self):
        ticket = self._ticket()
        action = self.contract.action_view_helpdesk_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), ticket)
        action = self.contract.action_view_support_plans()
        self.assertEqual(
            self.env["helpdesk.support.plan"].search(action["domain"]), self.plan
        )
        self.assertEqual(ticket.action_view_contract()["res_id"], self.contract.id)
        action = self.customer.action_view_support_plans()
        self.assertEqual(
            self.env["helpdesk.support.plan"].search(action["domain"]), self.plan
        )
        self.assertEqual(self.plan.action_view_tickets()["domain"][0][2], self.plan.id)
        self.assertEqual(self.customer.support_plan_count, 1)
        self.assertEqual(self.customer.support_health, "good")

    @freeze_time("2026-03-10 10:00:00")
    def test_upsell_says_what_and_whom(self):
        """Expected revenue, what raised it, and a to-do for the salesperson."""
        self.company.helpdesk_upsell_over_quota = 1
        self.plan.ticket_quota = 1
        self._ticket()
        second = self._ticket()
        lead = self._leads("over_quota")
        self.assertEqual(lead.helpdesk_ticket_id, second)
        self.assertEqual(lead.expected_revenue, 500.0)  # the plan's contract line
        text = lead.description
        for part in (second.display_name, "Gold", "Gold Contract", "03/01/2026"):
            self.assertIn(part, text)
        activity = lead.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.summary, lead.name)

    @freeze_time("2026-03-10 10:00:00")
    def test_uncovered_and_renewal_upsell_descriptions(self):
        self.company.helpdesk_upsell_uncovered = 1
        ticket = self._ticket(partner_id=self.other_customer.id)
        lead = self._leads("uncovered")
        self.assertIn(ticket.display_name, lead.description)
        self.assertIn("Globex", lead.description)
        self.assertFalse(lead.activity_ids)  # Globex has no salesperson
        self.company.helpdesk_upsell_expiry_days = 400
        self.env["contract.contract"]._cron_upsell_expiring()
        renewal = self._leads("expiry")
        self.assertEqual(renewal.expected_revenue, 500.0)
        self.assertIn("Gold Contract", renewal.description)
        self.assertEqual(renewal.activity_ids.user_id, self.salesperson)

    @freeze_time("2027-01-10 10:00:00")
    def test_expired_plan_upsell_says_when_it_ended(self):
        self.company.helpdesk_upsell_uncovered = 1
        ticket = self._ticket()
        self.assertEqual(ticket.coverage_state, "expired")
        lead = self._leads("uncovered")
        self.assertIn("ended on 12/31/2026", lead.description)
        self.assertEqual(lead.expected_revenue, 500.0)
        self.assertEqual(lead.activity_ids.user_id, self.salesperson)
