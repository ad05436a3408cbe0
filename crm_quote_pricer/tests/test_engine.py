# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The pricing engine on plain data: no database, no environment."""

import unittest
from datetime import date

from .. import engine

EUR, USD = 1, 2
COMPANY, OTHER_COMPANY = 1, 2
PRODUCT, PRODUCT_TMPL = 10, 20


def _round(value):
    return round(value, 2)


def _same_currency(amount, currency_id):
    if currency_id != EUR:
        raise AssertionError(f"unexpected conversion from {currency_id}")
    return amount


def _line(**values):
    base = {
        "company_id": COMPANY,
        "company_currency_id": EUR,
        "date": date(2026, 3, 15),
        "currency_id": EUR,
        "product_id": PRODUCT,
        "product_tmpl_id": PRODUCT_TMPL,
        "qty": 1.0,
        "list_price": 100.0,
        "cost": 50.0,
        "pricelist_id": 5,
        "categ_path": "1/3/4/",
        "partner_ids": frozenset({7, 8}),
        "tag_ids": frozenset({30}),
        "country_id": 68,
    }
    base.update(values)
    return engine.LineContext(**base)


def _rule(rule_id=1, **values):
    base = {"id": rule_id, "name": f"Rule {rule_id}", "method": "list_discount"}
    base.update(values)
    base.setdefault("percent", 10.0)
    return engine.Rule(**base)


TIERS = (
    engine.Tier(min_qty=0.0, max_qty=10.0, discount=0.0),
    engine.Tier(min_qty=10.0, max_qty=20.0, discount=10.0),
    engine.Tier(min_qty=20.0, max_qty=0.0, discount=20.0),
)


class EngineCase(unittest.TestCase):
    # What Odoo's test runner reads on a test class beyond unittest's own:
    # its tags and module (to select it), and a class-level skip flag that
    # Odoo's own TestCase sets. No subTest(): Odoo's result object lacks
    # what unittest's subTest reads on a failure.
    test_tags = {"standard", "at_install"}
    test_module = "crm_quote_pricer"
    __unittest_skip__ = False

    def _price(self, rules, convert=_same_currency, **line):
        return engine.price_line(
            _line(**line), rules, convert=convert, round_price=_round
        )


class TestEngineMethods(EngineCase):
    def test_no_rule(self):
        result = self._price([])
        self.assertEqual(result.price, 100.0)
        self.assertEqual(result.steps, ())
        self.assertEqual((result.list_price, result.cost), (100.0, 50.0))

    def test_fixed(self):
        result = self._price([_rule(method="fixed", fixed_price=77.0)])
        self.assertEqual(result.price, 77.0)
        self.assertEqual(result.steps[0].delta, -23.0)

    def test_list_discount(self):
        self.assertEqual(self._price([_rule(percent=15.0)]).price, 85.0)

    def test_list_discount_starts_from_list_price(self):
        """A list discount prices from the list price, not the running one."""
        rules = [_rule(1, method="fixed", fixed_price=40.0), _rule(2, percent=10.0)]
        self.assertEqual(self._price(rules).price, 90.0)

    def test_cost_markup(self):
        rule = _rule(method="cost_markup", percent=40.0)
        self.assertEqual(self._price([rule]).price, 70.0)

    def test_cost_markup_without_cost(self):
        rule = _rule(name="Cost plus", method="cost_markup", percent=40.0)
        with self.assertRaises(engine.NoCostError) as caught:
            self._price([rule], cost=0.0)
        self.assertEqual(caught.exception.rule_name, "Cost plus")
        self.assertEqual(caught.exception.product_id, PRODUCT)

    def test_tag_adjust(self):
        surcharge = _rule(method="tag_adjust", percent=5.0)
        self.assertEqual(self._price([surcharge]).price, 105.0)
        discount = _rule(method="tag_adjust", percent=-5.0)
        self.assertEqual(self._price([discount]).price, 95.0)

    def test_unknown_method_keeps_price(self):
        result = self._price([_rule(method="nothing")])
        self.assertEqual(result.price, 100.0)
        self.assertEqual(len(result.steps), 1)


