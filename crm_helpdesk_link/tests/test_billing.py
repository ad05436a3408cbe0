# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestBilling(SupportCommon):
    @freeze_time("2026-03-10 10:00:00")
    def test_uncovered_ticket_separate_invoice(self):
        ticket = self._ticket(partner_id=self.other_customer.id, support_hours=3.0)
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.billable_hours, 3.0)
        self.assertEqual(ticket.billing_state, "invoiced")
        line = ticket.invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.quantity, 3.0)
        self.assertEqual(line.price_unit, 60.0)  # company rate, no plan
        self.assertEqual(line.move_id.state, "draft")
        self.assertEqual(line.move_id.partner_id, self.other_customer)
        self.assertEqual(ticket.invoice_count, 1)
        self.assertEqual(line.move_id.helpdesk_ticket_count, 1)
        action = line.move_id.action_view_helpdesk_tickets()
        self.assertEqual(self.env["helpdesk.ticket"].search(action["domain"]), ticket)
        # Closing twice is an error and changes nothing.
        with self.assertRaises(UserError) as err:
            ticket.stage_id = self.stage_cancelled
        self.assertIn("already closed", str(err.exception))
        self.assertEqual(ticket.stage_id, self.stage_done)
        # Reopen and close again: never invoiced twice.
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.invoice_line_ids, line)

    @freeze_time("2026-03-10 10:00:00")
    def test_covered_hours_beyond_quota(self):
        first = self._ticket(support_hours=3.0)
        first.stage_id = self.stage_done
        self.assertEqual(first.billable_hours, 0.0)
        self.assertEqual(first.billing_state, "none")
        second = self._ticket(support_hours=2.0)
        self.assertEqual(second.coverage_state, "covered")
        second.stage_id = self.stage_done
        self.assertEqual(second.billable_hours, 1.0)
        self.assertEqual(second.invoice_line_ids.price_unit, 100.0)  # plan rate
        self.assertEqual(second.invoice_line_ids.product_id, self.service)

    @freeze_time("2026-03-10 10:00:00")
    def test_over_quota_on_contract_next_invoice(self):
        self.company.helpdesk_billing_mode = "contract"
        self._ticket()
        self._ticket()
        ticket = self._ticket(support_hours=1.5)
        self.assertEqual(ticket.coverage_state, "over_quota")
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.billing_state, "to_invoice")
        self.assertFalse(ticket.invoice_line_ids)
        invoice = self.contract.recurring_create_invoice()
        self.assertEqual(ticket.billing_state, "invoiced")
        self.assertEqual(ticket.invoice_line_ids.move_id, invoice)
        self.assertEqual(ticket.invoice_line_ids.quantity, 1.5)
        self.assertEqual(len(invoice.invoice_line_ids), 2)
        # A second ticket goes onto the same draft invoice.
        other = self._ticket(support_hours=2.0)
        other.stage_id = self.stage_done
        self.assertEqual(other.invoice_line_ids.move_id, invoice)
        self.assertEqual(len(invoice.invoice_line_ids), 3)

    @freeze_time("2026-03-10 10:00:00")
    def test_billable_without_customer(self):
        ticket = self._ticket(partner_id=False, support_hours=1.0)
        with self.assertRaises(UserError):
            ticket.stage_id = self.stage_done
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertFalse(ticket.invoice_line_ids)
