# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PricerCase


@tagged("post_install", "-at_install")
class TestPricingMethods(PricerCase):
    def _price(self, qty=1.0, product=None, partner=None):
        order = self._order([(product or self.product, qty)], partner=partner)
        return order.order_line

    def test_no_rule_keeps_pricelist_price(self):
        line = self._price()
        self.assertEqual(line.price_unit, 100.0)
        self.assertFalse(line.pricer_waterfall)

    def test_fixed(self):
        self._rule(method="fixed", fixed_price=77.0)
        line = self._price()
        self.assertEqual(line.price_unit, 77.0)
        self.assertEqual(line.pricer_waterfall[-1]["delta"], -23.0)

    def test_list_discount(self):
        self._rule(method="list_discount", percent=15.0)
        self.assertEqual(self._price().price_unit, 85.0)

    def test_cost_markup(self):
        self._rule(method="cost_markup", percent=40.0)
        self.assertEqual(self._price().price_unit, 70.0)

    def test_cost_markup_no_cost(self):
        self._rule(method="cost_markup", percent=40.0)
        with self.assertRaises(UserError):
            self._price(product=self.no_cost)
        with self.assertRaises(ValidationError):
            self._rule(
                method="cost_markup",
                percent=10.0,
                applies_on="product",
                product_tmpl_id=self.no_cost.product_tmpl_id.id,
            )

    def _breaks(self, mode):
        return self._rule(
            method="qty_break",
            break_mode=mode,
            tier_ids=[
                (0, 0, {"min_qty": 0, "max_qty": 10, "discount": 0.0}),
                (0, 0, {"min_qty": 10, "max_qty": 20, "discount": 10.0}),
                (0, 0, {"min_qty": 20, "max_qty": 0, "discount": 20.0}),
            ],
        )

    def test_qty_break_range(self):
        self._breaks("range")
        self.assertEqual(self._price(5).price_unit, 100.0)
        self.assertEqual(self._price(15).price_unit, 90.0)
        self.assertEqual(self._price(25).price_unit, 80.0)

    def test_qty_break_slab(self):
        self._breaks("slab")
        # 10 at 100, 10 at 90, 5 at 80 = 2300 / 25
        self.assertEqual(self._price(25).price_unit, 92.0)
        self.assertEqual(self._price(10).price_unit, 100.0)

    def test_tag_adjust(self):
        self._rule(
            method="tag_adjust",
            percent=5.0,
            customer_scope="tag",
            partner_tag_id=self.tag_vip.id,
        )
        self.assertEqual(self._price().price_unit, 105.0)
        self.assertEqual(self._price(partner=self.other_partner).price_unit, 100.0)

    def test_chain_order(self):
        self._rule(
            name="Tag",
            sequence=30,
            method="tag_adjust",
            percent=-10.0,
            customer_scope="tag",
            partner_tag_id=self.tag_vip.id,
        )
        self._rule(name="List", sequence=10, method="list_discount", percent=20.0)
        self._rule(
            name="Breaks",
            sequence=20,
            method="qty_break",
            tier_ids=[
                (0, 0, {"min_qty": 0, "max_qty": 0, "discount": 5.0}),
            ],
        )
        line = self._price(2)
        # 100 -> 80 (list -20%) -> 76 (breaks -5%) -> 68.4 (tag -10%)
        self.assertEqual(line.price_unit, 68.4)
        names = [step["rule"] for step in line.pricer_waterfall]
        self.assertEqual(names[1:], ["List", "Breaks", "Tag"])
        self.assertEqual(
            [step["after"] for step in line.pricer_waterfall], [100.0, 80.0, 76.0, 68.4]
        )

    def test_matching(self):
        self._rule(name="Cat", applies_on="category", categ_id=self.categ.id)
        self._rule(
            name="Other product",
            applies_on="product",
            product_tmpl_id=self.product_b.product_tmpl_id.id,
            percent=50.0,
        )
        self._rule(
            name="Partner",
            customer_scope="partner",
            partner_id=self.other_partner.id,
            percent=50.0,
        )
        self._rule(
            name="Country",
            customer_scope="country",
            country_id=self.country.id,
            percent=50.0,
        )
        other_pl = self.env["product.pricelist"].create({"name": "Other"})
        self._rule(name="Pricelist", pricelist_id=other_pl.id, percent=50.0)
        self._rule(
            name="Other company",
            company_id=self.env["res.company"].create({"name": "Other Co"}).id,
            percent=50.0,
        )
        line = self._price()
        self.assertEqual(
            [s["rule"] for s in line.pricer_waterfall[1:]], ["Cat", "Country"]
        )

    def test_date_window(self):
        self._rule(date_start=date(2026, 1, 1), date_end=date(2026, 1, 31))
        with freeze_time("2026-01-15"):
            self.assertEqual(self._price().price_unit, 90.0)
        with freeze_time("2026-02-15"):
            self.assertEqual(self._price().price_unit, 100.0)

    def test_margin_floor(self):
        self._rule(percent=45.0, margin_floor=20.0)
        line = self._price()
        # 55 against a cost of 50: 9.09% margin
        self.assertEqual(line.price_unit, 55.0)
        self.assertTrue(line.pricer_below_floor)
        self.assertTrue(line.order_id.pricer_below_floor)
        self.sub_categ.pricer_margin_floor = 5.0
        self.assertFalse(self._price(product=self.product_b).pricer_below_floor)

    def test_waterfall_survives_rule_changes(self):
        rule = self._rule(name="Spring", percent=10.0)
        line = self._price()
        rule.write({"name": "Renamed", "percent": 30.0})
        rule.unlink()
        self.assertEqual(line.pricer_waterfall[1]["rule"], "Spring")
        self.assertIn("Spring", line.pricer_waterfall_html)

    def test_waterfall_steps_localized_to_discount(self):
        """Steps from the list price to the salesperson's discount, in the
        reader's language and number format."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_quote_pricer"], ["es_ES"], overwrite=True
        )
        self.product.list_price = 1200.0
        self._rule(name="Spring", percent=10.0)
        line = self._price()
        line.discount = 5.0
        steps = line._pricer_waterfall_steps()
        self.assertEqual(
            [step["label"] for step in steps],
            ["List price", "Spring", "Salesperson's discount"],
        )
        self.assertEqual([step["amount"] for step in steps], [1200.0, 1080.0, 1026.0])
        self.assertAlmostEqual(steps[-1]["delta"], -54.0)
        html = line.with_context(lang="es_ES").pricer_waterfall_html
        self.assertIn("1.200,00", html)
        self.assertIn("1.026,00", html)
        self.assertRegex(html, r"-[^<]*54,00")
        self.assertIn("5,00 %", html)
        self.assertIn("Precio de tarifa", html)
        self.assertIn("Descuento del comercial", html)
        self.assertIn("Precio de tarifa menos %", html)
        self.assertNotIn("1200.00", html)
        # a price set by hand shows as its own step before the discount
        line.price_unit = 1100.0
        steps = line._pricer_waterfall_steps()
        self.assertEqual(steps[-2]["label"], "Price set by hand")
        self.assertAlmostEqual(steps[-2]["delta"], 20.0)
        self.assertAlmostEqual(steps[-1]["amount"], 1045.0)
        # the sign leads the amount, whatever side the currency symbol is on
        usd = self.env.ref("base.USD")
        for delta, shown in ((-60.0, "-$\xa060.00"), (20.0, "+$\xa020.00")):
            self.assertEqual(line._pricer_format_delta(delta, usd), shown)
        self.assertEqual(line._pricer_format_delta(0.0, usd), "$\xa00.00")

    def test_line_opens_its_waterfall(self):
        self._rule(percent=10.0)
        line = self._price()
        action = line.with_user(self.salesman).action_pricer_open_line_waterfall()
        self.assertEqual((action["res_model"], action["res_id"]), (line._name, line.id))
        self.assertEqual(action["target"], "new")

    def test_price_quote_action_overrides_manual_price(self):
        self._rule(percent=10.0)
        order = self._order()
        order.order_line.price_unit = 120.0
        action = order.action_pricer_price()
        self.assertEqual(order.order_line.price_unit, 90.0)
        # the user is told what changed
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("1 of 1 lines repriced", action["params"]["message"])
        action = order.action_pricer_price()
        self.assertIn("No price changed", action["params"]["message"])
        action = order.action_pricer_open_waterfall()
        self.assertEqual(action["res_model"], "sale.order.line")

    def test_waterfall_printed(self):
        self._rule(name="Printed rule", percent=10.0)
        order = self._order()
        order.pricer_print_waterfall = True
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.report_saleorder", order.ids
        )[0]
        self.assertIn(b"Printed rule", html)
        order.pricer_print_waterfall = False
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.report_saleorder", order.ids
        )[0]
        self.assertNotIn(b"Printed rule", html)

    def test_lead_price_quote(self):
        self._rule(percent=10.0)
        lead = self.env["crm.lead"].create(
            {"name": "Deal", "type": "opportunity", "partner_id": self.partner.id}
        )
        action = lead.action_pricer_price_quotes()
        self.assertEqual(action["res_model"], "sale.order")
        order = self._order()
        order.opportunity_id = lead
        order.order_line.price_unit = 150.0
        action = lead.action_pricer_price_quotes()
        self.assertEqual(order.order_line.price_unit, 90.0)
        self.assertIn("1 of 1 lines repriced", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_model"], "sale.order")

    def test_form_onchange(self):
        self._rule(
            method="qty_break",
            tier_ids=[
                (0, 0, {"min_qty": 0, "max_qty": 10, "discount": 0.0}),
                (0, 0, {"min_qty": 10, "max_qty": 0, "discount": 10.0}),
            ],
        )
        form = Form(self.env["sale.order"])
        form.partner_id = self.partner
        with form.order_line.new() as line:
            line.product_id = self.product
            self.assertEqual(line.price_unit, 100.0)
            line.product_uom_qty = 12
            self.assertEqual(line.price_unit, 90.0)
        order = form.save()
        self.assertEqual(order.order_line.price_unit, 90.0)
        self.assertEqual(len(order.order_line.pricer_waterfall), 2)


@tagged("post_install", "-at_install")
class TestPricingBadInput(PricerCase):
    def test_rule_without_rate(self):
        for vals in (
            {"method": "fixed", "fixed_price": 0.0},
            {"method": "list_discount", "percent": 0.0},
            {"method": "cost_markup", "percent": 0.0},
            {"method": "qty_break"},
            {"method": "tag_adjust", "percent": 5.0},
            {"method": "list_discount", "applies_on": "product"},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self._rule(**vals)
        self.assertFalse(self.Rule.search([]))

    def test_tiers_overlap_and_gap(self):
        for tiers in (
            [(0, 10, 0.0), (5, 0, 5.0)],
            [(0, 10, 0.0), (12, 0, 5.0)],
            [(0, 0, 0.0), (10, 0, 5.0)],
            [(5, 2, 0.0)],
        ):
            with self.subTest(tiers=tiers), self.assertRaises(ValidationError):
                self._rule(
                    method="qty_break",
                    tier_ids=[
                        (0, 0, {"min_qty": a, "max_qty": b, "discount": d})
                        for a, b, d in tiers
                    ],
                )
        rule = self._rule(
            method="qty_break",
            tier_ids=[
                (0, 0, {"min_qty": 0, "max_qty": 10, "discount": 0.0}),
                (0, 0, {"min_qty": 10, "max_qty": 0, "discount": 5.0}),
            ],
        )
        with self.assertRaises(ValidationError):
            rule.tier_ids[0].max_qty = 8
        self.assertEqual(rule.tier_ids[0].max_qty, 10)

    def test_currency_mismatch(self):
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        other = eur if self.currency == usd else usd
        other.active = True
        with self.assertRaises(ValidationError):
            self._rule(currency_id=other.id, pricelist_id=self.pricelist.id)

    def test_non_positive_quantity(self):
        """Core accepts zero (unselected optional) and negative (credit,
        return) quantities; the rate card leaves such lines as they are."""
        self._rule(percent=10.0)
        order = self._order([(self.product, 1.0), (self.product_b, 1.0)])
        order.order_line[0].product_uom_qty = 0
        order.order_line[1].product_uom_qty = -3
        order.action_pricer_price()
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [0.0, -3.0])
        self.assertFalse(order.order_line[1].pricer_waterfall)
        self.assertTrue(order.order_line[1].pricer_credit)
        self.assertFalse(order.order_line[0].pricer_credit)

    def test_date_window_order(self):
        with self.assertRaises(ValidationError):
            self._rule(date_start=date(2026, 2, 1), date_end=date(2026, 1, 1))

    def test_roles_on_rules(self):
        rule = self._rule()
        rule.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            rule.with_user(self.salesman).write({"percent": 50.0})
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.sales_manager).create(
                {"name": "X", "method": "list_discount", "percent": 5.0}
            )
        with self.assertRaises(AccessError):
            rule.with_user(self.approver).unlink()
        rule.with_user(self.pricing_manager).write({"percent": 12.0})
        self.assertEqual(rule.percent, 12.0)


@tagged("post_install", "-at_install")
class TestPricingQueries(PricerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule(name="List", percent=10.0)
        cls._rule(
            name="Breaks",
            method="qty_break",
            break_mode="slab",
            tier_ids=[
                (0, 0, {"min_qty": 0, "max_qty": 3, "discount": 0.0}),
                (0, 0, {"min_qty": 3, "max_qty": 0, "discount": 10.0}),
            ],
        )
        cls._rule(
            name="VIP",
            method="tag_adjust",
            percent=-2.0,
            customer_scope="tag",
            partner_tag_id=cls.tag_vip.id,
        )
        products = [cls.product, cls.product_b]
        cls.small = cls._order([(products[i % 2], 1 + i % 7) for i in range(5)])
        cls.large = cls._order([(products[i % 2], 1 + i % 7) for i in range(500)])

    def _reset(self, order):
        order.order_line.write({"price_unit": 1.0})
        self.env.flush_all()
        self.env.invalidate_all()

    def _count(self, order, flush):
        self._reset(order)
        start = self.env.cr.sql_log_count
        order.action_pricer_price()
        priced = self.env.cr.sql_log_count - start
        self.env.flush_all()
        return priced, self.env.cr.sql_log_count - start - priced

    def test_query_count_constant(self):
        """Pricing 500 lines takes the queries pricing 5 lines takes.

        The engine reads rules, tiers, products, costs and partners for the
        whole set and prices in Python. Storing the result is the ORM's
        flush, which writes changed rows with one UPDATE per 100 rows
        (``UPDATE_BATCH_SIZE``): that part is checked separately.
        """
        self._count(self.small, False)  # warm up registry caches
        small, small_flush = self._count(self.small, False)
        large, large_flush = self._count(self.large, False)
        self.assertEqual(small, large)
        self.assertLessEqual(large_flush - small_flush, 500 // 100)
        self._reset(self.large)
        with self.assertQueryCount(small, flush=False):
            self.large.action_pricer_price()
        self.env.flush_all()
        self.assertTrue(all(self.large.order_line.mapped("pricer_waterfall")))
        self.assertNotIn(1.0, self.large.order_line.mapped("price_unit"))
