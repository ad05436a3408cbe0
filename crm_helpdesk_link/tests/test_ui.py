# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestUi(SupportCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.live_contract = cls._create_contract(
            "Live Contract",
            today - timedelta(days=10),
            today + timedelta(days=300),
            partner=cls.other_customer,
        )
        cls.live_plan = cls.plan.copy(
            {"name": "Live plan", "contract_id": cls.live_contract.id}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_globex",
            groups="base.group_portal",
            partner_id=cls.other_customer.id,
        )

    def test_portal_ticket_page_shows_coverage(self):
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertEqual(ticket.coverage_state, "covered")
        foreign = self._ticket()
        self.authenticate("portal_globex", "portal_globex")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Live Contract", page.text)
        self.assertIn("Covered", page.text)
        page = self.url_open(f"/my/ticket/{foreign.id}")
        self.assertNotIn("Gold Contract", page.text)

    def test_tour_ticket_to_opportunity(self):
        """Ticket -> coverage -> billable line -> opportunity, in the browser."""
        self.company.helpdesk_upsell_over_quota = 1
        self.company.helpdesk_billing_mode = "separate"
        self.stage_done.fold = False
        self._ticket(partner_id=self.other_customer.id)
        self._ticket(partner_id=self.other_customer.id)
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertEqual(ticket.coverage_state, "over_quota")
        self.assertEqual(ticket.lead_count, 1)
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "crm_helpdesk_link_tour",
            login="admin",
        )
        self.assertEqual(ticket.billing_state, "invoiced")
        self.assertEqual(ticket.invoice_line_ids.quantity, 2.0)
        self.assertEqual(ticket.invoice_line_ids.price_unit, 100.0)