class TestEngineBreaks(EngineCase):
    def test_range(self):
        rule = _rule(method="qty_break", break_mode="range", tiers=TIERS)
        for qty, price in ((5.0, 100.0), (10.0, 90.0), (15.0, 90.0), (25.0, 80.0)):
            self.assertEqual(self._price([rule], qty=qty).price, price, qty)

    def test_slab(self):
        rule = _rule(method="qty_break", break_mode="slab", tiers=TIERS)
        # 10 at 100, 10 at 90, 5 at 80 = 2300 / 25
        self.assertEqual(self._price([rule], qty=25.0).price, 92.0)
        self.assertEqual(self._price([rule], qty=10.0).price, 100.0)
        self.assertEqual(self._price([rule], qty=15.0).price, round(1450 / 15, 2))

    def test_tiers_in_any_order(self):
        for mode in ("range", "slab"):
            self.assertEqual(
                engine.apply_breaks(100.0, 25.0, TIERS[::-1], mode),
                engine.apply_breaks(100.0, 25.0, TIERS, mode),
                mode,
            )

    def test_uncovered_quantity_keeps_running_price(self):
        tiers = (engine.Tier(min_qty=5.0, max_qty=10.0, discount=50.0),)
        # range: outside the only tier, the running price
        self.assertEqual(engine.apply_breaks(100.0, 2.0, tiers, "range"), 100.0)
        self.assertEqual(engine.apply_breaks(100.0, 12.0, tiers, "range"), 100.0)
        # slab: 5 at 50 within the tier, 7 at the running price
        self.assertEqual(
            engine.apply_breaks(100.0, 12.0, tiers, "slab"), (5 * 50 + 7 * 100) / 12
        )

    def test_zero_quantity(self):
        self.assertEqual(engine.apply_breaks(100.0, 0.0, TIERS, "range"), 100.0)
        self.assertEqual(engine.apply_breaks(100.0, 0.0, TIERS, "slab"), 100.0)

    def test_surcharge_tier(self):
        tiers = (engine.Tier(min_qty=0.0, max_qty=0.0, discount=-10.0),)
        self.assertAlmostEqual(engine.apply_breaks(100.0, 3.0, tiers, "range"), 110.0)


class TestEngineChain(EngineCase):
    def test_chain_in_given_order(self):
        rules = [
            _rule(1, name="List", percent=20.0),
            _rule(
                2,
                name="Breaks",
                method="qty_break",
                tiers=(engine.Tier(min_qty=0.0, max_qty=0.0, discount=5.0),),
            ),
            _rule(3, name="Tag", method="tag_adjust", percent=-10.0),
        ]
        result = self._price(rules, qty=2.0)
        # 100 -> 80 (list -20%) -> 76 (breaks -5%) -> 68.4 (tag -10%)
        self.assertEqual(result.price, 68.4)
        self.assertEqual([s.rule for s in result.steps], ["List", "Breaks", "Tag"])
        self.assertEqual([s.before for s in result.steps], [100.0, 80.0, 76.0])
        self.assertEqual([s.after for s in result.steps], [80.0, 76.0, 68.4])
        self.assertEqual([s.delta for s in result.steps], [-20.0, -4.0, -7.6])
        # in the other order the list discount, last, restarts from the list
        # price
        reordered = self._price(rules[::-1], qty=2.0)
        self.assertEqual([s.after for s in reordered.steps], [90.0, 85.5, 80.0])

    def test_each_step_rounded(self):
        rules = [_rule(1, percent=33.333), _rule(2, method="tag_adjust", percent=1.0)]
        result = self._price(rules)
        self.assertEqual(result.steps[0].after, 66.67)
        self.assertEqual(result.steps[1].after, 67.34)
        self.assertEqual(result.steps[1].delta, 0.67)

    def test_step_data(self):
        rule = _rule(9, name="Spring", method_label="List price minus %")
        step = self._price([rule]).steps[0]
        self.assertEqual(
            step,
            engine.Step(
                rule_id=9,
                rule="Spring",
                method="List price minus %",
                before=100.0,
                after=90.0,
                delta=-10.0,
                code="list_discount",
            ),
        )

    def test_price_never_below_zero(self):
        rules = [_rule(1, method="fixed", fixed_price=10.0)]
        rules.append(_rule(2, method="tag_adjust", percent=-150.0))
        result = self._price(rules)
        self.assertEqual(result.steps[-1].after, -5.0)
        self.assertEqual(result.price, 0.0)

    def test_as_dict(self):
        result = self._price([_rule(4, name="R", method_label="M")])
        self.assertEqual(
            result.as_dict(),
            {
                "price": 90.0,
                "list_price": 100.0,
                "cost": 50.0,
                "floor": 0.0,
                "down_payment": 0.0,
                "production_share": 0.0,
                "steps": [
                    {
                        "rule_id": 4,
                        "rule": "R",
                        "method": "M",
                        "before": 100.0,
                        "after": 90.0,
                        "delta": -10.0,
                        "code": "list_discount",
                    }
                ],
            },
        )


