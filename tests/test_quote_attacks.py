# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The quote approval gate and the read-only roles, attacked over JSON-RPC.

Each test is one hole a client found through the API (issue 14): the role
that reached it sends exactly what the API accepts, and the promise must
hold: a quote outside the salesperson's authority is not confirmed, sent or
printed until someone else approved it as it is, and production and billing
read quotes without changing them.
"""

import math

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .quote_common import DOWN_PAYMENT, QuoteAttackMixin

REFUSED = ("odoo.exceptions.AccessError",)
INVALID = ("odoo.exceptions.ValidationError", "odoo.exceptions.UserError")
MUTED = ("odoo.http", "odoo.models", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install", "crm_suite")
class TestQuoteAttacks(QuoteAttackMixin, HttpCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_quote_world()

    def assert_not_confirmed(self, order, role="salesperson"):
        outcome = self.rpc_as(role, "sale.order", "action_confirm", [order.id])
        self.assert_refused(outcome, INVALID)
        self.assertEqual(order.state, "draft")

    # 1. the approval decision -------------------------------------------
    @mute_logger(*MUTED)
    def test_01_seller_cannot_write_review_status(self):
        order = self.quote(discount=10.0)
        order.with_user(self.seller).request_validation()
        review = order.review_ids
        self.assertEqual(review.status, "pending")
        outcome = self.rpc_as(
            "salesperson", "tier.review", "write", [review.id], {"status": "approved"}
        )
        self.assert_refused(outcome)
        self.assertEqual(review.status, "pending")
        for vals in (
            {"done_by": self.approver.id},
            {"reviewer_ids": [Command.set(self.seller.ids)]},
            {"pricer_seal": "x"},
            {"res_id": order.id + 1},
        ):
            self.assert_refused(
                self.rpc("tier.review", "write", [review.id], vals), REFUSED
            )
        self.assert_refused(self.rpc("tier.review", "unlink", [review.id]), REFUSED)
        self.assert_not_confirmed(order)

    @mute_logger(*MUTED)
    def test_01_seller_cannot_create_an_approved_review(self):
        order = self.quote(discount=10.0)
        definition = self.env.ref("crm_quote_pricer.tier_definition_quote_authority")
        outcome = self.rpc_as(
            "salesperson",
            "tier.review",
            "create",
            {
                "model": "sale.order",
                "res_id": order.id,
                "definition_id": definition.id,
                "status": "approved",
                "done_by": self.approver.id,
            },
        )
        self.assert_refused(outcome)
        self.assertFalse(order.review_ids)
        self.assert_not_confirmed(order)

    @mute_logger(*MUTED)
    def test_01_default_values_do_not_approve(self):
        """request_validation creates the reviews: the client's context
        defaults must not reach them."""
        order = self.quote(discount=10.0)
        self.rpc_as(
            "salesperson",
            "sale.order",
            "request_validation",
            [order.id],
            context={"default_status": "approved", "default_done_by": self.seller.id},
        )
        self.assertEqual(order.review_ids.status, "pending")
        self.assertFalse(order.review_ids.done_by)
        self.assert_not_confirmed(order)

    @mute_logger(*MUTED)
    def test_01_approval_written_around_validate_does_not_pass(self):
        """Even a review made 'approved' without the approver's Validate (as
        the superuser could) leaves the gate closed: no seal."""
        order = self.quote(discount=10.0)
        order.with_user(self.seller).request_validation()
        order.review_ids.sudo().write(
            {"status": "approved", "done_by": self.approver.id}
        )
        self.assertEqual(order.validation_status, "validated")
        self.assert_not_confirmed(order)

    @mute_logger(*MUTED)
    def test_01_comment_wizard_cannot_decide_for_others(self):
        order = self.quote(discount=10.0)
        order.with_user(self.seller).request_validation()
        review = order.review_ids
        outcome = self.rpc_as(
            "salesperson",
            "comment.wizard",
            "create",
            {
                "res_model": "sale.order",
                "res_id": order.id,
                "review_ids": [Command.set(review.ids)],
                "validate_reject": "validate",
                "comment": "fine by me",
            },
        )
        wizard_id = outcome[0]
        if wizard_id:
            self.assert_refused(
                self.rpc("comment.wizard", "add_comment", [wizard_id]), REFUSED
            )
        self.assertEqual(review.status, "pending")
        self.assertFalse(review.comment)

    @mute_logger(*MUTED)
    def test_01_portal_and_no_app_users_read_no_review(self):
        order = self.approved_quote()
        self.assertTrue(order.review_ids)
        for role in ("portal", "employee", "production_user", "billing_user"):
            with self.subTest(role=role):
                result, error, _msg = self.rpc_as(
                    role, "tier.review", "search_read", [], fields=["status"]
                )
                self.assertFalse(result, (role, error))
        result, error, _msg = self.rpc_as(
            "salesperson", "tier.review", "search_read", [], fields=["status"]
        )
        self.assertIsNone(error)
        self.assertIn(order.review_ids.id, [row["id"] for row in result])

    # 2. context keys ------------------------------------------------------
    @mute_logger(*MUTED)
    def test_02_context_key_does_not_keep_the_approval(self):
        order = self.approved_quote()
        outcome = self.rpc_as(
            "salesperson",
            "sale.order.line",
            "write",
            order.order_line.ids,
            {"discount": 90.0},
            context={"sale_write_from_compute": True},
        )
        self.assertIsNone(outcome[1], outcome)
        self.assertEqual(order.order_line.discount, 90.0)
        self.assertFalse(order.review_ids)
        self.assert_not_confirmed(order)

    # 3. the reference price and the engine's results ----------------------
    @mute_logger(*MUTED)
    def test_03_reference_price_is_not_client_writable(self):
        order = self.quote()
        line = order.order_line
        self.assertEqual(line.pricer_rate_price, 95.0)
        outcome = self.rpc_as(
            "salesperson",
            "sale.order.line",
            "write",
            line.ids,
            {"price_unit": 1.0, "technical_price_unit": 1.0},
        )
        self.assertIsNone(outcome[1], outcome)
        self.assertEqual(line.pricer_rate_price, 95.0)
        self.assertTrue(order.pricer_needs_approval)
        self.assert_not_confirmed(order)

    @mute_logger(*MUTED)
    def test_03_engine_results_refused_to_clients(self):
        order = self.quote()
        line = order.order_line
        for vals in (
            {"pricer_cost": 0.0, "pricer_margin_floor": 0.0},
            {"pricer_rate_price": 1.0},
            {"pricer_list_price": 1.0},
            {"pricer_down_payment": 0.0},
        ):
            with self.subTest(vals=vals):
                outcome = self.rpc_as(
                    "salesperson", "sale.order.line", "write", line.ids, vals
                )
                self.assert_refused(outcome)
        self.assertEqual(line.pricer_cost, 50.0)
        self.assertEqual(line.pricer_margin_floor, 15.0)
        # the pricing manager may correct them
        outcome = self.rpc_as(
            "pricing_manager",
            "sale.order.line",
            "write",
            line.ids,
            {"pricer_margin_floor": 20.0},
        )
        self.assertIsNone(outcome[1], outcome)
        self.assertEqual(line.pricer_margin_floor, 20.0)

    # 4. negative prices and quantities -------------------------------------
    @mute_logger(*MUTED)
    def test_04_negative_price_or_quantity_needs_approval(self):
        for vals in (
            {"price_unit": -50.0},
            {"price_unit": -50.0, "technical_price_unit": -50.0},
            {"product_uom_qty": -2.0},
        ):
            with self.subTest(vals=vals):
                order = self.quote()
                outcome = self.rpc_as(
                    "salesperson",
                    "sale.order.line",
                    "write",
                    order.order_line.ids,
                    vals,
                )
                self.assertIsNone(outcome[1], outcome)
                self.assertTrue(order.pricer_needs_approval)
                self.assertLessEqual(order.pricer_min_margin, 0.0)
                self.assert_not_confirmed(order)

    # 5. the team whose authority applies -----------------------------------
    @mute_logger(*MUTED)
    def test_05_borrowed_team_authority_does_not_apply(self):
        order = self.quote(discount=20.0)  # within the big team's 50%
        outcome = self.rpc_as(
            "salesperson",
            "sale.order",
            "write",
            order.ids,
            {"team_id": self.big_team.id},
        )
        self.assertIsNone(outcome[1], outcome)
        self.assertEqual(order.team_id, self.big_team)
        self.assertTrue(order.pricer_needs_approval)
        self.assert_not_confirmed(order)
        # without a row of their own, a salesperson has the authority of the
        # team they belong to, not of the team they pick
        self.env["crm.quote.authority"].search(
            [("user_id", "=", self.seller.id)]
        ).unlink()
        self.env.invalidate_all()
        self.assertTrue(order.pricer_needs_approval)
        self.big_team.member_ids = self.seller
        self.env.invalidate_all()
        self.assertFalse(order.pricer_needs_approval)

    @mute_logger(*MUTED)
    def test_05_changing_team_voids_the_approval(self):
        order = self.approved_quote()
        team = self.env["crm.team"].create({"name": "QA other team"})
        outcome = self.rpc_as(
            "salesperson", "sale.order", "write", order.ids, {"team_id": team.id}
        )
        self.assertIsNone(outcome[1], outcome)
        self.assertFalse(order.review_ids)
        self.assert_not_confirmed(order)

    # 6. production and billing read only ------------------------------------
    @mute_logger(*MUTED)
    def test_06_production_and_billing_write_nothing(self):
        order = self.approved_quote()
        line = order.order_line
        other = self.env["product.product"].create({"name": "QA other"})
        tax = self.env["account.tax"].create({"name": "QA tax", "amount": 1.0})
        for role in ("production_user", "billing_user"):
            for vals in (
                {"product_uom_qty": 7.0},
                {"product_id": other.id},
                {"tax_ids": [Command.set(tax.ids)]},
                {"name": "renamed"},
            ):
                with self.subTest(role=role, vals=vals):
                    self.assert_refused(
                        self.rpc_as(role, "sale.order.line", "write", line.ids, vals)
                    )
                    self.assert_refused(
                        self.rpc(
                            "sale.order",
                            "write",
                            order.ids,
                            {"order_line": [Command.update(line.id, vals)]},
                        )
                    )
            with self.subTest(role=role, field="pricer_down_payment"):
                self.assert_refused(
                    self.rpc(
                        "sale.order", "write", order.ids, {"pricer_down_payment": 90}
                    )
                )
            # chatter stays open to them
            outcome = self.rpc(
                "sale.order", "message_post", [order.id], body="MO planned for May"
            )
            self.assertIsNone(outcome[1], outcome)
        self.assertEqual(line.product_uom_qty, 1.0)
        self.assertEqual(line.product_id, self.product)
        self.assertFalse(line.tax_ids)
        self.assertEqual(order.pricer_down_payment, DOWN_PAYMENT)
        self.assertTrue(order._pricer_is_approved())

    # 7. the down payment's range ---------------------------------------------
    @mute_logger(*MUTED)
    def test_07_down_payment_range(self):
        order = self.quote()
        for value in (-10.0, 100.5, math.nan, math.inf):
            with self.subTest(value=value):
                outcome = self.rpc_as(
                    "salesperson",
                    "sale.order",
                    "write",
                    order.ids,
                    {"pricer_down_payment": value},
                )
                self.assert_refused(outcome, ("odoo.exceptions.ValidationError",))
                self.assertEqual(order.pricer_down_payment, DOWN_PAYMENT)

    # 8. the plan without the Price Quote button -----------------------------
    @mute_logger(*MUTED)
    def test_08_down_payment_without_price_quote(self):
        self.login("salesperson")
        order_id, error, message = self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 2}
                    )
                ],
            },
        )
        self.assertIsNone(error, message)
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.pricer_down_payment, DOWN_PAYMENT)
        self.assertEqual(order.order_line.price_unit, 95.0)
        outcome = self.rpc("sale.order", "action_confirm", [order_id])
        self.assertIsNone(outcome[1], outcome)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.pricer_down_payment_invoiced)
        down_payment = self.env["account.move"].search(
            [("pricer_sale_order_id", "=", order.id)]
        )
        self.assertEqual(len(down_payment), 1)
        self.assertAlmostEqual(down_payment.amount_untaxed, 2 * 95.0 * 0.3)

    # 9. a malformed waterfall ------------------------------------------------
    @mute_logger(*MUTED)
    def test_09_malformed_waterfall(self):
        order = self.quote()
        line = order.order_line
        garbage = [{"rule": "x", "after": "abc"}]
        self.assert_refused(
            self.rpc_as(
                "salesperson",
                "sale.order.line",
                "write",
                line.ids,
                {"pricer_waterfall": garbage},
            )
        )
        for bad in (
            garbage,
            {"rule": "x"},
            [["x", 1]],
            [{"rule": "x", "after": 1e400}],
        ):
            with self.subTest(bad=bad):
                self.assert_refused(
                    self.rpc_as(
                        "pricing_manager",
                        "sale.order.line",
                        "write",
                        line.ids,
                        {"pricer_waterfall": bad},
                    ),
                    ("odoo.exceptions.ValidationError",),
                )
        result, error, message = self.rpc_as(
            "salesperson",
            "sale.order.line",
            "read",
            line.ids,
            ["pricer_waterfall_html", "pricer_waterfall_summary"],
        )
        self.assertIsNone(error, message)
        self.assertIn("QA rate card", result[0]["pricer_waterfall_summary"])

    # the down-payment invoice's link to its quote ----------------------------
    @mute_logger(*MUTED)
    def test_10_down_payment_link_not_client_writable(self):
        order = self.quote()
        order.action_confirm()
        invoice = self.env["account.move"].search(
            [("pricer_sale_order_id", "=", order.id)]
        )
        other = self.quote()
        self.assert_refused(
            self.rpc_as(
                "billing_user",
                "account.move",
                "write",
                invoice.ids,
                {"pricer_sale_order_id": other.id},
            )
        )
        self.assertEqual(invoice.pricer_sale_order_id, order)
