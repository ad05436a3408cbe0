# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PricerCase


@tagged("post_install", "-at_install")
class TestApproval(PricerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Authority = cls.env["crm.quote.authority"]
        cls.salesman_authority = Authority.create(
            {"user_id": cls.salesman.id, "max_discount": 5.0, "min_margin": 10.0}
        )
        cls.approver_authority = Authority.create(
            {
                "user_id": cls.approver.id,
                "max_discount": 30.0,
                "min_margin": 0.0,
                "can_approve": True,
                "forbid_self_approval": True,
            }
        )
        cls.manager_authority = Authority.create(
            {
                "user_id": cls.pricing_manager.id,
                "max_discount": 100.0,
                "min_margin": -50.0,
                "allow_below_floor": True,
                "can_approve": True,
            }
        )
        cls.production_user = new_test_user(
            cls.env, login="pricer_production", groups="mrp.group_mrp_user"
        )
        cls.billing_user = new_test_user(
            cls.env, login="pricer_billing", groups="account.group_account_invoice"
        )
        cls.portal_user = new_test_user(
            cls.env, login="pricer_portal", groups="base.group_portal"
        )

    def _discounted(self, discount=10.0):
        order = self._order()
        order.order_line.discount = discount
        return order.with_user(self.salesman)

    def test_within_authority(self):
        order = self._discounted(4.0)
        self.assertFalse(order.pricer_needs_approval)
        self.assertFalse(order.need_validation)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_outside_authority_blocks_everything(self):
        order = self._discounted(10.0)
        self.assertTrue(order.pricer_needs_approval)
        self.assertEqual(order.pricer_max_discount, 10.0)
        self.assertEqual(
            order.pricer_approver_ids, self.approver | self.pricing_manager
        )
        self.assertTrue(order.need_validation)
        with self.assertRaises(UserError):
            order.action_confirm()
        with self.assertRaises(UserError):
            order.action_quotation_send()
        with self.assertRaises(UserError):
            self.env["ir.actions.report"]._render_qweb_html(
                "sale.report_saleorder", order.ids
            )
        order.sudo().require_signature = True
        self.assertFalse(order._has_to_be_signed())
        self.assertEqual(order.state, "draft")

    def test_approve_then_confirm_with_history(self):
        order = self._discounted(10.0)
        order.request_validation()
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(
            order.review_ids.reviewer_ids, self.approver | self.pricing_manager
        )
        with self.assertRaises(UserError):
            order.with_user(self.salesman).validate_tier()
        order.with_user(self.approver).validate_tier()
        self.assertEqual(order.validation_status, "validated")
        # the second approver acting late gets a clear error
        with self.assertRaises(UserError):
            order.with_user(self.pricing_manager).validate_tier()
        self.assertIn("accepted", " ".join(order.message_ids.mapped("body")).lower())
        order.action_quotation_send()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_change_after_approval_voids(self):
        for change in ("discount", "qty", "price", "new_line", "unlink"):
            with self.subTest(change=change):
                order = self._order([(self.product, 1.0), (self.product_b, 1.0)])
                order.order_line.discount = 10.0
                order.request_validation()
                order.with_user(self.approver).validate_tier()
                self.assertEqual(order.validation_status, "validated")
                line = order.order_line[0]
                if change == "discount":
                    line.discount = 12.0
                elif change == "qty":
                    line.product_uom_qty = 3.0
                elif change == "price":
                    line.price_unit = 95.0
                elif change == "new_line":
                    order.write(
                        {"order_line": [(0, 0, {"product_id": self.product_b.id})]}
                    )
                else:
                    order.order_line[1].unlink()
                self.assertFalse(order.review_ids)
                self.assertTrue(order.need_validation)
                self.assertIn(
                    "Approval voided", " ".join(order.message_ids.mapped("body"))
                )
                with self.assertRaises(UserError):
                    order.action_confirm()

    def test_repricing_after_approval_voids(self):
        order = self._discounted(10.0)
        order.request_validation()
        order.with_user(self.approver).validate_tier()
        order.action_pricer_price()  # nothing changes: approval kept
        self.assertEqual(order.validation_status, "validated")
        self._rule(percent=2.0)
        order.action_pricer_price()
        self.assertEqual(order.order_line.price_unit, 98.0)
        self.assertFalse(order.review_ids)
        self.assertTrue(order.need_validation)

    def test_duplicate_starts_unapproved(self):
        order = self._discounted(10.0)
        order.request_validation()
        order.with_user(self.approver).validate_tier()
        copy = order.copy()
        self.assertFalse(copy.review_ids)
        self.assertTrue(copy.need_validation)
        with self.assertRaises(UserError):
            copy.action_confirm()

    def test_self_approval_forbidden(self):
        order = self._discounted(10.0)
        order.with_user(self.approver).request_validation()
        self.assertNotIn(self.approver, order.review_ids.reviewer_ids)
        with self.assertRaises(UserError):
            order.with_user(self.approver).validate_tier()
        self.approver_authority.forbid_self_approval = False
        other = self._discounted(10.0)
        other.with_user(self.approver).request_validation()
        self.assertIn(self.approver, other.review_ids.reviewer_ids)

    def test_team_authority(self):
        team = self.env["crm.team"].create({"name": "Big deals"})
        seller = new_test_user(
            self.env,
            login="pricer_team_seller",
            groups="sales_team.group_sale_salesman",
        )
        self.env["crm.quote.authority"].create(
            {"team_id": team.id, "max_discount": 15.0, "min_margin": 0.0}
        )
        team.member_ids = seller
        order = self._order(user=seller)
        order.team_id = team
        order.order_line.discount = 12.0
        self.assertFalse(order.pricer_needs_approval)
        order.order_line.discount = 20.0
        self.assertTrue(order.pricer_needs_approval)
        # a salesperson outside the team cannot borrow its authority
        outsider = self._order(user=self.salesman)
        outsider.team_id = team
        outsider.order_line.discount = 12.0
        self.assertTrue(outsider.pricer_needs_approval)

    def test_authority_batch(self):
        """Orders of several sellers get each their own or their team's row,
        with the same number of queries for 2 orders as for 10."""
        team = self.env["crm.team"].create({"name": "Batch deals"})
        seller = new_test_user(
            self.env,
            login="pricer_batch_seller",
            groups="sales_team.group_sale_salesman",
        )
        self.env["crm.quote.authority"].create(
            {"team_id": team.id, "max_discount": 15.0, "min_margin": 0.0}
        )
        team.member_ids = seller | self.salesman

        def batch(size):
            orders = self.env["sale.order"]
            for index in range(size):
                order = self._order(user=seller if index % 2 else self.salesman)
                order.team_id = team
                order.order_line.discount = 12.0
                orders |= order
            self.env.flush_all()
            self.env.invalidate_all()
            return orders

        def count(orders):
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            orders.mapped("pricer_needs_approval")
            return self.env.cr.sql_log_count - start

        small, large = batch(2), batch(10)
        count(small)  # warm up
        self.assertEqual(count(small), count(large))
        # The salesman's own 5% row wins over the team's 15%; the seller
        # without a row of their own falls back to the team.
        for order in large:
            self.assertEqual(
                order.pricer_needs_approval, order.user_id == self.salesman
            )

    def test_search_needs_approval(self):
        outside = self._discounted(10.0)
        within = self._discounted(4.0)
        margin = self._order()
        margin.order_line.price_unit = 54.0  # below the 10% margin authority
        # no cost and no discount: only the price typed under the rate-card
        # price (12.5% granted) is outside the salesperson's 5%
        hand_priced = self._order([(self.no_cost, 1.0)])
        hand_priced.order_line.price_unit = 70.0
        list_priced = self._order([(self.no_cost, 1.0)])
        self.assertEqual(hand_priced.order_line.pricer_cost, 0.0)
        self.assertEqual(hand_priced.order_line.discount, 0.0)
        self.assertTrue(hand_priced.pricer_needs_approval)
        self.assertFalse(list_priced.pricer_needs_approval)
        Order = self.env["sale.order"].with_user(self.salesman)
        found = Order.search([("pricer_needs_approval", "=", True)])
        self.assertIn(outside, found)
        self.assertIn(margin, found)
        self.assertNotIn(within, found)
        self.assertIn(hand_priced, found)
        self.assertNotIn(list_priced, found)
        others = Order.search([("pricer_needs_approval", "=", False)])
        self.assertIn(within, others)
        self.assertNotIn(outside, others)
        self.assertNotIn(margin, others)
        self.assertIn(list_priced, others)
        self.assertNotIn(hand_priced, others)

    def test_margin_authority(self):
        order = self._order()
        order.order_line.price_unit = 54.0  # 7.4% margin, 0% granted over 100?
        self.assertTrue(order.pricer_needs_approval)
        self.assertLess(order.pricer_min_margin, 10.0)

    def test_authority_bad_input(self):
        Authority = self.env["crm.quote.authority"]
        with self.assertRaises(ValidationError):
            Authority.create({"max_discount": 5.0})
        with self.assertRaises(ValidationError):
            Authority.create({"user_id": self.salesman.id, "max_discount": 150.0})
        with self.assertRaises(ValidationError):
            Authority.create({"user_id": self.salesman.id, "can_approve": True})

    def test_roles(self):
        order = self._discounted(10.0)
        order.request_validation()
        order.with_user(self.approver).validate_tier()
        # salesperson cannot edit the matrix
        with self.assertRaises(AccessError):
            self.salesman_authority.with_user(self.salesman).write(
                {"max_discount": 90.0}
            )
        with self.assertRaises(AccessError):
            self.salesman_authority.with_user(self.sales_manager).write(
                {"max_discount": 90.0}
            )
        self.salesman_authority.with_user(self.pricing_manager).write(
            {"max_discount": 6.0}
        )
        # a sales manager outside the matrix reads but cannot approve
        order.with_user(self.sales_manager).read(["name"])
        order.order_line.discount = 11.0
        order.request_validation()
        with self.assertRaises(UserError):
            order.with_user(self.sales_manager).validate_tier()
        order.with_user(self.approver).validate_tier()
        # production and billing: read, never reprice or approve
        for user in (self.production_user, self.billing_user):
            with self.subTest(user=user.login):
                as_user = order.with_user(user)
                as_user.read(["name", "partner_id", "amount_total"])
                as_user.order_line.read(["price_unit", "discount"])
                as_user.partner_id.read(["name"])
                with self.assertRaises(AccessError):
                    as_user.order_line.write({"price_unit": 1.0})
                with self.assertRaises(AccessError):
                    as_user.order_line.write({"discount": 50.0})
                with self.assertRaises(UserError):
                    as_user.validate_tier()
        # portal customer: cannot reprice
        order.sudo().partner_id = self.portal_user.partner_id
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).order_line.write({"price_unit": 1.0})
        self.assertEqual(order.order_line.discount, 11.0)


