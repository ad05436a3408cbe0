# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import make_mto_product

# a 1x1 PNG: what a signature pad sends
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


def build_portal_world(cls):
    """A sent quote of a portal customer with limits on its lines: Frame A
    (5, the customer chooses 1 to 20) and the option Bolt B (2, may be
    left out); 10 frames or more take a 45% volume discount that leaves a
    9% margin, below the salesperson's 10%."""
    env = cls.env
    cls.pricelist = env["product.pricelist"].create(
        {"name": "Portal PL", "currency_id": env.company.currency_id.id}
    )
    cls.frame = env["product.product"].create(
        {
            "name": "Frame A",
            "type": "consu",
            "list_price": 100.0,
            "standard_price": 50.0,
            "taxes_id": [(6, 0, [])],
        }
    )
    cls.bolt = env["product.product"].create(
        {
            "name": "Bolt B",
            "type": "consu",
            "list_price": 10.0,
            "standard_price": 4.0,
            "taxes_id": [(6, 0, [])],
        }
    )
    env["crm.quote.price.rule"].create(
        {
            "name": "Volume",
            "method": "qty_break",
            "break_mode": "range",
            "tier_ids": [
                (0, 0, {"min_qty": 0, "max_qty": 10, "discount": 0.0}),
                (0, 0, {"min_qty": 10, "max_qty": 0, "discount": 45.0}),
            ],
        }
    )
    cls.salesman = new_test_user(
        env, login="cfg_salesman", groups="sales_team.group_sale_salesman"
    )
    cls.approver = new_test_user(
        env, login="cfg_approver", groups="crm_quote_pricer.group_quote_approver"
    )
    Authority = env["crm.quote.authority"]
    Authority.create(
        {"user_id": cls.salesman.id, "max_discount": 5.0, "min_margin": 10.0}
    )
    Authority.create(
        {
            "user_id": cls.approver.id,
            "max_discount": 30.0,
            "min_margin": 0.0,
            "can_approve": True,
        }
    )
    cls.customer = new_test_user(env, login="cfg_portal", groups="base.group_portal")
    cls.stranger = new_test_user(
        env, login="cfg_portal_other", groups="base.group_portal"
    )
    cls.order = make_configurable_quote(cls, cls.customer.partner_id)
    cls.other_order = make_configurable_quote(cls, cls.stranger.partner_id)
    cls.frame_line = cls.order.order_line.filtered(
        lambda line: line.product_id == cls.frame
    )
    cls.bolt_line = cls.order.order_line.filtered(
        lambda line: line.product_id == cls.bolt
    )


def make_configurable_quote(cls, partner, send=True):
    order = (
        cls.env["sale.order"]
        .with_user(cls.salesman)
        .create(
            {
                "partner_id": partner.id,
                "pricelist_id": cls.pricelist.id,
                "user_id": cls.salesman.id,
                "require_signature": True,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": cls.frame.id,
                            "product_uom_qty": 5,
                            "pricer_portal_qty_min": 1,
                            "pricer_portal_qty_max": 20,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "product_id": cls.bolt.id,
                            "product_uom_qty": 2,
                            "pricer_portal_optional": True,
                            "pricer_portal_qty_min": 2,
                        },
                    ),
                ],
            }
        )
    )
    if send:
        order.action_quotation_sent()
    return order.sudo(False).with_user(cls.env.user)


