# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's story end to end, each step done by the user whose job it is.

A lead from a Spanish manufacturer is routed to the salesperson of the Spain
territory (crm_pipeline_ext), who moves it through gated stages and prices a
quote from the rate card (crm_quote_pricer); an approver approves the extra
discount, the customer signs on the portal, production gets the
manufacturing order and billing the down payment. Later the customer's
tickets run against their support contract (crm_helpdesk_link), which raises
an upsell opportunity for the salesperson, and the RFM recompute puts the
customer in a segment that feeds a mailing list (crm_segmentation).
"""

from ast import literal_eval

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .story_common import (
    DOWN_PAYMENT,
    EXTRA_DISCOUNT,
    LIST_PRICE,
    QUANTITY,
    RATE_CARD_DISCOUNT,
    StoryMixin,
)

PRICED = LIST_PRICE * (1 - RATE_CARD_DISCOUNT / 100)  # 9,500.00
# a 1x1 PNG, the signature drawn on the portal
SIGNATURE = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    b"AAAAASUVORK5CYII="
)
UNTAXED = PRICED * QUANTITY * (1 - EXTRA_DISCOUNT / 100)  # 17,480.00


@tagged("post_install", "-at_install", "crm_suite")
class TestStory(StoryMixin, TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.setup_story()

    def test_lead_to_cash_to_support_to_campaign(self):
        lead = self._step1_route_by_territory()
        self._step2_gated_stages(lead)
        order = self._step3_price_quote(lead)
        self._step4_approve(order)
        self._step5_customer_confirms(order)
        down_payment = self._step6_production_and_billing(order)
        ticket, over_quota = self._step7_tickets_under_contract()
        self._step8_upsell(over_quota)
        self._step9_segment_to_mailing_list(down_payment, ticket)

    # ------------------------------------------------------------------
    def _step1_route_by_territory(self):
        """The sales manager enters the lead; nobody picks the salesperson."""
        lead = self.lead_arrives()
        self.assertEqual(lead.country_id, self.spain)
        self.assertEqual(lead.territory_id, self.territory)
        self.assertEqual(lead.user_id, self.sales)
        self.assertEqual(lead.team_id, self.team)
        # the salesperson finds it among their own opportunities
        mine = (
            self.env["crm.lead"]
            .with_user(self.sales)
            .search([("user_id", "=", self.sales.id)])
        )
        self.assertIn(lead, mine)
        return lead.with_user(self.sales)

    def _step2_gated_stages(self, lead):
        # Qualified requires an expected revenue: refused, nothing changes
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            lead.write({"stage_id": self.stage_qualified.id})
        self.assertIn("Expected Revenue", str(err.exception))
        self.assertNotEqual(lead.stage_id, self.stage_qualified)
        lead.write({"expected_revenue": 19000.0})
        lead.write({"stage_id": self.stage_qualified.id})
        self.assertEqual(lead.stage_id, self.stage_qualified)
        # Proposal requires the checklist and a 30% probability
        lead.write({"probability": 20.0})
        with self.assertRaises(ValidationError) as err, self.env.cr.savepoint():
            lead.write({"stage_id": self.stage_proposal.id})
        message = str(err.exception)
        self.assertIn("Budget confirmed by the customer", message)
        self.assertIn("Probability at least 30%", message)
        self.assertEqual(lead.stage_id, self.stage_qualified)
        lead.write(
            {
                "probability": 40.0,
                "checklist_done_ids": [(4, self.checklist_budget.id)],
            }
        )
        lead.write({"stage_id": self.stage_proposal.id})
        self.assertEqual(lead.stage_id, self.stage_proposal)
        history = lead.stage_history_ids.sorted("id")
        self.assertEqual(
            history.stage_to_id[-2:], self.stage_qualified | self.stage_proposal
        )
        self.assertEqual(set(history.user_id.ids), {self.manager.id, self.sales.id})

    def _step3_price_quote(self, lead):
        # no quote yet: the button opens a new quotation for the customer
        action = lead.action_pricer_price_quotes()
        context = action["context"]
        self.assertEqual(context["default_opportunity_id"], lead.id)
        self.assertEqual(context["default_user_id"], self.sales.id)
        order = (
            self.env["sale.order"]
            .with_user(self.sales)
            .with_context(
                **{k: v for k, v in context.items() if k.startswith("default_")}
            )
            .create(
                {
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.press.id,
                                "product_uom_qty": QUANTITY,
                                # typed by hand; the rate card replaces it
                                "price_unit": 11000.0,
                            },
                        )
                    ]
                }
            )
        )
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.opportunity_id, lead)
        self.assertEqual(order.team_id, self.team)
        line = self.press_line = order.order_line
        self.assertEqual(line.price_unit, 11000.0)
        lead.action_pricer_price_quotes()
        self.assertEqual(line.price_unit, PRICED)
        self.assertEqual(order.pricer_down_payment, DOWN_PAYMENT)
        self.assertEqual(
            [step["rule"] for step in line.pricer_waterfall][1:],
            [self.rate_card.name],
        )
        self.assertFalse(order.pricer_needs_approval)
        # the customer negotiates 8% more, over the salesperson's 5%
        line.discount = EXTRA_DISCOUNT
        # granted against the rate card price, not the replaced hand price
        self.assertAlmostEqual(line.pricer_granted_discount, EXTRA_DISCOUNT)
        self.assertTrue(order.pricer_needs_approval)
        self.assertEqual(order.pricer_approver_ids, self.approver)
        with self.assertRaises(UserError):
            order.action_confirm()
        with self.assertRaises(UserError):
            order.action_quotation_send()
        order.request_validation()
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(order.review_ids.reviewer_ids, self.approver)
        # nobody approves their own quote
        with self.assertRaises(UserError):
            order.validate_tier()
        return order

    def _step4_approve(self, order):
        as_approver = order.with_user(self.approver)
        self.assertIn(
            order,
            self.env["sale.order"]
            .with_user(self.approver)
            .search([("pricer_needs_approval", "=", True)]),
        )
        as_approver.validate_tier()
        self.assertEqual(order.validation_status, "validated")
        self.assertEqual(order.review_ids.done_by, self.approver)
        self.assertAlmostEqual(order.amount_untaxed, UNTAXED)
        # approved: the salesperson sends it to the customer
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")

    def _step5_customer_confirms(self, order):
        """The customer signs on the portal (what /my/orders/<id>/accept does:
        access checked as the portal user, then the signature as superuser)."""
        as_customer = order.with_user(self.portal)
        as_customer.check_access("read")
        self.assertEqual(as_customer.amount_untaxed, UNTAXED)
        with self.assertRaises(AccessError):
            as_customer.order_line.write({"price_unit": 1.0})
        order_sudo = as_customer.sudo()
        self.assertTrue(order_sudo._has_to_be_signed())
        order_sudo.write(
            {
                "signed_by": self.portal.name,
                "signed_on": fields.Datetime.now(),
                "signature": SIGNATURE,
            }
        )
        self.assertFalse(order_sudo._has_to_be_paid())
        order_sudo._validate_order()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.press_line.price_unit, PRICED)

    def _step6_production_and_billing(self, order):
        # production: the manufacturing order of the quote, notified to them
        production = (
            self.env["mrp.production"]
            .with_user(self.production)
            .search([("pricer_sale_order_id", "=", order.id)])
        )
        self.assertEqual(len(production), 1)
        self.assertEqual(production.product_id, self.press)
        self.assertEqual(production.product_qty, QUANTITY)
        self.assertEqual(production.pricer_partner_id, self.customer)
        self.assertIn(
            self.production.partner_id, production.sudo().message_ids.partner_ids
        )
        # billing: the draft down payment in their "to invoice" list
        Move = self.env["account.move"].with_user(self.billing)
        to_invoice = self.env.ref(
            "crm_quote_pricer.account_move_action_pricer_to_invoice"
        )
        down_payment = Move.search(literal_eval(to_invoice.domain)).filtered(
            lambda move: move.pricer_sale_order_id == order
        )
        self.assertEqual(len(down_payment), 1)
        self.assertEqual(down_payment.state, "draft")
        self.assertEqual(down_payment.partner_id, self.customer)
        self.assertAlmostEqual(
            down_payment.amount_untaxed, UNTAXED * DOWN_PAYMENT / 100
        )
        down_payment.action_post()
        self.assertEqual(down_payment.state, "posted")
        # both read the approved quote and its customer, neither reprices it
        for user in (self.production, self.billing):
            as_user = order.with_user(user)
            values = as_user.read(["name", "partner_id", "amount_untaxed"])[0]
            self.assertEqual(values["partner_id"][0], self.customer.id)
            self.assertAlmostEqual(values["amount_untaxed"], UNTAXED)
            press_line = self.press_line.with_user(user)
            line_values = press_line.read(["price_unit", "discount"])[0]
            self.assertEqual(line_values["price_unit"], PRICED)
            self.assertEqual(line_values["discount"], EXTRA_DISCOUNT)
            partner_values = as_user.partner_id.read(["name", "country_id"])[0]
            self.assertEqual(partner_values["name"], self.customer.name)
            for vals in ({"price_unit": 1.0}, {"discount": 50.0}):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    press_line.write(vals)
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                as_user.write({"order_line": [(1, press_line.id, {"price_unit": 1.0})]})
            with self.assertRaises(UserError), self.env.cr.savepoint():
                as_user.validate_tier()
        self.assertEqual(self.press_line.price_unit, PRICED)
        self.assertEqual(self.press_line.discount, EXTRA_DISCOUNT)
        self.assertAlmostEqual(order.amount_untaxed, UNTAXED)
        return down_payment

    def _step7_tickets_under_contract(self):
        contract, plan = self.setup_support_contract()
        # the customer opens a ticket on the portal
        ticket = self.portal_ticket(
            "HP-200 loses pressure", "<p>The press loses pressure after an hour.</p>"
        )
        self.assertEqual(ticket.support_plan_id, plan)
        self.assertEqual(ticket.contract_id, contract)
        self.assertEqual(ticket.coverage_state, "covered")
        self.assertFalse(ticket.user_id)
        # the support agent works six hours on it and closes it
        as_support = ticket.with_user(self.support).sudo(False)
        self.assertEqual(as_support.coverage_state, "covered")
        self.assertEqual(as_support.tickets_remaining, 1)
        as_support.write({"user_id": self.support.id, "product_id": self.press.id})
        as_support.support_hours = 6.0
        as_support.stage_id = self.stage_done
        self.assertEqual(plan.tickets_used, 1)
        self.assertEqual(plan.hours_used, 6.0)
        self.assertEqual(plan.hours_remaining, 0.0)
        # the two hours beyond the four of the plan are billed at its rate
        self.assertEqual(ticket.billable_hours, 2.0)
        self.assertEqual(ticket.billing_state, "invoiced")
        line = ticket.sudo().invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual((line.quantity, line.price_unit), (2.0, 100.0))
        self.assertEqual(line.product_id, self.support_hour)
        # billing finds the draft, reviews and posts it
        invoice = (
            self.env["account.move"].with_user(self.billing).browse(line.move_id.id)
        )
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        invoice.action_post()
        # a second ticket in the same month: the hours are used up
        over_quota = self.portal_ticket(
            "HP-200 control panel error", "<p>Error E42 on the panel.</p>"
        )
        self.assertEqual(over_quota.support_plan_id, plan)
        self.assertEqual(over_quota.coverage_state, "over_quota")
        return ticket, over_quota

    def _step8_upsell(self, over_quota):
        Lead = self.env["crm.lead"].with_user(self.sales)
        upsell = Lead.search([("helpdesk_ticket_id", "=", over_quota.id)])
        self.assertEqual(len(upsell), 1)
        self.assertEqual(upsell.user_id, self.sales)
        self.assertEqual(upsell.partner_id, self.customer)
        self.assertEqual(upsell.upsell_rule, "over_quota")
        self.assertEqual(upsell.support_contract_id, over_quota.sudo().contract_id)
        self.assertEqual(upsell.type, "opportunity")
        # the salesperson opens the ticket behind it from the opportunity
        action = upsell.action_view_helpdesk_ticket()
        self.assertEqual(action["res_id"], over_quota.id)

    def _step9_segment_to_mailing_list(self, down_payment, ticket):
        config = self.fixed_rfm_config()
        config.action_recompute()
        score = (
            self.env["crm.rfm.score"]
            .with_user(self.marketing)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(len(score), 1)
        # two posted invoices today: the down payment and the support hours
        self.assertEqual(score.frequency, 2)
        self.assertAlmostEqual(
            score.monetary,
            down_payment.amount_untaxed + ticket.sudo().invoice_line_ids.price_subtotal,
        )
        self.assertEqual((score.r_score, score.f_score, score.m_score), (5, 2, 3))
        new_customers = self.env.ref("crm_segmentation.rfm_class_new")
        self.assertEqual(score.class_id, new_customers)
        segment = (
            self.env["crm.segment"]
            .with_user(self.marketing)
            .create(
                {
                    "name": "Story new customers",
                    "class_ids": [(6, 0, new_customers.ids)],
                }
            )
        )
        segment.action_compute()
        self.assertIn(self.customer, segment.member_ids.partner_id)
        segment.action_sync_mailing_list()
        self.assertEqual(segment.sync_state, "ok")
        mailing_list = segment.mailing_list_id
        self.assertTrue(mailing_list)
        self.assertIn(
            self.customer.email_normalized,
            mailing_list.contact_ids.mapped("email_normalized"),
        )
