# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from markupsafe import Markup

from odoo import SUPERUSER_ID, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, formatLang

from .finite_values import finite, is_finite
from .sale_order_line_portal import PORTAL_QTY_CEILING

# what one change of the portal may carry: the line and its new quantity, or
# whether an option is in
CHANGE_KEYS = ({"line_id", "quantity"}, {"line_id", "selected"})


class SaleOrder(models.Model):
    """The customer configures a sent quote on the portal, within the limits
    the salesperson set on its lines; the rate card reprices it."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _pricer_portal_check_customer(self):
        """The caller is the quote's customer (a portal user of its
        commercial partner) and the quote still takes changes."""
        self.ensure_one()
        user = self.env.user
        # sudo: the quote's state and customer, to tell whether the caller
        # may configure it (nothing of it is returned to a stranger)
        order = self.sudo()
        if (
            user._is_public()
            or not user.share
            or user.partner_id.commercial_partner_id
            != order.partner_id.commercial_partner_id
        ):
            raise AccessError(
                self.env._("Only the customer of a quote may configure it.")
            )
        if order.state != "sent" or order.locked or order.signature:
            raise UserError(
                self.env._(
                    "%s can no longer be changed: only a sent quote that is not "
                    "signed yet can be configured.",
                    order.name,
                )
            )
        if order.is_expired:
            raise UserError(self.env._("%s has expired.", order.name))

    def _pricer_portal_parse(self, changes):
        """{line: new quantity} from the client's ``changes``, every one
        checked; nothing is written before all are."""
        self.ensure_one()
        # sudo: the quote's own lines and their limits, to check the changes
        # against (the caller was checked to be the quote's customer)
        order = self.sudo()
        if not isinstance(changes, list) or not changes:
            raise UserError(self.env._("No change was sent."))
        lines = order.order_line
        by_id = {line.id: line for line in lines}
        result = {}
        for change in changes:
            if not isinstance(change, dict) or set(change) not in CHANGE_KEYS:
                other = (
                    sorted(set(change) - {"line_id", "quantity", "selected"})
                    if isinstance(change, dict)
                    else []
                )
                raise AccessError(
                    self.env._(
                        "Only the quantity of a line or whether an option is "
                        "taken may be changed on the portal%s.",
                        f" ({', '.join(map(str, other))})" if other else "",
                    )
                )
            line_id = change["line_id"]
            line = (
                by_id.get(line_id)
                if isinstance(line_id, int) and not isinstance(line_id, bool)
                else None
            )
            if line is None or not line.pricer_portal_editable:
                raise AccessError(
                    self.env._("This line of %s cannot be changed.", order.name)
                )
            if line in result:
                raise UserError(
                    self.env._("%s is changed twice.", line.product_id.display_name)
                )
            if "selected" in change:
                selected = change["selected"]
                if not isinstance(selected, bool) or not line.pricer_portal_optional:
                    raise UserError(
                        self.env._("%s is not an option.", line.product_id.display_name)
                    )
                if not selected:
                    qty = 0.0
                elif line.product_uom_qty:
                    qty = line.product_uom_qty  # already in
                else:
                    qty = line._pricer_portal_option_qty()
            else:
                qty = change["quantity"]
                if (
                    isinstance(qty, bool)
                    or not isinstance(qty, int | float)
                    or not is_finite(qty)
                    or qty < 0
                    or qty > PORTAL_QTY_CEILING
                ):
                    raise UserError(
                        self.env._(
                            "The quantity of %s must be a number.",
                            line.product_id.display_name,
                        )
                    )
                qty = float(qty)
            if not line._pricer_portal_qty_allowed(qty):
                raise UserError(line._pricer_portal_limit_message(qty))
            result[line] = qty
        return result

    def _pricer_portal_configure(self, changes):
        """Apply the customer's ``changes`` (a list of ``{"line_id", "quantity"}``
        or ``{"line_id", "selected"}``) to this sent quote, reprice it from the
        rate card, and send it for approval when the change takes it outside
        the salesperson's authority. Prices come from the server only.
        Everything is checked before anything is written: a refused change
        leaves the quote as it was."""
        self.ensure_one()
        self._pricer_portal_check_customer()
        new_qty = self._pricer_portal_parse(changes)
        # sudo: the customer may not write quotes; they change the quantities
        # checked above, nothing else
        order = self.sudo()
        changed = {
            line: qty
            for line, qty in new_qty.items()
            if line.product_uom_id.compare(qty, finite(line.product_uom_qty))
        }
        if changed:
            before = {line: line.product_uom_qty for line in changed}
            groups = defaultdict(lambda: order.env["sale.order.line"])
            for line, qty in changed.items():
                groups[qty] |= line
            for qty, lines in groups.items():
                lines.write({"product_uom_qty": qty})
            order._pricer_portal_log(before)
            order._pricer_portal_request_approval()
        return order._pricer_portal_summary()

    def _pricer_portal_log(self, before):
        """Tell the salesperson what the customer changed, in the chatter."""
        self.ensure_one()
        items = Markup("").join(
            Markup("<li>%s: %s → %s</li>")
            % (
                line.product_id.display_name,
                formatLang(self.env, qty, digits=2),
                formatLang(self.env, line.product_uom_qty, digits=2),
            )
            for line, qty in before.items()
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (self.env._("The customer configured the quote on the portal:"), items),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    def _pricer_portal_request_approval(self):
        """A quote outside its salesperson's authority after the customer's
        change goes to the approvers, requested in the salesperson's name."""
        self.ensure_one()
        self.invalidate_recordset(["need_validation"])
        if not self.pricer_needs_approval or self.review_ids:
            return
        seller = self.user_id or self.env["res.users"].browse(SUPERUSER_ID)
        # sudo: the customer's change asks for the review the salesperson
        # would ask for; the reviews are created by request_validation only
        self.with_user(seller).sudo().request_validation()

    def _pricer_portal_summary(self):
        """What the portal shows after a change: the lines, the totals along
        the waterfall (list price, rate card, net) and whether the quote can
        be signed."""
        self.ensure_one()
        currency = self.currency_id
        lines = self.order_line.filtered(lambda line: line._pricer_is_product_line())

        def money(value):
            return format_amount(self.env, finite(value), currency)

        list_total = sum(
            finite(line.pricer_list_price or line.price_unit)
            * finite(line.product_uom_qty)
            for line in lines
        )
        rate_total = sum(
            finite(line.pricer_rate_price or line.price_unit)
            * finite(line.product_uom_qty)
            for line in lines
        )
        blocked = self._pricer_approval_blocked()
        return {
            "order_id": self.id,
            "amount_untaxed": finite(self.amount_untaxed),
            "amount_total": finite(self.amount_total),
            "amount_untaxed_formatted": money(self.amount_untaxed),
            "amount_tax_formatted": money(self.amount_tax),
            "amount_total_formatted": money(self.amount_total),
            "list_total_formatted": money(list_total),
            "rate_total_formatted": money(rate_total),
            "needs_approval": blocked,
            "signable": self._has_to_be_signed(),
            "message": self._pricer_portal_status_message(),
            "lines": [
                {
                    "id": line.id,
                    "quantity": finite(line.product_uom_qty),
                    "price_unit_formatted": money(line.price_unit),
                    "price_subtotal_formatted": money(line.price_subtotal),
                    "waterfall": line.pricer_waterfall_summary or "",
                }
                for line in lines
            ],
        }

    def _pricer_portal_status_message(self):
        self.ensure_one()
        if self._pricer_approval_blocked():
            return self.env._(
                "Your configuration needs our approval: you can sign and pay "
                "once we have approved it."
            )
        return ""

    def _pricer_notify_production(self):
        res = super()._pricer_notify_production()
        note = self._pricer_configuration_note()
        if note:
            # sudo: the MOs of this order, for manufacturing users only; the
            # note is their own bookkeeping (see mrp_production.BOOKKEEPING)
            self.sudo().mrp_production_ids.write({"pricer_configuration_note": note})
        return res

    def _pricer_configuration_note(self):
        """The configuration the customer could choose, as it was sold: one
        row per configurable line (the lines are read together, in one
        query whatever their number)."""
        self.ensure_one()
        lines = self.order_line.filtered("pricer_portal_editable")
        if not lines:
            return False
        rows = [self.env._("Configured by the customer on the portal (%s):", self.name)]
        for line in lines:
            qty = formatLang(self.env, line.product_uom_qty, digits=2)
            uom = line.product_uom_id.name or ""
            product = line.product_id.display_name
            if not line.pricer_portal_optional:
                rows.append(f"- {product}: {qty} {uom}".rstrip())
            elif line.product_uom_qty:
                rows.append(
                    "- "
                    + self.env._(
                        "Option %(product)s: taken, %(qty)s %(uom)s",
                        product=product,
                        qty=qty,
                        uom=uom,
                    ).rstrip()
                )
            else:
                rows.append(
                    "- " + self.env._("Option %(product)s: left out", product=product)
                )
        return "\n".join(rows)
