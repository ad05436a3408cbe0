# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_round

METHODS = [
    ("fixed", "Fixed price"),
    ("list_discount", "List price minus %"),
    ("cost_markup", "Cost plus markup"),
    ("qty_break", "Quantity breaks"),
    ("tag_adjust", "Tag surcharge / discount"),
]


class CrmQuotePriceRule(models.Model):
    _name = "crm.quote.price.rule"
    _description = "Quote Pricing Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(
        default=10,
        tracking=True,
        help="Rules that match a line chain in this order: each one starts "
        "from the price the previous one left.",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to use the rule in every company.",
    )
    # What it applies to
    applies_on = fields.Selection(
        [
            ("all", "All products"),
            ("category", "Product category"),
            ("product", "Product"),
        ],
        default="all",
        required=True,
        tracking=True,
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", tracking=True
    )
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", tracking=True, check_company=True
    )
    customer_scope = fields.Selection(
        [
            ("all", "All customers"),
            ("partner", "Customer"),
            ("tag", "Customer tag"),
            ("country", "Country"),
        ],
        default="all",
        required=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, check_company=True
    )
    partner_tag_id = fields.Many2one(
        "res.partner.category", string="Customer Tag", tracking=True
    )
    country_id = fields.Many2one("res.country", tracking=True)
    pricelist_id = fields.Many2one(
        "product.pricelist", tracking=True, check_company=True
    )
    currency_id = fields.Many2one(
        "res.currency",
        tracking=True,
        help="Amounts of the rule are in this currency and the rule only "
        "applies to quotes in it. Empty: company currency, any quote.",
    )
    date_start = fields.Date(string="Valid From", tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True)
    # How it prices
    method = fields.Selection(METHODS, required=True, default="list_discount")
    fixed_price = fields.Float(digits="Product Price", tracking=True)
    percent = fields.Float(
        string="Rate (%)",
        tracking=True,
        help="Discount for 'List price minus %', markup for 'Cost plus "
        "markup', surcharge (positive) or discount (negative) for a tag.",
    )
    break_mode = fields.Selection(
        [("range", "Range"), ("slab", "Slab")],
        default="range",
        help="Range: the whole quantity at the rate of the tier it falls in. "
        "Slab: each part of the quantity at the rate of its own tier.",
    )
    tier_ids = fields.One2many(
        "crm.quote.price.rule.tier", "rule_id", string="Tiers", copy=True
    )
    margin_floor = fields.Float(
        string="Margin Floor (%)",
        tracking=True,
        help="A priced line whose margin falls below this is flagged.",
    )
    down_payment_percent = fields.Float(
        string="Down Payment (%)",
        tracking=True,
        help="Invoicing plan: share of the order invoiced as a draft at "
        "confirmation; the rest is invoiced on delivery.",
    )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(
        "method",
        "fixed_price",
        "percent",
        "tier_ids",
        "applies_on",
        "product_tmpl_id",
        "categ_id",
        "customer_scope",
        "partner_id",
        "partner_tag_id",
        "country_id",
    )
    def _check_rate(self):
        for rule in self:
            if rule.method == "fixed" and rule.fixed_price <= 0:
                raise ValidationError(
                    self.env._("Rule '%s' has no fixed price.", rule.name)
                )
            if rule.method in ("list_discount", "cost_markup", "tag_adjust") and (
                not rule.percent
            ):
                raise ValidationError(self.env._("Rule '%s' has no rate.", rule.name))
            if (rule.method == "list_discount" and rule.percent >= 100) or (
                # a tag discount of 100% or more would price below zero
                rule.method == "tag_adjust" and rule.percent <= -100
            ):
                raise ValidationError(
                    self.env._("Rule '%s' cannot discount 100%% or more.", rule.name)
                )
            if rule.method == "qty_break" and not rule.tier_ids:
                raise ValidationError(
                    self.env._("Rule '%s' has no quantity tiers.", rule.name)
                )
            if rule.method == "tag_adjust" and not (
                rule.customer_scope == "tag" and rule.partner_tag_id
            ):
                raise ValidationError(
                    self.env._(
                        "Rule '%s' is a tag surcharge or discount: set a customer tag.",
                        rule.name,
                    )
                )
            if rule.method == "cost_markup" and rule.percent <= -100:
                raise ValidationError(
                    self.env._("Rule '%s' cannot have a markup of -100%%.", rule.name)
                )
            if (
                rule.method == "cost_markup"
                and rule.applies_on == "product"
                and rule.product_tmpl_id
                and not rule.product_tmpl_id.standard_price
            ):
                raise ValidationError(
                    self.env._(
                        "Rule '%(rule)s' marks up the cost of '%(product)s', "
                        "which has no cost.",
                        rule=rule.name,
                        product=rule.product_tmpl_id.display_name,
                    )
                )
            missing = rule._pricer_missing_target()
            if missing:
                raise ValidationError(
                    self.env._(
                        "Rule '%(rule)s' must name %(what)s.",
                        rule=rule.name,
                        what=missing,
                    )
                )

    def _pricer_missing_target(self):
        """Label of the product or customer target the rule lacks, if any."""
        self.ensure_one()
        if self.applies_on == "product" and not self.product_tmpl_id:
            return self.env._("a product")
        if self.applies_on == "category" and not self.categ_id:
            return self.env._("a product category")
        if self.customer_scope == "partner" and not self.partner_id:
            return self.env._("a customer")
        if self.customer_scope == "tag" and not self.partner_tag_id:
            return self.env._("a customer tag")
        if self.customer_scope == "country" and not self.country_id:
            return self.env._("a country")
        return False

    @api.constrains("date_start", "date_end", "margin_floor", "down_payment_percent")
    def _check_ranges(self):
        for rule in self:
            if rule.date_start and rule.date_end and rule.date_end < rule.date_start:
                raise ValidationError(
                    self.env._("Rule '%s' cannot end before it starts.", rule.name)
                )
            if not 0 <= rule.margin_floor < 100:
                raise ValidationError(
                    self.env._("The margin floor must be between 0 and 100%.")
                )
            if not 0 <= rule.down_payment_percent <= 100:
                raise ValidationError(
                    self.env._("The down payment must be between 0 and 100%.")
                )

    @api.constrains("currency_id", "pricelist_id")
    def _check_currency(self):
        for rule in self:
            if (
                rule.currency_id
                and rule.pricelist_id
                and rule.pricelist_id.currency_id != rule.currency_id
            ):
                raise ValidationError(
                    self.env._(
                        "Rule '%(rule)s' is in %(rule_cur)s but its pricelist "
                        "'%(pricelist)s' is in %(pl_cur)s.",
                        rule=rule.name,
                        rule_cur=rule.currency_id.name,
                        pricelist=rule.pricelist_id.name,
                        pl_cur=rule.pricelist_id.currency_id.name,
                    )
                )

    def _check_tiers(self):
        """Tiers must be contiguous: no overlap, no gap, only the last open."""
        for rule in self:
            tiers = rule.tier_ids.sorted(lambda t: (t.min_qty, t.id))
            previous = None
            for tier in tiers:
                if previous is not None:
                    if not previous.max_qty or tier.min_qty < previous.max_qty:
                        raise ValidationError(
                            self.env._(
                                "Rule '%(rule)s': the tier from %(qty)s overlaps "
                                "the tier before it.",
                                rule=rule.name,
                                qty=tier.min_qty,
                            )
                        )
                    if tier.min_qty > previous.max_qty:
                        raise ValidationError(
                            self.env._(
                                "Rule '%(rule)s': no tier covers quantities from "
                                "%(start)s to %(end)s.",
                                rule=rule.name,
                                start=previous.max_qty,
                                end=tier.min_qty,
                            )
                        )
                previous = tier

    @api.constrains("tier_ids")
    def _check_tier_ids(self):
        self._check_tiers()

    # ------------------------------------------------------------------
    # Engine
    # ------------------------------------------------------------------
    @api.model
    def _pricer_matching_domain(self, companies):
        return Domain("active", "=", True) & Domain(
            "company_id", "in", companies.ids + [False]
        )

    def _pricer_matches(self, ctx):
        """Whether this rule applies to a line context (pure Python)."""
        self.ensure_one()
        if self.company_id and self.company_id != ctx["company"]:
            return False
        if self.date_start and ctx["date"] < self.date_start:
            return False
        if self.date_end and ctx["date"] > self.date_end:
            return False
        if self.pricelist_id and self.pricelist_id != ctx["pricelist"]:
            return False
        if self.currency_id and self.currency_id != ctx["currency"]:
            return False
        if self.applies_on == "product" and (
            self.product_tmpl_id != ctx["product"].product_tmpl_id
        ):
            return False
        if self.applies_on == "category":
            path = ctx["product"].categ_id.parent_path or ""
            if not path.startswith(self.categ_id.parent_path or "/"):
                return False
        if self.customer_scope == "partner" and self.partner_id not in ctx["partners"]:
            return False
        if self.customer_scope == "tag" and self.partner_tag_id not in ctx["tags"]:
            return False
        if self.customer_scope == "country" and self.country_id != ctx["country"]:
            return False
        return True

    def _pricer_apply(self, price, ctx, convert):
        """Price after this rule, from the running price ``price``."""
        self.ensure_one()
        rate_currency = self.currency_id or ctx["company"].currency_id
        if self.method == "fixed":
            return convert(self.fixed_price, rate_currency)
        if self.method == "list_discount":
            return ctx["list_price"] * (1 - self.percent / 100.0)
        if self.method == "cost_markup":
            if not ctx["cost"]:
                raise UserError(
                    self.env._(
                        "Rule '%(rule)s' marks up the cost of '%(product)s', "
                        "which has no cost.",
                        rule=self.name,
                        product=ctx["product"].display_name,
                    )
                )
            return ctx["cost"] * (1 + self.percent / 100.0)
        if self.method == "qty_break":
            return self._pricer_apply_breaks(price, ctx["qty"])
        if self.method == "tag_adjust":
            return price * (1 + self.percent / 100.0)
        return price

    def _pricer_apply_breaks(self, price, qty):
        tiers = self.tier_ids.sorted(lambda t: (t.min_qty, t.id))
        if self.break_mode == "slab":
            total = 0.0
            for tier in tiers:
                upper = min(qty, tier.max_qty) if tier.max_qty else qty
                part = upper - tier.min_qty
                if part > 0:
                    total += part * price * (1 - tier.discount / 100.0)
            covered = min(qty, tiers[-1:].max_qty or qty) - (tiers[:1].min_qty or 0.0)
            # Quantity no tier covers keeps the running price.
            total += max(qty - covered, 0.0) * price
            return total / qty if qty else price
        for tier in tiers:
            if tier.min_qty <= qty and (not tier.max_qty or qty < tier.max_qty):
                return price * (1 - tier.discount / 100.0)
        return price

    @api.model
    def _pricer_compute(self, lines):
        """Price ``lines`` (sale.order.line) set-wise.

        A fixed number of queries whatever the number of lines: one search
        for the candidate rules, prefetching of tiers, products, partners
        and costs for the whole set, then pure Python.
        Returns {line: result} for every product line; ``result["steps"]``
        is empty when no rule matched. Lines of zero or negative quantity
        (unselected options, credits) are left out.
        """
        lines = lines.filtered(
            lambda line: line.product_id
            and not line.display_type
            and not line.is_downpayment
        )
        if not lines:
            return {}
        orders = lines.order_id
        companies = orders.company_id
        rules = self.search(self._pricer_matching_domain(companies))
        rules.tier_ids.mapped("discount")
        precision = self.env["decimal.precision"].precision_get("Product Price")
        rates = {}

        def make_convert(company, currency, date):
            def convert(amount, from_currency):
                if not amount or from_currency == currency:
                    return amount
                key = (from_currency.id, currency.id, company.id, date)
                if key not in rates:
                    rates[key] = from_currency._convert(1.0, currency, company, date)
                return amount * rates[key]

            return convert

        results = {}
        for company in companies:
            company_lines = lines.filtered(
                lambda lin, c=company: lin.order_id.company_id == c
            )
            company_lines = company_lines.with_company(company)
            products = company_lines.product_id
            products.mapped("standard_price")
            products.mapped("lst_price")
            partners = company_lines.order_id.partner_id
            (partners | partners.commercial_partner_id).mapped("category_id")
            for line in company_lines:
                order = line.order_id
                partner = order.partner_id
                commercial = partner.commercial_partner_id
                date = fields.Date.to_date(order.date_order or fields.Date.today())
                convert = make_convert(company, order.currency_id, date)
                product = line.product_id
                if line.product_uom_qty <= 0:
                    # credit, return and unselected optional lines keep
                    # their price; the approval checks them on their own
                    continue
                ctx = {
                    "company": company,
                    "date": date,
                    "pricelist": order.pricelist_id,
                    "currency": order.currency_id,
                    "product": product,
                    "partners": partner | commercial,
                    "tags": partner.category_id | commercial.category_id,
                    "country": partner.country_id or commercial.country_id,
                    "qty": line.product_uom_qty,
                    "list_price": convert(product.lst_price, company.currency_id),
                    "cost": convert(product.standard_price, company.currency_id),
                }
                floor = max(
                    product.product_tmpl_id.pricer_margin_floor,
                    product.categ_id.pricer_margin_floor,
                )
                price = ctx["list_price"]
                steps = []
                down_payment = 0.0
                for rule in rules:
                    if not rule._pricer_matches(ctx):
                        continue
                    before = price
                    price = float_round(
                        rule._pricer_apply(price, ctx, convert),
                        precision_digits=precision,
                    )
                    floor = max(floor, rule.margin_floor)
                    down_payment = max(down_payment, rule.down_payment_percent)
                    steps.append(
                        {
                            "rule_id": rule.id,
                            "rule": rule.name,
                            "method": dict(
                                rule._fields["method"]._description_selection(self.env)
                            )[rule.method],
                            "before": before,
                            "after": price,
                            "delta": float_round(
                                price - before, precision_digits=precision
                            ),
                        }
                    )
                results[line] = {
                    "price": max(price, 0.0),
                    "list_price": ctx["list_price"],
                    "cost": ctx["cost"],
                    "floor": floor,
                    "down_payment": down_payment,
                    "steps": steps,
                }
        return results