class TestEngineCurrency(EngineCase):
    """A quote in USD for a company in EUR, at 2 USD for 1 EUR."""

    def _convert(self, calls):
        def convert(amount, currency_id):
            calls.append((amount, currency_id))
            return amount * 2.0 if currency_id == EUR else amount

        return convert

    def test_list_price_and_cost_converted(self):
        calls = []
        result = self._price([], convert=self._convert(calls), currency_id=USD)
        self.assertEqual((result.list_price, result.cost), (200.0, 100.0))
        self.assertEqual(result.price, 200.0)
        self.assertEqual(calls, [(100.0, EUR), (50.0, EUR)])

    def test_percentages_on_converted_amounts(self):
        for rule, price in (
            (_rule(percent=10.0), 180.0),
            (_rule(method="cost_markup", percent=10.0), 110.0),
            (_rule(method="tag_adjust", percent=10.0), 220.0),
            (_rule(method="qty_break", tiers=TIERS), 180.0),
        ):
            calls = []
            result = self._price(
                [rule], convert=self._convert(calls), currency_id=USD, qty=15.0
            )
            self.assertEqual(result.price, price, rule.method)
            # only the list price and the cost: a rate is no amount
            self.assertEqual(len(calls), 2, rule.method)

    def test_fixed_price_in_rule_currency(self):
        calls = []
        rule = _rule(method="fixed", fixed_price=30.0, currency_id=USD)
        result = self._price([rule], convert=self._convert(calls), currency_id=USD)
        self.assertEqual(result.price, 30.0)
        self.assertEqual(calls[-1], (30.0, USD))

    def test_fixed_price_in_company_currency(self):
        calls = []
        rule = _rule(method="fixed", fixed_price=30.0)
        result = self._price([rule], convert=self._convert(calls), currency_id=USD)
        self.assertEqual(result.price, 60.0)
        self.assertEqual(calls[-1], (30.0, EUR))


class TestEngineQuantity(EngineCase):
    def test_zero_and_negative_quantities_skipped(self):
        def convert(amount, currency_id):
            raise AssertionError("a skipped line converts nothing")

        rules = [_rule(method="cost_markup", percent=10.0)]
        for qty in (0.0, -3.0):
            # not priced at all: not even the missing cost is reported
            self.assertIsNone(
                engine.price_line(
                    _line(qty=qty, cost=0.0),
                    rules,
                    convert=convert,
                    round_price=_round,
                ),
                qty,
            )

    def test_smallest_positive_quantity_priced(self):
        self.assertEqual(self._price([_rule()], qty=0.001).price, 90.0)


