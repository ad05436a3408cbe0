# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang

from .finite_values import FiniteFloat

# No customer orders more than this of one line from the portal: a larger
# limit is a typing error (and 2**31 overflows other modules' integers).
PORTAL_QTY_CEILING = 1_000_000.0


class SaleOrderLine(models.Model):
    """What the customer may change of a line on the portal, as the
    salesperson set it (the line's write rights: sales users only)."""

    _inherit = "sale.order.line"  # pylint: disable=consider-merging-classes-inherited

    pricer_portal_qty_min = FiniteFloat(
        string="Customer Min. Quantity",
        digits="Product Unit",
        copy=True,
        help="Smallest quantity the customer may choose on the portal.",
    )
    pricer_portal_qty_max = FiniteFloat(
        string="Customer Max. Quantity",
        digits="Product Unit",
        copy=True,
        help="Largest quantity the customer may choose on the portal; empty: "
        "the customer cannot change the quantity.",
    )
    pricer_portal_optional = fields.Boolean(
        string="Customer Option",
        copy=True,
        help="The customer may take this line out of the quote on the portal "
        "(quantity 0) and put it back (at the minimum quantity, 1 when none, "
        "unless a maximum lets the customer choose).",
    )
    pricer_portal_editable = fields.Boolean(
        string="Configurable on Portal",
        compute="_compute_pricer_portal_editable",
    )

    @api.depends(
        "pricer_portal_qty_max",
        "pricer_portal_optional",
        "display_type",
        "product_id",
        "combo_item_id",
    )
    def _compute_pricer_portal_editable(self):
        for line in self:
            line.pricer_portal_editable = bool(
                line._pricer_is_product_line()
                and line.product_type != "combo"
                and not line.combo_item_id
                and (line.pricer_portal_qty_max > 0 or line.pricer_portal_optional)
            )

    @api.constrains(
        "pricer_portal_qty_min", "pricer_portal_qty_max", "pricer_portal_optional"
    )
    def _check_pricer_portal_limits(self):
        for line in self:
            low, high = line.pricer_portal_qty_min, line.pricer_portal_qty_max
            if low < 0 or high < 0 or high > PORTAL_QTY_CEILING:
                raise ValidationError(
                    self.env._(
                        "The customer's quantity limits of %(line)s must be "
                        "between 0 and %(ceiling)s.",
                        line=line.display_name,
                        ceiling=int(PORTAL_QTY_CEILING),
                    )
                )
            if high and low > high:
                raise ValidationError(
                    self.env._(
                        "The customer's minimum quantity of %s is above its maximum.",
                        line.display_name,
                    )
                )

    def _pricer_portal_qty_allowed(self, qty):
        """Whether the customer may set the line's quantity to ``qty``: within
        [min, max] when a maximum is set, 0 for an option taken out, its
        minimum (at least 1) for an option without a maximum put back."""
        self.ensure_one()
        if not self.pricer_portal_editable:
            return False
        if self.pricer_portal_optional and qty == 0:
            return True
        low, high = self.pricer_portal_qty_min, self.pricer_portal_qty_max
        if high > 0:
            return low <= qty <= high and qty > 0
        return qty == self._pricer_portal_option_qty()

    def _pricer_portal_option_qty(self):
        """The quantity an option is put back with from the portal."""
        self.ensure_one()
        return self.pricer_portal_qty_min or 1.0

    def _pricer_portal_limit_message(self, qty):
        """Why the customer may not choose ``qty`` for this line."""
        self.ensure_one()
        product = self.product_id.display_name
        if self.pricer_portal_qty_max > 0:
            return self.env._(
                "You may order between %(low)s and %(high)s of %(product)s "
                "(you asked for %(qty)s).",
                low=formatLang(self.env, self.pricer_portal_qty_min, digits=0),
                high=formatLang(self.env, self.pricer_portal_qty_max, digits=0),
                product=product,
                qty=formatLang(self.env, qty, digits=2),
            )
        return self.env._(
            "%(product)s can only be taken or left out, at %(qty)s.",
            product=product,
            qty=formatLang(self.env, self._pricer_portal_option_qty(), digits=0),
        )

    def _can_be_edited_on_portal(self):
        # sale_management's own quantity route knows no limits: the lines the
        # salesperson set limits on change through the pricer's route only
        return super()._can_be_edited_on_portal() and not self.pricer_portal_editable