@tagged("post_install", "-at_install")
class TestApprovalDefaults(PricerCase):
    """What a company gets before and around its authority matrix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman_authority = cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 5.0}
        )

    def test_company_without_authority_sells_as_before(self):
        other = self.env["res.company"].create({"name": "No authority Ltd"})
        self.salesman.company_ids |= other
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "user_id": self.salesman.id,
                "company_id": other.id,
                "order_line": [(0, 0, {"product_id": self.product.id})],
            }
        )
        order.order_line.discount = 40.0
        self.assertFalse(order.pricer_needs_approval)
        order.with_user(self.salesman).with_company(other).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_sales_managers_approve_when_no_approver_covers(self):
        order = self._order()
        order.order_line.discount = 12.0
        self.assertTrue(order.pricer_needs_approval)
        self.assertIn(self.sales_manager, order.pricer_approver_ids)
        self.assertNotIn(self.salesman, order.pricer_approver_ids)
        order.with_user(self.salesman).request_validation()
        with self.assertRaises(UserError):
            order.with_user(self.salesman).validate_tier()
        order.with_user(self.sales_manager).validate_tier()
        self.assertTrue(order._pricer_is_approved())
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_credit_and_optional_lines(self):
        """A negative quantity or price gives value back: only a full (100%)
        authority covers it. An unselected option (quantity 0) at its price
        needs nothing."""
        optional = self._order([(self.product, 0.0)])
        self.assertFalse(optional.pricer_needs_approval)
        credit = self._order([(self.product, 1.0), (self.product_b, -2.0)])
        self.assertTrue(credit.order_line[1].pricer_credit)
        self.assertTrue(credit.pricer_needs_approval)
        self.assertEqual(credit.pricer_max_discount, 100.0)
        negative = self._order()
        negative.order_line.price_unit = -10.0
        self.assertTrue(negative.pricer_needs_approval)
        self.assertLess(negative.order_line.pricer_margin, 0.0)
        self.salesman_authority.max_discount = 100.0
        self.env.invalidate_all()
        self.assertFalse(credit.pricer_needs_approval)

    def test_other_tiers_follow_their_own_rules(self):
        """A tier that is not the discount authority (an amount threshold)
        is base_tier_validation's: our gate neither blocks printing or
        sending for it nor takes its decisions."""
        self.env["tier.definition"].create(
            {
                "name": "Big amount",
                "model_id": self.env.ref("sale.model_sale_order").id,
                "review_type": "individual",
                "reviewer_id": self.sales_manager.id,
                "definition_domain": "[('amount_untaxed', '>', 50)]",
            }
        )
        order = self._order().with_user(self.salesman)
        self.assertFalse(order.pricer_needs_approval)
        self.assertTrue(order.need_validation)
        self.assertFalse(order._pricer_approval_blocked())
        self.env["ir.actions.report"]._render_qweb_html(
            "sale.report_saleorder", order.ids
        )
        order.action_quotation_sent()
        with self.assertRaises(ValidationError):
            order.action_confirm()
        order.request_validation()
        order.with_user(self.sales_manager).validate_tier()
        # base_tier_validation's need_validation has no dependencies: a new
        # request (here, a clean cache) sees the reviews
        order.invalidate_recordset()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
