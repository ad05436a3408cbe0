# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""crm_segmentation's "open tickets" condition, with a helpdesk installed.

crm_segmentation does not depend on helpdesk_mgmt: it reads tickets only when
the model is in the registry. Alone it cannot test that path; with all four
addons installed (crm_helpdesk_link brings helpdesk_mgmt) it can.
"""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "crm_suite")
class TestSegmentOpenTickets(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.two_open = Partner.create({"name": "Two open tickets"})
        cls.one_open = Partner.create({"name": "One open, one closed"})
        cls.none = Partner.create({"name": "No ticket"})
        cls.contact = Partner.create(
            {"name": "Contact of Two open", "parent_id": cls.two_open.id}
        )
        cls.done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        Ticket = cls.env["helpdesk.ticket"]
        for partner, title in [
            (cls.two_open, "first"),
            (cls.contact, "second, through a contact"),
            (cls.one_open, "open"),
            (cls.one_open, "to close"),
        ]:
            Ticket.create(
                {"name": title, "description": "<p>x</p>", "partner_id": partner.id}
            )
        Ticket.search([("name", "=", "to close")]).write({"stage_id": cls.done.id})
        cls.domain = repr([("id", "in", (cls.two_open | cls.one_open | cls.none).ids)])

    def _members(self, min_open_tickets):
        segment = self.env["crm.segment"].create(
            {
                "name": f"At least {min_open_tickets} open tickets",
                "partner_domain": self.domain,
                "min_open_tickets": min_open_tickets,
            }
        )
        self.assertTrue(segment.helpdesk_available)
        segment.action_compute()
        return segment.member_ids.partner_id

    def test_open_tickets_count_per_commercial_partner(self):
        self.assertEqual(self._members(2), self.two_open)

    def test_closed_tickets_do_not_count(self):
        self.assertEqual(self._members(1), self.two_open | self.one_open)

    def test_zero_means_no_condition(self):
        self.assertEqual(self._members(0), self.two_open | self.one_open | self.none)
