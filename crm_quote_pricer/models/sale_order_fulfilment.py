# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .finite_values import FiniteFloat


class SaleOrder(models.Model):
    """Fulfilment of a confirmed order: the production notice and the down
    payment of the invoicing plan."""

    # pylint: disable=consider-merging-classes-inherited
    _name = "sale.order"
    _inherit = ["sale.order", "crm.quote.pricer.finite"]

    pricer_down_payment = FiniteFloat(
        string="Down Payment (%)",
        compute="_compute_pricer_down_payment",
        store=True,
        readonly=False,
        precompute=True,
        help="Invoicing plan: share of the order invoiced as a draft at "
        "confirmation; the rest is invoiced on delivery. Defaults to the "
        "highest down payment of the applied rules.",
        tracking=True,
    )
    # sale_mrp's mrp_production_ids is for manufacturing users only (and is
    # reached through stock references): the Fulfilment tab lists the orders
    # that carry this quote, under the reader's own access rules
    pricer_production_ids = fields.One2many(
        "mrp.production",
        "pricer_sale_order_id",
        string="Manufacturing Orders",
        readonly=True,
    )
    pricer_down_payment_invoiced = fields.Boolean(
        string="Down Payment Drafted", copy=False, readonly=True
    )

    @api.depends("order_line.pricer_down_payment")
    def _compute_pricer_down_payment(self):
        for order in self:
            if order.state in ("draft", "sent", False):
                order.pricer_down_payment = max(
                    order.order_line.mapped("pricer_down_payment") or [0.0]
                )
            else:
                # a confirmed order keeps the plan it was sold with
                order.pricer_down_payment = order.pricer_down_payment

    @api.constrains("pricer_down_payment")
    def _check_pricer_down_payment(self):
        for order in self:
            share = order.pricer_down_payment
            if not (math.isfinite(share) and 0.0 <= share <= 100.0):
                raise ValidationError(
                    self.env._(
                        "The down payment of %s must be between 0 and 100%%.",
                        order.name,
                    )
                )

    def action_confirm(self):
        res = super().action_confirm()
        self._pricer_after_confirm()
        return res

    def _pricer_after_confirm(self):
        """Tell production about new MOs; draft the planned down payment."""
        for order in self.filtered(lambda o: o.state == "sale"):
            order._pricer_notify_production()
            if order.pricer_down_payment and not order.pricer_down_payment_invoiced:
                order._pricer_create_down_payment()

    def _pricer_notify_production(self):
        self.ensure_one()
        # sudo: the MO link and the production group's members are restricted
        # to production users; the salesperson confirming only triggers the
        # notification, nothing is shown to them.
        productions = self.sudo().mrp_production_ids
        if not productions:
            return
        users = (
            self.env.ref("mrp.group_mrp_user")
            # sudo: members of the production group, only to notify them
            .sudo()
            .all_user_ids.filtered(lambda u: u.active and not u.share and u.id != 1)
        )
        # production's own people first: an administrator holds every
        # group, and plans production only when nobody else does
        planner = self.company_id.pricer_mo_planning_activity and users.filtered(
            lambda u: self.company_id in u.company_ids
        ).sorted(lambda u: (u._is_admin(), u.id))
        for production in productions:
            production.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Manufacturing order for approved quote %(order)s of %(customer)s.",
                    order=self.name,
                    customer=self.partner_id.display_name,
                ),
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
            if planner:
                # the order's responsible when they are in production (and
                # no administrator), else the first production user of the
                # company
                responsible = (production.user_id & planner).filtered(
                    lambda u: not u._is_admin()
                ) or planner[:1]
                production.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=responsible.id,
                    summary=self.env._("Plan production for %s", self.name),
                )

    def _pricer_create_down_payment(self):
        self.ensure_one()
        invoices = self._pricer_draft_share(self.pricer_down_payment)
        # sudo: the plan's own bookkeeping, written by this confirmation only
        self.sudo().pricer_down_payment_invoiced = True
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Down payment of %(pct)s%% drafted for billing; the rest is "
                "invoiced on delivery.",
                pct=self.pricer_down_payment,
            )
        )
        return invoices