@tagged("post_install", "-at_install")
class TestPortalLimits(TransactionCase):
    """The limits are the salesperson's; the customer's changes stay within
    them, through the model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        build_portal_world(cls)
        cls.production_user = new_test_user(
            cls.env, login="cfg_production", groups="mrp.group_mrp_user"
        )
        cls.billing_user = new_test_user(
            cls.env, login="cfg_billing", groups="account.group_account_invoice"
        )

    def _configure(self, changes, user=None, order=None):
        order = order or self.order
        return order.with_user(user or self.customer)._pricer_portal_configure(changes)

    def _snapshot(self, order=None):
        order = order or self.order
        order.invalidate_recordset()
        return (
            order.amount_total,
            order.state,
            tuple(
                (line.id, line.product_uom_qty, line.price_unit, line.discount)
                for line in order.order_line
            ),
        )

    # -- who sets the limits ------------------------------------------------
    def test_salesperson_sets_limits(self):
        self.frame_line.with_user(self.salesman).write(
            {"pricer_portal_qty_min": 2, "pricer_portal_qty_max": 12}
        )
        self.assertEqual(self.frame_line.pricer_portal_qty_max, 12)
        self.bolt_line.with_user(self.salesman).pricer_portal_optional = False
        self.assertFalse(self.bolt_line.pricer_portal_editable)

    def test_other_roles_cannot_write_limits(self):
        for user in (self.customer, self.production_user, self.billing_user):
            for vals in (
                {"pricer_portal_qty_max": 100},
                {"pricer_portal_qty_min": 0},
                {"pricer_portal_optional": True},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        self.frame_line.with_user(user).write(vals)
        self.assertEqual(self.frame_line.pricer_portal_qty_max, 20)

    def test_bad_limits_refused(self):
        line = self.frame_line.with_user(self.salesman)
        for vals in (
            {"pricer_portal_qty_max": float("nan")},
            {"pricer_portal_qty_max": float("inf")},
            {"pricer_portal_qty_min": -1},
            {"pricer_portal_qty_max": 2**31},
            {"pricer_portal_qty_min": 30},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    line.write(vals)
        self.assertEqual(
            (line.pricer_portal_qty_min, line.pricer_portal_qty_max), (1, 20)
        )

    # -- the customer's changes --------------------------------------------
    def test_change_within_limits_reprices(self):
        result = self._configure([{"line_id": self.frame_line.id, "quantity": 8}])
        self.assertEqual(self.frame_line.product_uom_qty, 8)
        self.assertEqual(self.order.amount_untaxed, 820.0)
        self.assertEqual(result["amount_total"], 820.0)
        self.assertFalse(result["needs_approval"])
        self.assertTrue(result["signable"])
        # the volume discount of the rate card, not a price from the client
        result = self._configure([{"line_id": self.frame_line.id, "quantity": 10}])
        self.assertEqual(self.frame_line.price_unit, 55.0)
        self.assertIn("55.00", result["lines"][0]["price_unit_formatted"])
        self.assertIn("Volume", result["lines"][0]["waterfall"])

    def test_option_out_and_back(self):
        self._configure([{"line_id": self.bolt_line.id, "selected": False}])
        self.assertEqual(self.bolt_line.product_uom_qty, 0)
        self._configure([{"line_id": self.bolt_line.id, "selected": True}])
        self.assertEqual(self.bolt_line.product_uom_qty, 2)
        # an option without a maximum goes back at its own quantity only
        with self.assertRaises(UserError):
            self._configure([{"line_id": self.bolt_line.id, "quantity": 7}])

    def test_refused_changes_leave_the_quote(self):
        before = self._snapshot()
        other_line = self.other_order.order_line[0]
        frame = self.frame_line.id
        cases = {
            "over max": ([{"line_id": frame, "quantity": 21}], UserError),
            "under min": ([{"line_id": frame, "quantity": 0}], UserError),
            "negative": ([{"line_id": frame, "quantity": -3}], UserError),
            "nan": ([{"line_id": frame, "quantity": float("nan")}], UserError),
            "inf": ([{"line_id": frame, "quantity": float("inf")}], UserError),
            "2**31": ([{"line_id": frame, "quantity": 2**31}], UserError),
            "string": ([{"line_id": frame, "quantity": "8"}], UserError),
            "bool": ([{"line_id": frame, "quantity": True}], UserError),
            "price": ([{"line_id": frame, "price_unit": 1.0}], AccessError),
            "discount": (
                [{"line_id": frame, "quantity": 8, "discount": 90}],
                AccessError,
            ),
            "other quote's line": (
                [{"line_id": other_line.id, "quantity": 3}],
                AccessError,
            ),
            "line as text": ([{"line_id": str(frame), "quantity": 3}], AccessError),
            "not a list": ({"line_id": frame, "quantity": 3}, UserError),
            "twice": (
                [
                    {"line_id": frame, "quantity": 3},
                    {"line_id": frame, "quantity": 4},
                ],
                UserError,
            ),
            # a valid change does not carry an invalid one through
            "valid then invalid": (
                [
                    {"line_id": self.bolt_line.id, "selected": False},
                    {"line_id": frame, "quantity": 99},
                ],
                UserError,
            ),
        }
        for name, (changes, error) in cases.items():
            with self.subTest(name), self.assertRaises(error):
                self._configure(changes)
            self.assertEqual(self._snapshot(), before)

    def test_over_max_message(self):
        with self.assertRaisesRegex(UserError, "between 1 and 20 of .*Frame A"):
            self._configure([{"line_id": self.frame_line.id, "quantity": 21}])

    def test_only_the_customer_of_a_sent_quote(self):
        change = [{"line_id": self.other_order.order_line[0].id, "quantity": 3}]
        with self.assertRaises(AccessError):
            self._configure(change, user=self.customer, order=self.other_order)
        with self.assertRaises(AccessError):
            self._configure(change, user=self.salesman, order=self.other_order)
        draft = make_configurable_quote(self, self.customer.partner_id, send=False)
        with self.assertRaisesRegex(UserError, "only a sent quote"):
            self._configure(
                [{"line_id": draft.order_line[0].id, "quantity": 3}], order=draft
            )
        self.order.sudo().signature = SIGNATURE
        with self.assertRaises(UserError):
            self._configure([{"line_id": self.frame_line.id, "quantity": 3}])

    # -- authority ------------------------------------------------------------
    def test_outside_authority_waits_for_approval(self):
        result = self._configure([{"line_id": self.frame_line.id, "quantity": 12}])
        order = self.order.sudo()
        self.assertTrue(result["needs_approval"])
        self.assertFalse(result["signable"])
        self.assertIn("approval", result["message"])
        self.assertTrue(order.pricer_needs_approval)
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(order.review_ids.requested_by, self.salesman)
        self.assertFalse(order._has_to_be_signed())
        self.assertFalse(order._has_to_be_paid())
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()
        order.with_user(self.approver).validate_tier()
        self.assertTrue(order._has_to_be_signed())
        # back within authority: signable without approval
        self._configure([{"line_id": self.frame_line.id, "quantity": 6}])
        self.assertFalse(order.pricer_needs_approval)
        self.assertTrue(order._has_to_be_signed())

    def test_within_authority_stays_signable(self):
        self._configure([{"line_id": self.frame_line.id, "quantity": 9}])
        self.assertFalse(self.order.sudo().review_ids)
        self.assertTrue(self.order.sudo()._has_to_be_signed())

    def test_core_option_route_skips_limited_lines(self):
        # sale_management's quantity route knows no limits
        self.assertFalse(self.frame_line._can_be_edited_on_portal())
        self.assertFalse(self.bolt_line._can_be_edited_on_portal())

    # -- to production --------------------------------------------------------
    def test_configuration_reaches_the_mo(self):
        _component, machine = make_mto_product(
            self.env,
            "Portal press",
            "Portal tube",
            list_price=100.0,
            standard_price=50.0,
            taxes_id=[(6, 0, [])],
        )
        self.frame_line.with_user(self.salesman).product_id = machine
        self.env.invalidate_all()
        self._configure(
            [
                {"line_id": self.frame_line.id, "quantity": 7},
                {"line_id": self.bolt_line.id, "selected": False},
            ]
        )
        self.order.with_user(self.salesman).action_confirm()
        production = self.order.sudo().mrp_production_ids
        self.assertEqual(production.product_qty, 7)
        note = production.pricer_configuration_note
        self.assertIn("Portal press: 7.00", note)
        self.assertIn("Option Bolt B: left out", note)
        with self.assertRaises(AccessError):
            production.with_user(self.production_user).write(
                {"pricer_configuration_note": "forged"}
            )

    def test_configuration_note_is_set_based(self):
        small = make_configurable_quote(self, self.customer.partner_id, send=False)
        large = make_configurable_quote(self, self.customer.partner_id, send=False)
        large.sudo().write(
            {
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.bolt.id,
                            "product_uom_qty": 1,
                            "pricer_portal_qty_max": 5,
                        },
                    )
                    for _i in range(8)
                ]
            }
        )

        def count(order):
            self.env.invalidate_all()
            order = order.sudo()
            before = self.env.cr.sql_log_count
            order._pricer_configuration_note()
            return self.env.cr.sql_log_count - before

        count(small)  # warm the caches that do not depend on the order
        self.assertEqual(count(large), count(small))


@tagged("post_install", "-at_install")
class TestPortalConfigureHttp(HttpCase):
    """The same promises over HTTP, as the portal customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_portal_world(cls)

    def _post(self, order_id, changes, token=None, raw=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"changes": changes, "access_token": token},
        }
        response = self.url_open(
            f"/my/orders/{order_id}/pricer_configure",
            data=raw or json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _error(self, reply):
        self.assertIn("error", reply, reply)
        return reply["error"]["data"]

    def _state(self):
        self.env.invalidate_all()
        return (
            self.order.amount_total,
            tuple(
                (line.product_uom_qty, line.price_unit, line.discount)
                for line in self.order.order_line
            ),
        )

    def test_customer_reprices_over_http(self):
        self.authenticate("cfg_portal", "cfg_portal")
        reply = self._post(
            self.order.id, [{"line_id": self.frame_line.id, "quantity": 8}]
        )
        result = reply["result"]
        self.assertEqual(result["amount_total"], 820.0)
        self.assertIn("820.00", result["amount_total_formatted"])
        self.assertIn("820.00", result["rate_total_formatted"])
        self.assertEqual(self.frame_line.product_uom_qty, 8)

    def test_forged_requests_over_http(self):
        self.authenticate("cfg_portal", "cfg_portal")
        before = self._state()
        frame = self.frame_line.id
        other = self.other_order
        draft = make_configurable_quote(self, self.customer.partner_id, send=False)
        cases = {
            "over max": (self.order.id, [{"line_id": frame, "quantity": 21}]),
            "price": (self.order.id, [{"line_id": frame, "price_unit": 0.01}]),
            "discount": (
                self.order.id,
                [{"line_id": frame, "quantity": 8, "discount": 99}],
            ),
            "2**31": (self.order.id, [{"line_id": frame, "quantity": 2**31}]),
            "string": (self.order.id, [{"line_id": frame, "quantity": "1e3"}]),
            "other quote's line": (
                self.order.id,
                [{"line_id": other.order_line[0].id, "quantity": 3}],
            ),
            "another customer's quote": (
                other.id,
                [{"line_id": other.order_line[0].id, "quantity": 3}],
            ),
            "draft quote": (
                draft.id,
                [{"line_id": draft.order_line[0].id, "quantity": 3}],
            ),
            "missing quote": (999999999, [{"line_id": frame, "quantity": 3}]),
        }
        for name, (order_id, changes) in cases.items():
            with self.subTest(name):
                error = self._error(self._post(order_id, changes))
                self.assertIn(
                    error["name"].rsplit(".", 1)[-1], ("UserError", "AccessError")
                )
                self.assertEqual(self._state(), before)
        over = self._error(
            self._post(self.order.id, [{"line_id": frame, "quantity": 21}])
        )
        self.assertIn("between 1 and 20", over["message"])
        # NaN and Infinity are valid for Python's JSON parser: sent raw
        for token in ("NaN", "Infinity", "-Infinity", "1e400"):
            raw = (
                '{"jsonrpc": "2.0", "method": "call", "id": 1, "params": '
                f'{{"changes": [{{"line_id": {frame}, "quantity": {token}}}]}}}}'
            )
            with self.subTest(token):
                self._error(self._post(self.order.id, None, raw=raw))
                self.assertEqual(self._state(), before)
        # another customer's quote with its token: still not theirs to change
        error = self._error(
            self._post(
                other.id,
                [{"line_id": other.order_line[0].id, "quantity": 3}],
                token=other.sudo()._portal_ensure_token(),
            )
        )
        self.assertIn("Only the customer", error["message"])

    def test_anonymous_is_refused(self):
        token = self.order.sudo()._portal_ensure_token()
        before = self._state()
        reply = self._post(
            self.order.id, [{"line_id": self.frame_line.id, "quantity": 8}], token=token
        )
        self.assertIn("SessionExpired", self._error(reply)["name"])
        self.assertEqual(self._state(), before)

    def test_outside_authority_cannot_be_signed(self):
        self.authenticate("cfg_portal", "cfg_portal")
        result = self._post(
            self.order.id, [{"line_id": self.frame_line.id, "quantity": 12}]
        )["result"]
        self.assertTrue(result["needs_approval"])
        reply = self.make_jsonrpc_request(
            f"/my/orders/{self.order.id}/accept",
            {"name": "Customer", "signature": SIGNATURE},
        )
        self.assertIn("not in a state requiring", reply["error"])
        self.env.invalidate_all()
        self.assertEqual(self.order.state, "sent")
        self.assertFalse(self.order.signature)
        page = self.url_open(self.order.get_portal_url()).text
        self.assertIn("needs our approval", page)

    def test_portal_tour(self):
        self.start_tour(
            self.order.get_portal_url(),
            "crm_quote_pricer_portal_configure_tour",
            login="cfg_portal",
        )
        self.env.invalidate_all()
        self.assertEqual(self.frame_line.product_uom_qty, 8)
        self.assertEqual(self.bolt_line.product_uom_qty, 0)
