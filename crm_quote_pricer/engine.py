# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rate-card engine: which rules apply to a quote line, and at what price.

Plain Python on plain data, so that it is tested without a database: the
model ``crm.quote.price.rule`` reads rules, tiers, products, partners and
rates for a whole set of lines, turns them into the dataclasses below and
calls :func:`price_line` for each line. Records appear as their ids (``None``
when empty), amounts as floats in the currency the docstrings name.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

# (amount, id of the currency it is in) -> amount in the line's currency
Convert = Callable[[float, int], float]
# the running price after a rule, rounded to the price precision
RoundPrice = Callable[[float], float]


class NoCostError(Exception):
    """A cost-plus rule met a product that has no cost."""

    def __init__(self, rule_name, product_id):
        super().__init__(rule_name, product_id)
        self.rule_name = rule_name
        self.product_id = product_id


@dataclass(frozen=True)
class Tier:
    """A quantity break: ``discount`` % off from ``min_qty`` up to
    ``max_qty`` (excluded; 0 for no upper bound)."""

    min_qty: float
    max_qty: float
    discount: float


@dataclass(frozen=True)
class Rule:
    """A pricing rule. Amounts (``fixed_price``) are in ``currency_id``, or in
    the company currency when it is ``None``."""

    id: int
    name: str
    method: str
    method_label: str = ""
    company_id: int | None = None
    date_start: date | None = None
    date_end: date | None = None
    pricelist_id: int | None = None
    currency_id: int | None = None
    applies_on: str = "all"
    product_tmpl_id: int | None = None
    categ_path: str | None = None
    customer_scope: str = "all"
    partner_id: int | None = None
    partner_tag_id: int | None = None
    country_id: int | None = None
    fixed_price: float = 0.0
    percent: float = 0.0
    break_mode: str = "range"
    tiers: tuple[Tier, ...] = ()
    margin_floor: float = 0.0
    down_payment_percent: float = 0.0
    production_share_percent: float = 0.0


@dataclass(frozen=True)
class LineContext:
    """What the rules see of a quote line. ``list_price`` and ``cost`` are the
    product's, in the company currency; ``currency_id`` is the quote's;
    ``categ_path`` is the product category's ``parent_path``;
    ``partner_ids``, ``tag_ids`` and ``country_id`` are the customer's and
    its commercial partner's; ``margin_floor`` the product's."""

    company_id: int
    company_currency_id: int
    date: date
    currency_id: int
    product_id: int
    product_tmpl_id: int
    qty: float
    list_price: float
    cost: float
    pricelist_id: int | None = None
    categ_path: str | None = None
    partner_ids: frozenset[int] = frozenset()
    tag_ids: frozenset[int] = frozenset()
    country_id: int | None = None
    margin_floor: float = 0.0


@dataclass(frozen=True)
class Step:
    """One applied rule of the price waterfall. ``method`` is the method's
    label when priced, ``code`` its key (shown in the reader's language)."""

    rule_id: int
    rule: str
    method: str
    before: float
    after: float
    delta: float
    code: str = ""


@dataclass(frozen=True)
class PriceResult:
    """The rate card's answer for a line, amounts in the quote's currency:
    ``steps`` is empty when no rule matched; ``floor``, ``down_payment``
    and ``production_share`` are the highest of the product's and the
    applied rules'."""

    price: float
    list_price: float
    cost: float
    floor: float
    down_payment: float
    production_share: float = 0.0
    steps: tuple[Step, ...] = field(default=())

    def as_dict(self):
        """The JSON-ready form the models store and read."""
        result = asdict(self)
        result["steps"] = list(result["steps"])
        return result


def matches(rule: Rule, line: LineContext) -> bool:
    """Whether ``rule`` applies to ``line``."""
    if rule.company_id and rule.company_id != line.company_id:
        return False
    if rule.date_start and line.date < rule.date_start:
        return False
    if rule.date_end and line.date > rule.date_end:
        return False
    if rule.pricelist_id and rule.pricelist_id != line.pricelist_id:
        return False
    if rule.currency_id and rule.currency_id != line.currency_id:
        return False
    if rule.applies_on == "product" and rule.product_tmpl_id != line.product_tmpl_id:
        return False
    if rule.applies_on == "category":
        # parent_path "1/5/8/": a rule on category 5 covers 8
        if not (line.categ_path or "").startswith(rule.categ_path or "/"):
            return False
    if rule.customer_scope == "partner" and rule.partner_id not in line.partner_ids:
        return False
    if rule.customer_scope == "tag" and rule.partner_tag_id not in line.tag_ids:
        return False
    if rule.customer_scope == "country" and rule.country_id != line.country_id:
        return False
    return True


