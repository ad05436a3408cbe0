# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The benchmark data generator (bench/generate.py) at size XS (S/100).

The bulk rows are cloned in SQL, so no ORM constraint ran on them: here Odoo's
own checks run on what the generator wrote, inside the test's transaction.
"""

import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

GENERATE = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("crm_bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install", "crm_suite")
class TestBenchGenerator(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gen = load_generator()
        cls.meta = cls.gen.generate(cls.env, "XS")
        cls.counts = cls.gen.sizes("XS")
        first = cls.meta["partner_base"] + 1
        cls.partners = cls.env["res.partner"].search(
            [("id", ">=", first), ("id", "<", first + cls.counts["partners"])]
        )
        cls.moves = cls.env["account.move"].search(
            [("commercial_partner_id", "in", cls.partners.ids)]
        )

    def test_counts(self):
        self.assertEqual(self.counts["partners"], 100)
        self.assertEqual(len(self.partners), 100)
        self.assertEqual(len(self.moves), 300)
        lead_first, lead_last = self.meta["lead_base"] + 1, self.meta["backlog"][1]
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("id", ">", self.meta["lead_base"])])
        )
        self.assertEqual(len(leads), 200)
        backlog = leads.filtered(lambda lead: lead_first <= lead.id <= lead_last)
        self.assertEqual(len(backlog), 100)
        self.assertFalse(backlog.user_id)
        self.assertFalse(backlog.team_id)
        self.assertEqual(set(backlog.mapped("won_status")), {"pending"})
        self.assertTrue((leads - backlog).user_id)
        done = self.env["mail.message"].search_count(
            [
                ("model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("mail_activity_type_id", "!=", False),
            ]
        )
        planned = self.env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
        )
        self.assertEqual(done + planned, 500)
        quote = self.env["sale.order"].browse(self.meta["quote"])
        self.assertEqual(len(quote.order_line), self.counts["quote_lines"])

    def test_invoices_posted_in_company_currency(self):
        company = self.env.company
        self.assertEqual(set(self.moves.mapped("state")), {"posted"})
        self.assertEqual(
            set(self.moves.mapped("move_type")), {"out_invoice", "out_refund"}
        )
        self.assertEqual(self.moves.currency_id, company.currency_id)
        self.assertEqual(self.moves.line_ids.currency_id, company.currency_id)
        for move in self.moves:
            self.assertEqual(len(move.invoice_line_ids), 2)
            self.assertEqual(len(move.line_ids), 3)
        names = self.moves.mapped("name")
        self.assertEqual(len(set(names)), len(names))

    def test_odoo_constraints_accept_them(self):
        moves = self.moves
        container = {"records": moves}
        self.assertFalse(moves._get_unbalanced_moves(container))
        with moves._check_balanced(container):
            pass
        # every @api.constrains of both models, on every generated row
        moves._validate_fields(moves._fields)
        moves.line_ids._validate_fields(moves.line_ids._fields)
        self.env["res.partner"].browse(self.partners.ids)._validate_fields(
            self.partners._fields
        )

    def test_stored_totals_match_odoo_computation(self):
        moves = self.moves
        names = [
            "amount_untaxed",
            "amount_total",
            "amount_residual",
            "amount_untaxed_signed",
            "amount_total_signed",
            "amount_residual_signed",
            "payment_state",
        ]
        stored = {m.id: [m[f] for f in names] for m in moves}
        self.assertTrue(all(v[1] > 0 for v in stored.values()))
        moves.invalidate_recordset(names)
        for fname in names:
            self.env.add_to_compute(moves._fields[fname], moves)
        moves._recompute_recordset(names)
        recomputed = {m.id: [m[f] for f in names] for m in moves}
        self.assertEqual(recomputed, stored)

    def test_business_flow_accepts_them(self):
        """A generated invoice can be paid and reconciled, a refund reversed."""
        invoice = self.moves.filtered(lambda m: m.move_type == "out_invoice")[:1]
        total = invoice.amount_total
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0)
        self.assertEqual(invoice.amount_total, total)
        reversal = invoice._reverse_moves(cancel=False)
        self.assertEqual(reversal.amount_total, total)
        reversal.action_post()
        self.assertEqual(reversal.state, "posted")

    def _tickets(self):
        return self.env["helpdesk.ticket"].search(
            [("id", ">", self.meta["ticket_base"])]
        )

    def test_tickets_under_contracts(self):
        """Tickets for the ticket-list screen: a share under a contract's plan,
        which Odoo's own matching gives again, the others not covered."""
        tickets = self._tickets()
        self.assertEqual(len(tickets), self.counts["tickets"])
        self.assertEqual(len(tickets), 50)
        covered = tickets.filtered("support_plan_id")
        self.assertEqual(len(covered), 50 // self.gen.COVERED_SHARE)
        self.assertEqual(set(covered.mapped("coverage_state")), {"covered"})
        self.assertEqual(
            set((tickets - covered).mapped("coverage_state")), {"not_covered"}
        )
        for ticket in tickets:
            plan, _note = ticket._match_support_plan()
            self.assertEqual(plan, ticket.support_plan_id, ticket.number)
            self.assertEqual(ticket.contract_id, plan.contract_id)
            self.assertEqual(bool(ticket.closed_date), ticket.stage_id.closed)
        self.assertTrue(covered.filtered("sla_resolution_deadline"))
        tickets._validate_fields(tickets._fields)
        names = tickets.mapped("number")
        self.assertEqual(len(set(names)), len(names))

    def test_categories_give_next_offer_lifts(self):
        """24 products in 12 leaf categories under the three pricing families:
        the next-offer recompute finds categories to offer."""
        products = self.env["product.product"].browse(self.meta["products"])
        self.assertEqual(len(products.categ_id), self.gen.CATEGORIES)
        self.assertEqual(len(products.categ_id.parent_id), 3)
        Offer = self.env["crm.next.offer"]
        Offer._recompute(self.env.company)
        offers = Offer.search([("company_id", "=", self.env.company.id)])
        self.assertGreater(len(offers), 10)
        self.assertGreater(len(offers.categ_id), 3)
        self.assertTrue(all(lift > 1 for lift in offers.mapped("lift")))
