# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .finite_values import FiniteFloat

# milestone -> the order's flag that records its invoice was drafted
MILESTONE_FLAGS = {
    "production": "pricer_production_invoiced",
    "delivery": "pricer_delivery_invoiced",
}


class SaleOrder(models.Model):
    """The invoicing plan's later milestones: a share when production is
    done, the rest on delivery (the down payment is drafted at confirmation,
    sale_order_fulfilment.py). Each milestone drafts its invoice once: see
    docs/decisions/invoice_plan.md."""

    # pylint: disable=consider-merging-classes-inherited
    _name = "sale.order"
    _inherit = ["sale.order", "crm.quote.pricer.finite"]

    pricer_production_share = FiniteFloat(
        string="Share at Production Done (%)",
        compute="_compute_pricer_production_share",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        tracking=True,
        help="Invoicing plan: share of the order drafted for billing when "
        "all its manufacturing orders are done; the rest is invoiced on "
        "delivery. Defaults to the highest share of the applied rules, within "
        "what the down payment leaves.",
    )
    pricer_production_invoiced = fields.Boolean(
        string="Production Share Drafted", copy=False, readonly=True
    )
    pricer_delivery_invoiced = fields.Boolean(
        string="Delivery Invoice Drafted", copy=False, readonly=True
    )

    @api.depends("order_line.pricer_production_share", "pricer_down_payment")
    def _compute_pricer_production_share(self):
        for order in self:
            if order.state in ("draft", "sent", False):
                share = max(order.order_line.mapped("pricer_production_share") or [0])
                order.pricer_production_share = min(
                    share, max(100.0 - order.pricer_down_payment, 0.0)
                )
            else:
                # a confirmed order keeps the plan it was sold with
                order.pricer_production_share = order.pricer_production_share

    @api.constrains("pricer_production_share", "pricer_down_payment")
    def _check_pricer_production_share(self):
        for order in self:
            share = order.pricer_production_share
            if not (math.isfinite(share) and 0.0 <= share <= 100.0):
                raise ValidationError(
                    self.env._(
                        "The share at production done of %s must be between 0 "
                        "and 100%%.",
                        order.name,
                    )
                )
            if share + order.pricer_down_payment > 100.0:
                raise ValidationError(
                    self.env._(
                        "The down payment and the share at production done of "
                        "%s add up to more than 100%%.",
                        order.name,
                    )
                )

    def _pricer_claim_milestone(self, milestone):
        """Mark the milestone drafted on the orders that had not; return
        those. One UPDATE on the order rows: a concurrent trigger waits on
        the row lock, then finds the flag set (or fails to serialize and is
        retried, and finds it set). Once the delivery's final invoice is
        drafted, it holds the rest of the order: the production share is
        never claimed after it (a delivery before the MOs are done)."""
        if not self:
            return self
        flag = MILESTONE_FLAGS[milestone]
        guards = [flag]
        if milestone == "production":
            guards.append(MILESTONE_FLAGS["delivery"])
        self.flush_recordset(list(MILESTONE_FLAGS.values()))
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET %s = TRUE WHERE id IN %s AND %s RETURNING id",
                SQL.identifier(flag),
                tuple(self.ids),
                SQL(" AND ").join(
                    SQL("%s IS NOT TRUE", SQL.identifier(name)) for name in guards
                ),
            )
        )
        claimed = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset([flag])
        return claimed

    def _pricer_on_production_done(self):
        """Draft the production share of the orders whose MOs are all done."""
        # sudo: production's action drafts the plan's invoice for billing;
        # the production user gets no invoice back. As the superuser, not
        # sudo(): sale's wizard posts on the invoice as the current user.
        orders = self.with_user(SUPERUSER_ID).filtered(
            lambda o: o.state == "sale"
            and o.pricer_production_share
            and o.pricer_production_ids
            and all(
                p.state == "done"
                for p in o.pricer_production_ids
                if p.state != "cancel"
            )
            and not o.pricer_production_invoiced
            and not o.pricer_delivery_invoiced
        )
        for order in orders._pricer_claim_milestone("production"):
            invoices = order._pricer_draft_share(order.pricer_production_share)
            order._pricer_plan_note(
                self.env._(
                    "Production done: %(pct)s%% drafted for billing (%(invoice)s).",
                    pct=order.pricer_production_share,
                    invoice=", ".join(invoices.mapped("display_name")),
                )
            )
        return orders

    def _pricer_on_delivered(self):
        """Draft the final invoice (less the down payments) of the orders
        fully delivered."""
        # sudo: the warehouse's validation drafts the plan's invoice for
        # billing; the stock user gets no invoice back (as the superuser:
        # sale's invoicing posts on the invoice as the current user)
        orders = self.with_user(SUPERUSER_ID).filtered(
            lambda o: o.state == "sale"
            and o.delivery_status == "full"
            and o.invoice_status == "to invoice"
            and (o.pricer_down_payment or o.pricer_production_share)
            and not o.pricer_delivery_invoiced
        )
        for order in orders._pricer_claim_milestone("delivery"):
            invoices = order._create_invoices(final=True)
            # sudo: a technical link from the plan's invoice to its order
            invoices.sudo().pricer_sale_order_id = order
            order._pricer_plan_note(
                self.env._(
                    "Delivered: the rest drafted for billing (%s).",
                    ", ".join(invoices.mapped("display_name")),
                )
            )
        return orders

    def _pricer_draft_share(self, percent):
        self.ensure_one()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=self.ids)
            .create(
                {
                    "advance_payment_method": "percentage",
                    "amount": percent,
                    "sale_order_ids": [fields.Command.set(self.ids)],
                }
            )
        )
        invoices = wizard._create_invoices(self)
        # sudo: a technical link from the plan's invoice to its order
        invoices.sudo().pricer_sale_order_id = self
        return invoices

    def _pricer_plan_note(self, text):
        self.message_post(body=Markup("<p>%s</p>") % text, subtype_xmlid="mail.mt_note")