def apply(
    rule: Rule,
    price: float,
    line: LineContext,
    *,
    list_price: float,
    cost: float,
    convert: Convert,
) -> float:
    """Price after ``rule``, from the running price ``price``; ``list_price``
    and ``cost`` are the line's in the quote's currency."""
    if rule.method == "fixed":
        return convert(rule.fixed_price, rule.currency_id or line.company_currency_id)
    if rule.method == "list_discount":
        return list_price * (1 - rule.percent / 100.0)
    if rule.method == "cost_markup":
        if not cost:
            raise NoCostError(rule.name, line.product_id)
        return cost * (1 + rule.percent / 100.0)
    if rule.method == "qty_break":
        return apply_breaks(price, line.qty, rule.tiers, rule.break_mode)
    if rule.method == "tag_adjust":
        return price * (1 + rule.percent / 100.0)
    return price


def apply_breaks(price: float, qty: float, tiers: Iterable[Tier], mode: str) -> float:
    """Unit price of ``qty`` after quantity breaks ``tiers`` (any order).

    ``range``: the whole quantity at the discount of the tier it falls in.
    ``slab``: each part of the quantity at the discount of its own tier,
    averaged over the quantity.
    """
    tiers = sorted(tiers, key=lambda tier: tier.min_qty)
    if mode == "slab":
        total = 0.0
        for tier in tiers:
            upper = min(qty, tier.max_qty) if tier.max_qty else qty
            part = upper - tier.min_qty
            if part > 0:
                total += part * price * (1 - tier.discount / 100.0)
        last_max = tiers[-1].max_qty if tiers else 0.0
        first_min = tiers[0].min_qty if tiers else 0.0
        covered = min(qty, last_max or qty) - first_min
        # Quantity no tier covers keeps the running price.
        total += max(qty - covered, 0.0) * price
        return total / qty if qty else price
    for tier in tiers:
        if tier.min_qty <= qty and (not tier.max_qty or qty < tier.max_qty):
            return price * (1 - tier.discount / 100.0)
    return price


def price_line(
    line: LineContext,
    rules: Iterable[Rule],
    *,
    convert: Convert,
    round_price: RoundPrice,
) -> PriceResult | None:
    """Chain the matching ``rules`` (in their order) over ``line``.

    Each rule starts from the price the previous one left, beginning with
    the list price. ``convert`` brings amounts into the quote's currency;
    ``round_price`` rounds each step. Raises :class:`NoCostError` when a
    cost-plus rule meets a product without cost.

    ``None`` for a zero or negative quantity: credit, return and unselected
    optional lines keep their price (the approval checks them on their own).
    """
    if line.qty <= 0:
        return None
    list_price = convert(line.list_price, line.company_currency_id)
    cost = convert(line.cost, line.company_currency_id)
    price = list_price
    floor = line.margin_floor
    down_payment = production_share = 0.0
    steps = []
    for rule in rules:
        if not matches(rule, line):
            continue
        before = price
        price = round_price(
            apply(rule, price, line, list_price=list_price, cost=cost, convert=convert)
        )
        floor = max(floor, rule.margin_floor)
        down_payment = max(down_payment, rule.down_payment_percent)
        production_share = max(production_share, rule.production_share_percent)
        steps.append(
            Step(
                rule_id=rule.id,
                rule=rule.name,
                method=rule.method_label,
                before=before,
                after=price,
                delta=round_price(price - before),
                code=rule.method,
            )
        )
    return PriceResult(
        price=max(price, 0.0),
        list_price=list_price,
        cost=cost,
        floor=floor,
        down_payment=down_payment,
        production_share=production_share,
        steps=tuple(steps),
    )
