# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount, formatLang

from .finite_values import FiniteFloat, FiniteJson, finite, is_finite

# Line fields whose change voids an approval of the quote: they decide which
# price the rate card gives and how far the sold price is from it.
PRICING_FIELDS = (
    "price_unit",
    "product_uom_qty",
    "discount",
    "product_id",
    "product_uom_id",
)

# Fields filled by ``_compute_pricer_result`` from the rate-card engine. The
# approval measures the quote against them, so no client writes them but a
# pricing manager.
PRICER_RESULT_FIELDS = (
    "pricer_waterfall",
    "pricer_list_price",
    "pricer_rate_price",
    "pricer_cost",
    "pricer_margin_floor",
    "pricer_down_payment",
    "pricer_production_share",
)

WATERFALL_NUMBERS = ("before", "after", "delta")


def _pricer_result_field(field_type, string, **kwargs):
    """A stored snapshot of the pricing engine, computed before create."""
    return field_type(
        string=string,
        compute="_compute_pricer_result",
        store=True,
        precompute=True,
        readonly=True,
        **kwargs,
    )


def _waterfall_is_valid(steps):
    """Whether ``steps`` has the shape the engine writes and the views read."""
    if not isinstance(steps, list):
        return False
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("rule"), str):
            return False
        if not isinstance(step.get("method", ""), str):
            return False
        for key in WATERFALL_NUMBERS:
            value = step.get(key, 0.0)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not is_finite(value)
            ):
                return False
    return True