class TestEngineMatching(EngineCase):
    def _applies(self, rule, **line):
        return engine.matches(rule, _line(**line))

    def test_all(self):
        self.assertTrue(self._applies(_rule()))

    def test_company(self):
        self.assertTrue(self._applies(_rule(company_id=COMPANY)))
        self.assertFalse(self._applies(_rule(company_id=OTHER_COMPANY)))

    def test_dates(self):
        rule = _rule(date_start=date(2026, 3, 1), date_end=date(2026, 3, 31))
        for day, expected in (
            (date(2026, 2, 28), False),
            (date(2026, 3, 1), True),
            (date(2026, 3, 31), True),
            (date(2026, 4, 1), False),
        ):
            self.assertEqual(self._applies(rule, date=day), expected, day)
        self.assertTrue(self._applies(_rule(date_start=date(2026, 1, 1))))
        self.assertFalse(self._applies(_rule(date_end=date(2026, 1, 1))))

    def test_pricelist(self):
        self.assertTrue(self._applies(_rule(pricelist_id=5)))
        self.assertFalse(self._applies(_rule(pricelist_id=6)))
        self.assertFalse(self._applies(_rule(pricelist_id=5), pricelist_id=None))

    def test_currency(self):
        self.assertTrue(self._applies(_rule(currency_id=EUR)))
        self.assertFalse(self._applies(_rule(currency_id=USD)))
        self.assertTrue(self._applies(_rule(currency_id=USD), currency_id=USD))

    def test_product(self):
        rule = _rule(applies_on="product", product_tmpl_id=PRODUCT_TMPL)
        self.assertTrue(self._applies(rule))
        self.assertFalse(self._applies(rule, product_tmpl_id=21))
        self.assertFalse(self._applies(_rule(applies_on="product")))

    def test_category_and_its_children(self):
        for path, expected in (
            ("1/3/", True),
            ("1/3/4/", True),
            ("1/", True),
            ("1/2/", False),
            # "1/3/" must not cover category 33
            ("1/33/", False),
        ):
            rule = _rule(applies_on="category", categ_path=path)
            self.assertEqual(self._applies(rule), expected, path)
        rule = _rule(applies_on="category", categ_path="1/3/")
        self.assertFalse(self._applies(rule, categ_path="1/33/"))
        self.assertFalse(self._applies(rule, categ_path=None))

    def test_partner(self):
        self.assertTrue(self._applies(_rule(customer_scope="partner", partner_id=8)))
        self.assertFalse(self._applies(_rule(customer_scope="partner", partner_id=9)))
        self.assertFalse(self._applies(_rule(customer_scope="partner")))

    def test_tag(self):
        self.assertTrue(self._applies(_rule(customer_scope="tag", partner_tag_id=30)))
        self.assertFalse(self._applies(_rule(customer_scope="tag", partner_tag_id=31)))
        rule = _rule(customer_scope="tag", partner_tag_id=30)
        self.assertFalse(self._applies(rule, tag_ids=frozenset()))

    def test_country(self):
        rule = _rule(customer_scope="country", country_id=68)
        self.assertTrue(self._applies(rule))
        self.assertFalse(self._applies(rule, country_id=75))
        self.assertFalse(self._applies(rule, country_id=None))

    def test_targets_ignored_outside_their_scope(self):
        """A target field only counts under its own scope."""
        rule = _rule(applies_on="all", product_tmpl_id=99, categ_path="9/")
        self.assertTrue(self._applies(rule))
        rule = _rule(customer_scope="all", partner_id=99, country_id=1)
        self.assertTrue(self._applies(rule))

    def test_unmatched_rules_leave_no_step(self):
        rules = [
            _rule(1, name="Elsewhere", company_id=OTHER_COMPANY, percent=50.0),
            _rule(2, name="Here", percent=10.0),
            _rule(3, name="Not this tag", customer_scope="tag", partner_tag_id=31),
        ]
        result = self._price(rules)
        self.assertEqual([s.rule for s in result.steps], ["Here"])
        self.assertEqual(result.price, 90.0)


class TestEngineFloorAndDownPayment(EngineCase):
    def test_highest_of_product_and_applied_rules(self):
        rules = [
            _rule(1, margin_floor=15.0, down_payment_percent=30.0),
            _rule(2, method="tag_adjust", percent=1.0, margin_floor=10.0),
            _rule(3, down_payment_percent=20.0),
            # not applied: its floor and down payment do not count
            _rule(4, company_id=OTHER_COMPANY, margin_floor=50.0),
            _rule(5, pricelist_id=6, down_payment_percent=90.0),
        ]
        result = self._price(rules, margin_floor=12.0)
        self.assertEqual(result.floor, 15.0)
        self.assertEqual(result.down_payment, 30.0)
        self.assertEqual(self._price(rules[:2], margin_floor=20.0).floor, 20.0)

    def test_product_floor_without_rules(self):
        result = self._price([], margin_floor=8.0)
        self.assertEqual((result.floor, result.down_payment), (8.0, 0.0))
