# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

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
        # the next invoice is March's: the ticket closes in March
        self.contract.contract_line_ids.recurring_next_date = date(2026, 3, 1)
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

    # ------------------------------------------------------------------
    # Which closing bills (issue 16 item 16, issue 15 item 5)
    # ------------------------------------------------------------------

    def _helpdesk_user(self):
        user = new_test_user(
            self.env, login="hd_closing", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        self.team.user_ids = user
        return user

    @freeze_time("2026-03-10 10:00:00")
    def test_cancelled_or_rejected_close_bills_nothing(self):
        rejected = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        self.assertTrue(self.stage_done.billable_close)
        self.assertFalse(self.stage_cancelled.billable_close)
        self.assertFalse(rejected.billable_close)
        user = self._helpdesk_user()
        moves = self.env["account.move"].search_count([])
        for stage in (self.stage_cancelled, rejected):
            with self.subTest(stage=stage.name):
                ticket = self._ticket(
                    partner_id=self.other_customer.id,
                    support_hours=3.0,
                    user_id=user.id,
                ).with_user(user)
                ticket.stage_id = stage
                self.assertTrue(ticket.closed)
                self.assertEqual(ticket.billing_state, "none")
                self.assertEqual(ticket.billable_hours, 0.0)
                self.assertFalse(ticket.sudo().invoice_line_ids)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        # a company's own closed stage bills unless it says otherwise
        Stage = self.env["helpdesk.ticket.stage"]
        self.assertTrue(Stage.create({"name": "Solved", "closed": True}).billable_close)

    @freeze_time("2026-03-10 10:00:00")
    def test_move_between_closed_stages_bills_once(self):
        """Done -> Cancelled is allowed, as in helpdesk_mgmt; billing stays once."""
        user = self._helpdesk_user()
        rejected = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_rejected")
        ticket = self._ticket(
            partner_id=self.other_customer.id, support_hours=3.0, user_id=user.id
        ).with_user(user)
        ticket.stage_id = self.stage_done
        line = ticket.sudo().invoice_line_ids
        self.assertEqual(len(line), 1)
        ticket.stage_id = self.stage_cancelled
        self.assertEqual(ticket.stage_id, self.stage_cancelled)
        ticket.stage_id = self.stage_done
        ticket.stage_id = rejected
        self.assertEqual(ticket.sudo().invoice_line_ids, line)
        # cancelled first, solved later: billed once, at the solving
        other = self._ticket(
            partner_id=self.other_customer.id, support_hours=2.0, user_id=user.id
        ).with_user(user)
        other.stage_id = self.stage_cancelled
        self.assertFalse(other.sudo().invoice_line_ids)
        other.stage_id = self.stage_done
        self.assertEqual(other.sudo().invoice_line_ids.quantity, 2.0)
        other.stage_id = rejected
        other.stage_id = self.stage_done
        self.assertEqual(len(other.sudo().invoice_line_ids), 1)
        self.assertEqual(other.billing_state, "invoiced")

    # ------------------------------------------------------------------
    # What billing users see (issue 21 item 6)
    # ------------------------------------------------------------------

    @freeze_time("2026-12-10 10:00:00")
    def test_december_hours_skip_a_september_draft(self):
        self.company.helpdesk_billing_mode = "contract"
        september = self.contract.recurring_create_invoice()
        september.invoice_date = date(2026, 9, 1)
        self._ticket()
        self._ticket()
        ticket = self._ticket(support_hours=1.5)
        self.assertEqual(ticket.coverage_state, "over_quota")
        ticket.stage_id = self.stage_done
        self.assertEqual(len(september.invoice_line_ids), 1)
        self.assertFalse(ticket.invoice_line_ids)
        self.assertEqual(ticket.billing_state, "to_invoice")
        # a draft of the close month takes the hours of the next ticket
        september.invoice_date = date(2026, 12, 1)
        other = self._ticket(support_hours=2.0)
        other.stage_id = self.stage_done
        self.assertEqual(other.invoice_line_ids.move_id, september)
        self.assertEqual(other.billing_state, "invoiced")

    @freeze_time("2026-03-10 10:00:00")
    def test_billable_tickets_list(self):
        """Hours, billing state and amount; billable tickets by default."""
        billed = self._ticket(partner_id=self.other_customer.id, support_hours=3.0)
        billed.stage_id = self.stage_done
        cancelled = self._ticket(partner_id=self.other_customer.id, support_hours=1.0)
        cancelled.stage_id = self.stage_done
        cancelled.stage_id = self.stage_cancelled
        covered = self._ticket(support_hours=1.0)
        covered.stage_id = self.stage_done
        self.assertEqual(covered.billing_state, "none")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crm_helpdesk_link.helpdesk_ticket_billable_action"
        )
        context = safe_eval(action["context"])
        self.assertEqual(context.get("search_default_billable"), 1)
        Ticket = self.env["helpdesk.ticket"]
        search = etree.fromstring(
            Ticket.get_views([(False, "search")])["views"]["search"]["arch"]
        )
        default = safe_eval(search.xpath("//filter[@name='billable']")[0].get("domain"))
        domain = safe_eval(action["domain"]) + default
        found = Ticket.search(domain)
        self.assertIn(billed, found)
        self.assertNotIn(cancelled, found)
        self.assertNotIn(covered, found)
        list_view = dict((mode, vid) for vid, mode in action["views"])["list"]
        arch = etree.fromstring(Ticket.get_view(list_view, "list")["arch"])
        columns = [
            field.get("name")
            for field in arch.xpath("/list/field")
            if field.get("column_invisible") not in ("1", "True")
        ]
        for name in (
            "support_hours",
            "billable_hours",
            "billing_state",
            "billable_amount",
        ):
            self.assertIn(name, columns)
        self.assertEqual(billed.billable_amount, 180.0)  # 3 h at the company rate

    def test_hours_shown_as_decimals_as_on_the_invoice(self):
        """The invoice line's quantity is decimal: the ticket says 2.50, not 02:30."""
        for model in ("helpdesk.ticket", "helpdesk.support.plan", "contract.contract"):
            Model = self.env[model]
            for view_type in ("form", "list"):
                arch = Model.get_view(view_type=view_type)["arch"]
                with self.subTest(model=model, view_type=view_type):
                    self.assertNotIn("float_time", arch)
