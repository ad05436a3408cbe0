# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What each role sees, in the browser."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestRoleTours(SupportCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_contract, cls.tour_plan = cls._running_plan(
            "Tour Contract", name="Tour Plan", ticket_quota=0, hour_quota=4.0
        )

    def test_billing_user_sees_billable_tickets(self):
        user = new_test_user(
            self.env,
            login="tour_billing",
            groups="base.group_user,account.group_account_invoice",
        )
        customer = self.env["res.partner"].create(
            {"name": "Initech", "is_company": True}
        )
        billed = self._ticket(
            name="Billed tour ticket", partner_id=customer.id, support_hours=3.0
        )
        billed.stage_id = self.stage_done
        cancelled = self._ticket(
            name="Cancelled tour ticket", partner_id=customer.id, support_hours=1.0
        )
        cancelled.stage_id = self.stage_done
        cancelled.stage_id = self.stage_cancelled
        self.assertEqual(billed.billing_state, "invoiced")
        self.start_tour(
            "/odoo/action-crm_helpdesk_link.helpdesk_ticket_billable_action",
            "crm_helpdesk_link_billing_tour",
            login=user.login,
        )

    def test_helpdesk_user_walks_the_coverage(self):
        user = new_test_user(
            self.env,
            login="tour_support",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        self.team.user_ids = user
        self._ticket(partner_id=self.other_customer.id, support_hours=1.5)
        ticket = self._ticket(
            name="Tour ticket", partner_id=self.other_customer.id, user_id=user.id
        )
        self.assertEqual(ticket.support_plan_id, self.tour_plan)
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "crm_helpdesk_link_helpdesk_tour",
            login=user.login,
        )
        self.assertEqual(ticket.support_hours, 1.5)

    def test_helpdesk_manager_reads_service_levels(self):
        user = new_test_user(
            self.env,
            login="tour_levels",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_manager",
        )
        self.stage_done.rating_request = True
        for name, value in (("Fast tour ticket", 5), ("Slow tour ticket", 1)):
            ticket = self._ticket(name=name)
            ticket.stage_id = self.stage_done
            token = ticket._rating_get_access_token()
            ticket.sudo().rating_apply(value, token=token)
        self.start_tour(
            "/odoo/action-crm_helpdesk_link.helpdesk_service_level_report_action",
            "crm_helpdesk_link_service_level_tour",
            login=user.login,
        )