def _finite_result(result):
    """The engine's result with every amount finite: its inputs are finite
    (see ``crm.quote.price.rule._pricer_compute``), but a product of huge
    finite amounts may still overflow to infinity. Such an amount counts as
    0, as a missing one does."""
    result = dict(result)
    for key in (
        "price",
        "list_price",
        "cost",
        "floor",
        "down_payment",
        "production_share",
    ):
        if key in result:
            result[key] = finite(result[key])
    if result.get("steps"):
        result["steps"] = [
            {
                **step,
                **{key: finite(step[key]) for key in WATERFALL_NUMBERS if key in step},
            }
            for step in result["steps"]
        ]
    return result


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "crm.quote.pricer.finite"]

    pricer_waterfall = _pricer_result_field(
        FiniteJson,
        "Price Waterfall",
        help="Snapshot of the rules applied when the line was priced: it keeps "
        "the rule names and amounts, so it stays readable if rules change.",
    )
    pricer_list_price = _pricer_result_field(
        FiniteFloat, "List Price (Pricer)", digits="Product Price"
    )
    pricer_rate_price = _pricer_result_field(
        FiniteFloat,
        "Rate-Card Price",
        digits="Product Price",
        help="Net unit price the rate card gives the line (the pricelist "
        "price when no rule applies): the reference of the granted discount.",
    )
    pricer_cost = _pricer_result_field(FiniteFloat, "Cost", digits="Product Price")
    pricer_margin_floor = _pricer_result_field(FiniteFloat, "Margin Floor (%)")
    pricer_down_payment = _pricer_result_field(FiniteFloat, "Down Payment (%)")
    pricer_production_share = _pricer_result_field(
        FiniteFloat, "Share at Production Done (%)"
    )
    pricer_margin = FiniteFloat(
        string="Margin (%)", compute="_compute_pricer_margin", digits=(16, 2)
    )
    pricer_granted_discount = FiniteFloat(
        string="Granted Discount (%)",
        compute="_compute_pricer_margin",
        digits=(16, 2),
        help="Discount granted by hand below the rate-card price.",
    )
    pricer_below_floor = fields.Boolean(
        string="Below Margin Floor", compute="_compute_pricer_margin"
    )
    pricer_credit = fields.Boolean(
        string="Credit Line",
        compute="_compute_pricer_margin",
        help="A negative quantity or a price below zero: the line gives value "
        "back, which only a full (100%) discount authority covers.",
    )
    pricer_waterfall_html = fields.Html(
        string="Waterfall", compute="_compute_pricer_waterfall_html", sanitize=False
    )
    pricer_waterfall_summary = fields.Char(
        string="Pricing", compute="_compute_pricer_waterfall_html"
    )

    @api.depends(
        "price_unit",
        "discount",
        "product_uom_qty",
        "pricer_rate_price",
        "pricer_cost",
        "pricer_margin_floor",
        "product_id",
    )
    def _compute_pricer_margin(self):
        for line in self:
            net = line._pricer_net_price()
            cost = line.pricer_cost
            if cost and net > 0:
                line.pricer_margin = (net - cost) / net * 100.0
            else:
                # nothing sold below zero earns a margin
                line.pricer_margin = -100.0 if cost and net <= 0 else 0.0
            priced = line._pricer_is_product_line()
            qty = finite(line.product_uom_qty)
            line.pricer_credit = bool(priced and (qty < 0 or net < 0))
            reference = line.pricer_rate_price
            if line.pricer_credit:
                line.pricer_granted_discount = 100.0
            elif priced and reference > 0:
                line.pricer_granted_discount = max((1 - net / reference) * 100.0, 0.0)
            else:
                line.pricer_granted_discount = 0.0
            line.pricer_below_floor = bool(
                priced
                and cost
                and line.pricer_margin_floor
                and line.pricer_margin < line.pricer_margin_floor
            )

    def _pricer_net_price(self):
        """Unit price after the discount. The price and the discount are
        sale's: a NaN or infinite one (stored by SQL or an import) counts as
        0, so the line's margin and discount stay numbers; a costed line sold
        at 0 has a margin of -100% and needs approval, the safe side."""
        self.ensure_one()
        return finite(finite(self.price_unit) * (1 - finite(self.discount) / 100.0))

    def _pricer_is_product_line(self):
        self.ensure_one()
        return bool(
            self.product_id and not self.display_type and not self.is_downpayment
        )

    def _pricer_method_labels(self):
        """{pricing method: its label in the reader's language}."""
        return dict(
            self.env["crm.quote.price.rule"]
            ._fields["method"]
            ._description_selection(self.env)
        )

    def _pricer_waterfall_steps(self, methods=None):
        """The line's waterfall as the reader sees it: the list price, each
        rule of the rate card, a price set by hand, then the salesperson's
        discount, each with the unit price it leaves (``amount``) and what it
        changed (``delta``). Labels are in the reader's language
        (``methods``: the method labels, when the caller has them)."""
        self.ensure_one()
        stored = self.pricer_waterfall or []
        if not _waterfall_is_valid(stored):
            stored = []
        # sale's price and discount, a non-finite one counting as 0 (see
        # _pricer_net_price): formatting a NaN amount raises
        price, discount = finite(self.price_unit), finite(self.discount)
        if not stored and not discount:
            return []
        if methods is None:
            methods = self._pricer_method_labels()
        steps = []
        for index, step in enumerate(stored):
            start = index == 0 and not step.get("method")
            if start:
                label, detail = self.env._("List price"), ""
            else:
                label = step.get("rule") or ""
                code = step.get("code")
                detail = (isinstance(code, str) and methods.get(code)) or step.get(
                    "method"
                )
            steps.append(
                {
                    "label": label,
                    "detail": detail,
                    # the list price is where the waterfall starts, no change
                    "delta": None if start else step.get("delta") or 0.0,
                    "amount": step.get("after") or 0.0,
                }
            )
        currency = self.currency_id or self.env.company.currency_id
        if not steps:
            steps.append(
                {
                    "label": self.env._("Unit price"),
                    "detail": "",
                    "delta": None,
                    "amount": price,
                }
            )
        elif currency.compare_amounts(price, steps[-1]["amount"]):
            steps.append(
                {
                    "label": self.env._("Price set by hand"),
                    "detail": "",
                    "delta": price - steps[-1]["amount"],
                    "amount": price,
                }
            )
        if discount:
            net = self._pricer_net_price()
            steps.append(
                {
                    "label": self.env._("Salesperson's discount"),
                    "detail": f"{formatLang(self.env, discount)} %",
                    "delta": net - price,
                    "amount": net,
                }
            )
        return steps

    def _pricer_format_delta(self, delta, currency, fmt=None):
        """``delta`` with its sign; ``fmt(value, currency)`` formats the
        amount (format_amount by default)."""
        if delta is None:
            return ""
        # the sign leads, as in a bank statement: "-$ 60.00", not "$ -60.00"
        if fmt is None:
            amount = format_amount(self.env, abs(delta), currency)
        else:
            amount = fmt(abs(delta), currency)
        if currency.is_zero(delta):
            return amount
        return f"+{amount}" if delta > 0 else f"-{amount}"

    @api.depends(
        "pricer_waterfall", "price_unit", "discount", "currency_id", "company_id"
    )
    @api.depends_context("lang")
    def _compute_pricer_waterfall_html(self):
        # what every line shares, looked up once for the lines computed
        # together (a quote's lines are read by the page: 40 at a time)
        methods = self._pricer_method_labels()
        header = Markup(
            "<table class='table table-sm o_pricer_waterfall'><thead><tr>"
            "<th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Step"),
            self.env._("How"),
            self.env._("Change"),
            self.env._("Unit Price"),
        )
        row = Markup(
            "<tr><td>%s</td><td class='text-muted'>%s</td>"
            "<td class='text-end text-nowrap'>%s</td>"
            "<td class='text-end text-nowrap fw-bold'>%s</td></tr>"
        )
        amounts = {}

        def amount(value, currency):
            key = (value, currency.id)
            if key not in amounts:
                amounts[key] = format_amount(self.env, value, currency)
            return amounts[key]

        for line in self:
            steps = line._pricer_waterfall_steps(methods)
            if not steps:
                line.pricer_waterfall_html = False
                line.pricer_waterfall_summary = False
                continue
            currency = line.currency_id or line.env.company.currency_id
            rows = Markup("").join(
                row
                % (
                    step["label"],
                    step["detail"],
                    line._pricer_format_delta(step["delta"], currency, amount),
                    amount(step["amount"], currency),
                )
                for step in steps
            )
            line.pricer_waterfall_html = header + rows + Markup("</tbody></table>")
            line.pricer_waterfall_summary = " → ".join(
                f"{step['label']}: {amount(step['amount'], currency)}" for step in steps
            )

    def action_pricer_open_line_waterfall(self):
        """The line's waterfall, step by step, in a dialog."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Price Waterfall"),
            "res_model": "sale.order.line",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "crm_quote_pricer.sale_order_line_view_form_pricer"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    @api.constrains("pricer_waterfall")
    def _check_pricer_waterfall(self):
        for line in self:
            if line.pricer_waterfall and not _waterfall_is_valid(line.pricer_waterfall):
                raise ValidationError(
                    self.env._(
                        "The price waterfall of a quote line must be a list of "
                        "steps, each with a rule name and finite amounts."
                    )
                )

    # ------------------------------------------------------------------
    # Pricing
    # ------------------------------------------------------------------
    @api.depends(
        "product_id",
        "product_uom_id",
        "product_uom_qty",
        "order_id.partner_id",
        "order_id.pricelist_id",
        "order_id.company_id",
        "order_id.fiscal_position_id",
    )
    def _compute_pricer_result(self):
        todo = self.filtered(
            lambda line: line.order_id and line.state in ("draft", "sent", False)
        )
        results = self.env["crm.quote.price.rule"]._pricer_compute(todo)
        for line in self:
            if line in todo:
                line._pricer_assign(results.get(line))
            else:
                # Confirmed lines keep the snapshot they were sold with.
                for fname in PRICER_RESULT_FIELDS:
                    line[fname] = line[fname]

    def _pricer_assign(self, result):
        self.ensure_one()
        result = _finite_result(result or {})
        steps = result.get("steps")
        if steps:
            steps = [
                {
                    "rule": self.env._("List price"),
                    "method": "",
                    "before": 0.0,
                    "after": result["list_price"],
                    "delta": result["list_price"],
                }
            ] + steps
            rate_price = result["price"]
        else:
            rate_price = self._pricer_pricelist_price()
        self.pricer_waterfall = steps or False
        self.pricer_list_price = result.get("list_price", 0.0)
        self.pricer_rate_price = rate_price
        self.pricer_cost = result.get("cost", 0.0)
        self.pricer_margin_floor = result.get("floor", 0.0)
        self.pricer_down_payment = result.get("down_payment", 0.0)
        self.pricer_production_share = result.get("production_share", 0.0)

    def _pricer_pricelist_price(self):
        """Net unit price Odoo's pricelist gives the line: what sale's own
        ``_reset_price_unit`` sets, after a pricelist discount."""
        self.ensure_one()
        if not self._pricer_is_product_line() or not self.product_uom_id:
            return 0.0
        line = self.with_company(self.company_id)
        if line.product_type == "combo" or line.combo_item_id:
            price = line._get_display_price()
        else:
            price = line._get_pricelist_price()
        taxes = line.product_id.taxes_id._filter_taxes_by_company(line.company_id)
        # from the product's sale price and the pricelist: a non-finite one
        # gives no reference price (0), as a product without price does
        return finite(
            line.product_id._get_tax_included_unit_price_from_price(
                finite(price),
                product_taxes=taxes,
                fiscal_position=line.order_id.fiscal_position_id,
            )
        )

    def _compute_price_unit(self):
        res = super()._compute_price_unit()
        force = self.env.context.get("force_price_recomputation")
        for line in self:
            if not line.order_id or line.qty_invoiced or line.is_downpayment:
                continue
            currency = line.currency_id or line.env.company.currency_id
            # sale's own prices; comparing a NaN one raises: it counts as 0
            if not force and currency.compare_amounts(
                finite(line.technical_price_unit), finite(line.price_unit)
            ):
                continue
            steps = line.pricer_waterfall
            if steps and _waterfall_is_valid(steps):
                line._pricer_set_price(max(steps[-1]["after"], 0.0))
        return res

    def _pricer_set_price(self, price):
        """Set the rate-card price as the line's price, and as sale's own
        marker of a price it computed (``technical_price_unit``), as sale's
        ``_reset_price_unit`` does."""
        self.ensure_one()
        # update() writes field by field, and sale drops a write of
        # technical_price_unit alone unless it comes from a compute
        self.with_context(sale_write_from_compute=True).update(
            {"price_unit": price, "technical_price_unit": price}
        )

    def _pricer_price(self):
        """Reprice lines from the rate card, overriding manual prices."""
        lines = self.filtered(lambda line: line.state in ("draft", "sent"))
        lines.check_access("write")
        results = self.env["crm.quote.price.rule"]._pricer_compute(lines)
        for line, result in results.items():
            # sudo: the engine's own results (checked writable above); clients
            # may not write them, the 'Price Quote' action of a salesperson may
            line.sudo()._pricer_assign(result)
            if result["steps"]:
                line._pricer_set_price(finite(result["price"]))
        return results

    # ------------------------------------------------------------------
    # Who writes what; approval voiding
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._pricer_check_client_write(vals, vals.get("is_downpayment"))
        lines = super().create(vals_list)
        lines.order_id._pricer_void_approval(self.env._("a line was added"))
        return lines

    def _pricer_check_client_write(self, vals, downpayment):
        """Production, billing and portal users read quotes; the engine's
        results are the pricing manager's. ``downpayment``: every line
        concerned is a down payment, which follows its invoice (posting it
        writes the line as the billing user)."""
        if self.env.su:
            return
        user = self.env.user
        engine = [f for f in PRICER_RESULT_FIELDS if f in vals]
        if engine and not user.has_group("crm_quote_pricer.group_pricing_manager"):
            raise AccessError(
                self.env._(
                    "The rate-card results of a quote line (%s) are computed by "
                    "the pricer: only a pricing manager may change them.",
                    ", ".join(engine),
                )
            )
        if not downpayment and not user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._(
                    "Only sales users may change quote lines: production and "
                    "billing read them."
                )
            )

    def write(self, vals):
        self._pricer_check_client_write(vals, all(self.mapped("is_downpayment")))
        if not any(f in vals for f in PRICING_FIELDS):
            return super().write(vals)
        # whatever the context: a client may send any key, and a changed price
        # is a changed price
        changed = self.filtered(
            lambda line: any(
                line._fields[f].convert_to_write(line[f], line) != vals[f]
                for f in PRICING_FIELDS
                if f in vals
            )
        )
        res = super().write(vals)
        changed.order_id._pricer_void_approval(
            self.env._("a line price, quantity or discount changed")
        )
        return res

    def unlink(self):
        self._pricer_check_client_write({}, all(self.mapped("is_downpayment")))
        orders = self.order_id
        res = super().unlink()
        orders.exists()._pricer_void_approval(self.env._("a line was removed"))
        return res
