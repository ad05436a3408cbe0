# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .finite_values import finite

# Order fields whose change voids an approval of the quote: they decide whose
# authority applies (salesperson, team, company) and which price the rate
# card gives (customer, pricelist and its currency, fiscal position).
ORDER_PRICING_FIELDS = (
    "order_line",
    "pricelist_id",
    "partner_id",
    "user_id",
    "team_id",
    "company_id",
    "currency_id",
    "fiscal_position_id",
)
# written by the confirmation's invoicing plan only
ORDER_BOOKKEEPING = (
    "pricer_down_payment_invoiced",
    "pricer_production_invoiced",
    "pricer_delivery_invoiced",
)


class SaleOrder(models.Model):
    """Pricing a quote from the rate card, and who may edit quotes. The
    discount authority, its approval and the fulfilment of a confirmed order
    each have their file."""

    _inherit = "sale.order"

    pricer_print_waterfall = fields.Boolean(
        string="Print Price Waterfall",
        help="Print each line's price waterfall on the quote.",
    )

    def action_pricer_price(self):
        """Price every line of the quotes from the rate card."""
        if any(order.state not in ("draft", "sent") for order in self):
            raise UserError(self.env._("Only quotations can be repriced."))
        # sale's prices; comparing a NaN one raises: it counts as 0
        before = {line: finite(line.price_unit) for line in self.order_line}
        self.order_line._pricer_price()
        repriced = self.order_line.filtered(
            lambda line: line in before
            and line.currency_id.compare_amounts(finite(line.price_unit), before[line])
        )
        voided = repriced.order_id.filtered(
            lambda o: o.state in ("draft", "sent") and o.review_ids
        )
        repriced.order_id._pricer_void_approval(self.env._("the quote was repriced"))
        return self._pricer_price_notification(len(before), len(repriced), voided)

    def _pricer_price_notification(self, total, repriced, voided):
        """What Price Quote changed, told to the user; the form reloads."""
        if repriced:
            message = self.env._(
                "%(repriced)s of %(total)s lines repriced from the rate card.",
                repriced=repriced,
                total=total,
            )
        else:
            message = self.env._(
                "No price changed: the lines already follow the rate card."
            )
        if voided:
            message += " " + self.env._("The approval was withdrawn: request it again.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Price Quote"),
                "message": message,
                "type": "success" if repriced else "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_pricer_open_waterfall(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Price Waterfall"),
            "res_model": "sale.order.line",
            "view_mode": "list,form",
            "views": [
                (self.env.ref(f"crm_quote_pricer.{xmlid}").id, mode)
                for xmlid, mode in (
                    ("sale_order_line_view_list_pricer", "list"),
                    ("sale_order_line_view_form_pricer", "form"),
                )
            ],
            "domain": [("order_id", "=", self.id), ("display_type", "=", False)],
            # a page of its own: a line opens its waterfall, with the way back
            "target": "current",
        }

    def _pricer_check_may_edit(self, vals):
        """Production and billing read quotes and write none of their fields;
        chatter and activities are their own models and stay open to them."""
        if self.env.su:
            return
        bookkeeping = [f for f in ORDER_BOOKKEEPING if f in vals]
        if bookkeeping:
            raise AccessError(
                self.env._(
                    "%s is kept by the quote's invoicing plan and cannot be edited.",
                    ", ".join(bookkeeping),
                )
            )
        if self.env.user.has_group("sales_team.group_sale_salesman"):
            return
        raise AccessError(
            self.env._(
                "Only sales users may change quotes: production and billing read them."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._pricer_check_may_edit(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._pricer_check_may_edit(vals)
        if any(f in vals for f in ORDER_PRICING_FIELDS):
            changed = self.filtered(
                lambda o: any(
                    f == "order_line"
                    or o._fields[f].convert_to_write(o[f], o) != vals[f]
                    for f in ORDER_PRICING_FIELDS
                    if f in vals
                )
            )
            changed._pricer_void_approval(self.env._("the quote was changed"))
        return super().write(vals)
