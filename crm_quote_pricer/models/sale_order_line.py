# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# Line fields whose change voids an approval of the quote.
PRICING_FIELDS = ("price_unit", "product_uom_qty", "discount", "product_id")

# Fields filled by ``_compute_pricer_result`` from the rate-card engine.
PRICER_RESULT_FIELDS = (
    "pricer_waterfall",
    "pricer_list_price",
    "pricer_cost",
    "pricer_margin_floor",
    "pricer_down_payment",
)


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


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    pricer_waterfall = _pricer_result_field(
        fields.Json,
        "Price Waterfall",
        copy=True,
        help="Snapshot of the rules applied when the line was priced: it keeps "
        "the rule names and amounts, so it stays readable if rules change.",
    )
    pricer_list_price = _pricer_result_field(
        fields.Float, "List Price (Pricer)", digits="Product Price"
    )
    pricer_cost = _pricer_result_field(fields.Float, "Cost", digits="Product Price")
    pricer_margin_floor = _pricer_result_field(fields.Float, "Margin Floor (%)")
    pricer_down_payment = _pricer_result_field(fields.Float, "Down Payment (%)")
    pricer_margin = fields.Float(
        string="Margin (%)", compute="_compute_pricer_margin", digits=(16, 2)
    )
    pricer_granted_discount = fields.Float(
        string="Granted Discount (%)",
        compute="_compute_pricer_margin",
        digits=(16, 2),
        help="Discount granted by hand below the rate-card price.",
    )
    pricer_below_floor = fields.Boolean(
        string="Below Margin Floor", compute="_compute_pricer_margin"
    )
    pricer_waterfall_html = fields.Html(
        string="Waterfall", compute="_compute_pricer_waterfall_html", sanitize=False
    )
    pricer_waterfall_summary = fields.Char(
        string="Pricing", compute="_compute_pricer_waterfall_html"
    )

    @api.depends(
        "price_unit", "discount", "technical_price_unit", "pricer_cost", "product_id"
    )
    def _compute_pricer_margin(self):
        for line in self:
            net = line.price_unit * (1 - line.discount / 100.0)
            cost = line.pricer_cost
            line.pricer_margin = (net - cost) / net * 100.0 if net and cost else 0.0
            reference = line.technical_price_unit or line.price_unit
            line.pricer_granted_discount = (
                max((1 - net / reference) * 100.0, 0.0) if reference else 0.0
            )
            line.pricer_below_floor = bool(
                line.product_id
                and cost
                and line.pricer_margin_floor
                and line.pricer_margin < line.pricer_margin_floor
            )

    @api.depends("pricer_waterfall", "price_unit", "currency_id")
    def _compute_pricer_waterfall_html(self):
        for line in self:
            steps = line.pricer_waterfall or []
            if not steps:
                line.pricer_waterfall_html = False
                line.pricer_waterfall_summary = False
                continue
            fmt = line.currency_id.format if line.currency_id else str
            rows = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (
                    escape(step.get("rule") or ""),
                    escape(step.get("method") or ""),
                    fmt(step.get("delta") or 0.0),
                    fmt(step.get("after") or 0.0),
                )
                for step in steps
            )
            line.pricer_waterfall_html = Markup(
                "<table class='table table-sm o_pricer_waterfall'><thead><tr>"
                "<th>%s</th><th>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                self.env._("Rule"),
                self.env._("Method"),
                self.env._("Change"),
                self.env._("Price"),
                rows,
            )
            line.pricer_waterfall_summary = " → ".join(
                f"{step.get('rule')}: {step.get('after'):.2f}" for step in steps
            )

    @api.constrains("product_uom_qty")
    def _check_pricer_quantity(self):
        for line in self:
            if (
                line.product_id
                and not line.display_type
                and not line.is_downpayment
                and line.state in ("draft", "sent")
                and line.product_uom_qty <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "The quantity of '%(product)s' must be positive (got %(qty)s).",
                        product=line.product_id.display_name,
                        qty=line.product_uom_qty,
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
        result = result or {}
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
        self.pricer_waterfall = steps or False
        self.pricer_list_price = result.get("list_price", 0.0)
        self.pricer_cost = result.get("cost", 0.0)
        self.pricer_margin_floor = result.get("floor", 0.0)
        self.pricer_down_payment = result.get("down_payment", 0.0)

    def _compute_price_unit(self):
        res = super()._compute_price_unit()
        force = self.env.context.get("force_price_recomputation")
        for line in self:
            if not line.order_id or line.qty_invoiced or line.is_downpayment:
                continue
            currency = line.currency_id or line.env.company.currency_id
            if not force and currency.compare_amounts(
                line.technical_price_unit, line.price_unit
            ):
                continue
            steps = line.pricer_waterfall
            if steps:
                line._pricer_set_price(max(steps[-1]["after"], 0.0))
        return res

    def _pricer_set_price(self, price):
        """Set the rate-card price as both the price and the reference of the
        granted discount, as sale's own ``_reset_price_unit`` does."""
        self.ensure_one()
        # update() writes field by field, and sale drops a write of
        # technical_price_unit alone unless it comes from a compute:
        # a hand-typed price would stay the reference of the discount
        self.with_context(sale_write_from_compute=True).update(
            {"price_unit": price, "technical_price_unit": price}
        )

    def _pricer_price(self):
        """Reprice lines from the rate card, overriding manual prices."""
        lines = self.filtered(lambda line: line.state in ("draft", "sent"))
        results = self.env["crm.quote.price.rule"]._pricer_compute(lines, strict=True)
        for line, result in results.items():
            line._pricer_assign(result)
            if result["steps"]:
                line._pricer_set_price(result["price"])
        return results

    # ------------------------------------------------------------------
    # Approval voiding
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._pricer_void_approval(self.env._("a line was added"))
        return lines

    def _pricer_check_may_price(self, vals):
        """Only sales users set prices: production, billing and portal read."""
        if (
            any(f in vals for f in ("price_unit", "discount", "technical_price_unit"))
            and not self.env.su
            and not self.env.user.has_group("sales_team.group_sale_salesman")
            # posting a down payment makes Odoo write its line's price as the
            # billing user; that line follows the invoice, it is no quote price
            and self.filtered(lambda line: not line.is_downpayment)
        ):
            raise AccessError(
                self.env._("Only sales users may change quote prices or discounts.")
            )

    def write(self, vals):
        self._pricer_check_may_price(vals)
        if any(f in vals for f in PRICING_FIELDS) and not self.env.context.get(
            "sale_write_from_compute"
        ):
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
        return super().write(vals)

    def unlink(self):
        orders = self.order_id
        res = super().unlink()
        orders.exists()._pricer_void_approval(self.env._("a line was removed"))
        return res
