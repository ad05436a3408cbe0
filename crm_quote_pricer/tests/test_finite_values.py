# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No number the pricer serves is NaN or infinite, whatever is stored.

A NaN stored in one float column (by SQL, an import or another module) made
the JSON reply of the form hold NaN: the web client showed "Connection lost"
for the whole quote.
"""

import json
import logging
import math

import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.finite_values import FiniteFloat, FiniteJson
from .common import PricerCase, make_mto_product

_logger = logging.getLogger(__name__)

MODULE = "crm_quote_pricer"
NUMBERS = ("float", "monetary")
NON_FINITE = ("NaN", "Infinity", "-Infinity")


def non_finite(value, path=""):
    """Paths of the NaN or infinite floats in a read/web_read result."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{path}={value}"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}[{i}]")]
    return []


@tagged("post_install", "-at_install")
class TestFiniteValues(PricerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=cls.env.company, install_demo=False
            )
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Press frame",
            "Steel tube",
            list_price=1000.0,
            standard_price=600.0,
            invoice_policy="delivery",
            taxes_id=[(6, 0, [])],
            categ_id=cls.categ.id,
        )
        cls.machine.product_tmpl_id.pricer_margin_floor = 10.0
        cls.categ.pricer_margin_floor = 5.0
        cls.rule = cls._rule(
            name="Machines", percent=5.0, down_payment_percent=30.0, margin_floor=20.0
        )
        cls.break_rule = cls._rule(
            name="Volume",
            method="qty_break",
            percent=0.0,
            tier_ids=[
                (0, 0, {"min_qty": 0.0, "max_qty": 10.0, "discount": 0.0}),
                (0, 0, {"min_qty": 10.0, "discount": 10.0}),
            ],
        )
        cls.authority = cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        # a quote priced from the rate card: the one swept
        cls.quote = cls._order([(cls.machine, 2.0)])
        cls.quote.with_user(cls.salesman).action_pricer_price()
        cls.line = cls.quote.order_line
        # a confirmed order: a manufacturing order and a down payment
        cls.sold = cls._order([(cls.machine, 1.0)])
        cls.sold.with_user(cls.salesman).action_confirm()
        # a quote outside authority, with its review
        cls.discounted = cls._order([(cls.machine, 1.0)])
        cls.discounted.order_line.discount = 40.0
        cls.discounted.request_validation()
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Press deal", "type": "opportunity", "partner_id": cls.partner.id}
        )
        cls.quote.opportunity_id = cls.lead
        # the records swept, per model; other models take any record
        cls.records = {
            "crm.quote.price.rule": cls.break_rule,
            "crm.quote.price.rule.tier": cls.break_rule.tier_ids[-1],
            "crm.quote.authority": cls.authority,
            "sale.order": cls.quote,
            "sale.order.line": cls.line,
            "product.template": cls.machine.product_tmpl_id,
            "product.category": cls.categ,
            "crm.lead": cls.lead,
            "mrp.production": cls.sold.mrp_production_ids[:1],
            "account.move": cls.sold.invoice_ids[:1],
            "tier.review": cls.discounted.review_ids[:1],
            "res.company": cls.company,
        }

    def _record(self, model_name):
        return self.records.get(model_name) or self.env[model_name].search([], limit=1)

    def _addon_models(self):
        """{model: names of the fields the addon defines on it}, from the
        registry. Fields inherited through ``_inherits`` (a variant's margin
        floor, a statement line's quote) are their parent's, swept there;
        they are of the same finite class."""
        found = {}
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract or Model._transient:
                continue
            own = Model._original_module == MODULE
            names = [
                name
                for name, field in Model._fields.items()
                if (own or MODULE in field._modules) and not field.inherited
            ]
            if names:
                found[model_name] = names
        return found

    def _store_everywhere(self, models, value):
        """Write ``value`` by SQL in every stored float column of each model's
        record: the addon's own columns and the host's it reads (sale's price,
        discount and quantity, the product's list price, ...)."""
        for model_name in models:
            Model = self.env[model_name]
            record = self._record(model_name)
            self.assertTrue(record, f"the sweep needs a record of {model_name}")
            for name, field in Model._fields.items():
                if field.type not in NUMBERS or not field.store:
                    continue
                # a jsonb column cannot hold a NaN or an infinity
                if field.company_dependent or not field.column_type:
                    continue
                try:
                    with self.env.cr.savepoint():
                        self.env.cr.execute(
                            SQL(
                                "UPDATE %s SET %s = %s WHERE id = %s",
                                SQL.identifier(Model._table),
                                SQL.identifier(name),
                                value,
                                record.id,
                            ),
                            log_exceptions=False,
                        )
                except psycopg2.errors.CheckViolation:
                    continue  # the database itself refuses it
        self.env.invalidate_all()

    def _assert_served_finite(self, Model, record, names):
        """What the web client reads of ``names``: records, groups, pivot."""
        bad = non_finite(record.read(names), "read")
        result = record.web_read({name: {} for name in names})
        bad += non_finite(result, "web_read")
        # what the web client receives must be valid JSON
        json.dumps(result, allow_nan=False, default=str)
        floats = [
            name
            for name, field in ((name, Model._fields[name]) for name in names)
            if isinstance(field, FiniteFloat) and field.store
        ]
        aggregates = [
            f"{name}:{Model._fields[name].aggregator}"
            for name in floats
            if Model._fields[name].aggregator
        ]
        if aggregates:
            groups = Model.formatted_read_group([], [], aggregates)
            bad += non_finite(groups, "read_group")
            pivot = Model.formatted_read_grouping_sets([], [[]], aggregates)
            bad += non_finite(pivot, "grouping_sets")
        for name in floats:
            groups = Model.formatted_read_group([], [name], ["__count"])
            bad += non_finite(groups, f"group_by_{name}")
            json.dumps(groups, allow_nan=False, default=str)
        self.assertFalse(bad, f"{Model._name} serves {bad}")

    def _recompute(self, Model, record, names):
        """Recompute the addon's stored computed fields from the bad data."""
        fields = [
            Model._fields[name]
            for name in names
            if Model._fields[name].compute and Model._fields[name].store
        ]
        for field in fields:
            self.env.add_to_compute(field, record)
        record._recompute_recordset([field.name for field in fields])

    def test_sweep_every_number_served_is_finite(self):
        models = self._addon_models()
        for model_name in ("sale.order.line", "sale.order", "crm.quote.price.rule"):
            self.assertIn(model_name, models)
        others = set()
        for value in NON_FINITE:
            self._store_everywhere(models, value)
            for model_name, names in models.items():
                Model = self.env[model_name]
                record = self._record(model_name)
                with self.subTest(model=model_name, stored=value):
                    self._assert_served_finite(Model, record, names)
                    self._recompute(Model, record, names)
                    self.env.invalidate_all()
                    self._assert_served_finite(Model, record, names)
                # numbers of other modules on the same records, for the record
                for name, field in Model._fields.items():
                    if field.type not in NUMBERS or name in names:
                        continue
                    try:
                        with self.env.cr.savepoint():
                            bad = non_finite(record.read([name]), "read")
                    except Exception as exc:  # pylint: disable=broad-exception-caught
                        bad = [type(exc).__name__]
                    if bad:
                        others.add(f"{model_name}.{name}: {bad[0].split('=')[-1]}")
            with self.subTest("the quote's actions", stored=value):
                # the rate card reads the bad price, cost and quantity: no
                # error, nothing non-finite stored
                self.quote.with_user(self.salesman).action_pricer_price()
                self.quote._pricer_approval_blocked()
                self.env["sale.order"].search([("pricer_needs_approval", "=", True)])
                self.env.invalidate_all()
                self._assert_served_finite(
                    self.env["sale.order.line"], self.line, models["sale.order.line"]
                )
        _logger.info("Non-finite numbers served by other modules: %s", sorted(others))

    def test_nan_cost_leaves_the_quote_readable(self):
        """The reported case: one line's cost is NaN, the quote form reads."""
        second = self.env["sale.order.line"].create(
            {"order_id": self.quote.id, "product_id": self.product.id}
        )
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET pricer_cost = 'NaN' WHERE id = %s",
                self.line.id,
            )
        )
        self.env.invalidate_all()
        line_spec = {
            name: {}
            for name, field in self.line._fields.items()
            if MODULE in field._modules
        }
        result = self.quote.with_user(self.salesman).web_read(
            {
                "pricer_max_discount": {},
                "pricer_min_margin": {},
                "pricer_needs_approval": {},
                "pricer_down_payment": {},
                "order_line": {"fields": line_spec},
            }
        )
        json.dumps(result, allow_nan=False)
        lines = {line["id"]: line for line in result[0]["order_line"]}
        self.assertEqual(lines[self.line.id]["pricer_cost"], 0.0)
        # a line without cost has no margin; the other line keeps its own
        self.assertEqual(lines[self.line.id]["pricer_margin"], 0.0)
        self.assertEqual(lines[second.id]["pricer_margin"], second.pricer_margin)
        self.assertEqual(result[0]["pricer_min_margin"], second.pricer_margin)
        self.assertTrue(self.line.pricer_waterfall_summary)
        # and the printed quote, with its waterfall
        self.quote.pricer_print_waterfall = True
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.report_saleorder", self.quote.ids
        )[0]
        self.assertIn(b"o_pricer_waterfall", html)

    def test_nan_price_counts_as_zero(self):
        """sale's price NaN: the pricer's values stay numbers, and a costed
        line at price 0 needs approval."""
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order_line SET price_unit = 'NaN' WHERE id = %s",
                self.line.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(self.line.pricer_margin, -100.0)
        self.assertTrue(self.line.pricer_below_floor)
        quote = self.quote.with_user(self.salesman)
        self.assertEqual(quote.pricer_min_margin, -100.0)
        self.assertTrue(quote.pricer_needs_approval)
        self.assertIn("0.00", self.line.pricer_waterfall_summary)
        self.assertTrue(quote._pricer_approval_blocked())
        # Price Quote puts the rate-card price back
        quote.action_pricer_price()
        self.assertEqual(self.line.price_unit, 950.0)
        self.assertFalse(quote.pricer_needs_approval)

    def test_nan_list_price_and_cost_price_nothing(self):
        """The product's price NaN: the rate card reads it as no price."""
        self.env.cr.execute(
            SQL(
                "UPDATE product_template SET list_price = 'Infinity' WHERE id = %s",
                self.machine.product_tmpl_id.id,
            )
        )
        self.env.invalidate_all()
        self.quote.with_user(self.salesman).action_pricer_price()
        self.assertEqual(self.line.pricer_list_price, 0.0)
        self.assertEqual(self.line.pricer_rate_price, 0.0)
        json.dumps(self.line.pricer_waterfall, allow_nan=False)

    def test_non_finite_input_is_refused(self):
        """Every stored float of the addon refuses a NaN or an infinity sent
        by a client, instead of storing 0.0 (registry-generated)."""
        for model_name, names in self._addon_models().items():
            Model = self.env[model_name]
            record = self._record(model_name)
            for name in names:
                field = Model._fields[name]
                if not isinstance(field, FiniteFloat | FiniteJson) or not field.store:
                    continue
                values = (math.nan, math.inf, -math.inf, "nan")
                if isinstance(field, FiniteJson):
                    values = [[{"rule": "x", "after": value}] for value in values[:3]]
                for value in values:
                    with self.subTest(field=f"{model_name}.{name}", value=value):
                        before = record[name]
                        with self.assertRaises(ValidationError):
                            record.write({name: value})
                        self.assertEqual(record[name], before)

    def test_huge_waterfall_amount_is_served_finite(self):
        """jsonb holds no NaN, but it holds 1e400: written out as an integer
        beyond any float, or with a fraction, which Python reads as inf."""
        huge = "1" + "0" * 400
        for after in (huge, f"{huge}.5"):
            with self.subTest(after=after[-3:]):
                self.env.cr.execute(
                    SQL(
                        "UPDATE sale_order_line SET pricer_waterfall = %s::jsonb "
                        "WHERE id = %s",
                        '[{"rule": "List price", "method": "", "before": 0,'
                        f' "after": {after}, "delta": {after}}}]',
                        self.line.id,
                    )
                )
                self.env.invalidate_all()
                result = self.line.web_read(
                    {
                        "pricer_waterfall": {},
                        "pricer_waterfall_html": {},
                        "pricer_waterfall_summary": {},
                    }
                )
                json.dumps(result, allow_nan=False)
                self.assertEqual(result[0]["pricer_waterfall"][0]["after"], 0.0)
                self.assertTrue(result[0]["pricer_waterfall_summary"])
