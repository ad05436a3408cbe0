# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_round

from .. import engine
from .finite_values import FiniteFloat, finite

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
    _inherit = ["mail.thread", "crm.quote.pricer.finite"]
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
    fixed_price = FiniteFloat(digits="Product Price", tracking=True)
    percent = FiniteFloat(
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
    margin_floor = FiniteFloat(
        string="Margin Floor (%)",
        tracking=True,
        help="A priced line whose margin falls below this is flagged.",
    )
    down_payment_percent = FiniteFloat(
        string="Down Payment (%)",
        tracking=True,
        help="Invoicing plan: share of the order invoiced as a draft at "
        "confirmation; the rest is invoiced on delivery.",
    )
    production_share_percent = FiniteFloat(
        string="Share at Production Done (%)",
        tracking=True,
        help="Invoicing plan: share of the order drafted for billing when all "
        "its manufacturing orders are done; the rest is invoiced on delivery.",
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

    @api.constrains(
        "date_start",
        "date_end",
        "margin_floor",
        "down_payment_percent",
        "production_share_percent",
    )
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
            if not (
                0 <= rule.production_share_percent <= 100
                and rule.down_payment_percent + rule.production_share_percent <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The share at production done must be between 0 and "
                        "100%, and with the down payment at most 100%."
                    )
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
    # Engine glue: the ORM reads, crm_quote_pricer.engine prices
    # ------------------------------------------------------------------
    @api.model
    def _pricer_matching_domain(self, companies):
        return Domain("active", "=", True) & Domain(
            "company_id", "in", companies.ids + [False]
        )

    def _pricer_tiers(self):
        self.ensure_one()
        return tuple(
            engine.Tier(min_qty=t.min_qty, max_qty=t.max_qty, discount=t.discount)
            for t in self.tier_ids.sorted(lambda t: (t.min_qty, t.id))
        )

    def _pricer_rules(self):
        """The rules of self, in their order, as the engine's data."""
        labels = dict(self._fields["method"]._description_selection(self.env))
        return tuple(
            engine.Rule(
                id=rule.id,
                name=rule.name,
                method=rule.method,
                method_label=labels.get(rule.method, ""),
                company_id=rule.company_id.id or None,
                date_start=rule.date_start or None,
                date_end=rule.date_end or None,
                pricelist_id=rule.pricelist_id.id or None,
                currency_id=rule.currency_id.id or None,
                applies_on=rule.applies_on,
                product_tmpl_id=rule.product_tmpl_id.id or None,
                categ_path=rule.categ_id.parent_path or None,
                customer_scope=rule.customer_scope,
                partner_id=rule.partner_id.id or None,
                partner_tag_id=rule.partner_tag_id.id or None,
                country_id=rule.country_id.id or None,
                fixed_price=rule.fixed_price,
                percent=rule.percent,
                break_mode=rule.break_mode,
                tiers=rule._pricer_tiers(),
                margin_floor=rule.margin_floor,
                down_payment_percent=rule.down_payment_percent,
                production_share_percent=rule.production_share_percent,
            )
            for rule in self
        )

    def _pricer_apply_breaks(self, price, qty):
        """Unit price of ``qty`` after this rule's quantity breaks."""
        return engine.apply_breaks(price, qty, self._pricer_tiers(), self.break_mode)

    @api.model
    def _pricer_compute(self, lines):
        """Price ``lines`` (sale.order.line) set-wise.

        A fixed number of queries whatever the number of lines: one search
        for the candidate rules, prefetching of tiers, products, partners
        and costs for the whole set, then the engine in pure Python.
        Returns {line: result} for every product line, ``result`` being
        :meth:`engine.PriceResult.as_dict`; ``result["steps"]`` is empty
        when no rule matched. Lines of zero or negative quantity (unselected
        options, credits) are left out.
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
        rule_data = rules._pricer_rules()
        precision = self.env["decimal.precision"].precision_get("Product Price")
        Currency = self.env["res.currency"]
        rates = {}

        def make_convert(company, currency, date):
            def convert(amount, from_currency_id):
                if not amount or from_currency_id == currency.id:
                    return amount
                key = (from_currency_id, currency.id, company.id, date)
                if key not in rates:
                    # a NaN or infinite currency rate (stored by SQL or an
                    # import) converts every amount to 0
                    rates[key] = finite(
                        Currency.browse(from_currency_id)._convert(
                            1.0, currency, company, date
                        )
                    )
                return finite(amount * rates[key])

            return convert

        def round_price(value):
            # finite amounts may still overflow (a huge cost marked up):
            # such a price counts as 0, and rounding an infinity raises
            return float_round(finite(value), precision_digits=precision)

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
                date = fields.Date.to_date(order.date_order or fields.Date.today())
                try:
                    result = engine.price_line(
                        self._pricer_line_context(line, date),
                        rule_data,
                        convert=make_convert(company, order.currency_id, date),
                        round_price=round_price,
                    )
                except engine.NoCostError as exc:
                    raise UserError(
                        self.env._(
                            "Rule '%(rule)s' marks up the cost of '%(product)s', "
                            "which has no cost.",
                            rule=exc.rule_name,
                            product=line.product_id.display_name,
                        )
                    ) from exc
                if result is not None:
                    results[line] = result.as_dict()
        return results

    @api.model
    def _pricer_line_context(self, line, date):
        """The engine's view of a line whose records are prefetched."""
        order = line.order_id
        company = order.company_id
        partner = order.partner_id
        commercial = partner.commercial_partner_id
        product = line.product_id
        return engine.LineContext(
            company_id=company.id,
            company_currency_id=company.currency_id.id,
            date=date,
            currency_id=order.currency_id.id,
            product_id=product.id,
            product_tmpl_id=product.product_tmpl_id.id,
            # sale's quantity and the product's price and cost: a NaN or
            # infinite one (stored by SQL or an import) counts as 0, i.e. no
            # quantity to price, no list price, no cost (a cost-plus rule
            # then says the product has no cost)
            qty=finite(line.product_uom_qty),
            list_price=finite(product.lst_price),
            cost=finite(product.standard_price),
            pricelist_id=order.pricelist_id.id or None,
            categ_path=product.categ_id.parent_path or None,
            partner_ids=frozenset((partner | commercial).ids),
            tag_ids=frozenset((partner.category_id | commercial.category_id).ids),
            country_id=(partner.country_id or commercial.country_id).id or None,
            margin_floor=max(
                product.product_tmpl_id.pricer_margin_floor,
                product.categ_id.pricer_margin_floor,
            ),
        )
