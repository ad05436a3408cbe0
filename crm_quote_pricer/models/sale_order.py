# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

# Order fields whose change voids an approval of the quote.
ORDER_PRICING_FIELDS = ("order_line", "pricelist_id", "partner_id", "user_id")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    pricer_max_discount = fields.Float(
        string="Largest Granted Discount (%)",
        compute="_compute_pricer_authority",
        digits=(16, 2),
    )
    pricer_min_margin = fields.Float(
        string="Lowest Margin (%)", compute="_compute_pricer_authority", digits=(16, 2)
    )
    pricer_below_floor = fields.Boolean(
        string="Below Margin Floor", compute="_compute_pricer_authority"
    )
    pricer_needs_approval = fields.Boolean(
        string="Outside Authority",
        compute="_compute_pricer_authority",
        search="_search_pricer_needs_approval",
    )
    pricer_approver_ids = fields.Many2many(
        "res.users",
        string="Possible Approvers",
        compute="_compute_pricer_authority",
    )
    pricer_down_payment = fields.Float(
        string="Down Payment (%)",
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
    pricer_print_waterfall = fields.Boolean(
        string="Print Price Waterfall",
        help="Print each line's price waterfall on the quote.",
    )

    @api.depends(
        "order_line.price_unit",
        "order_line.discount",
        "order_line.technical_price_unit",
        "order_line.pricer_cost",
        "order_line.pricer_margin_floor",
        "review_ids.requested_by",
        "user_id",
        "team_id",
        "company_id",
    )
    @api.depends_context("uid")
    def _compute_pricer_authority(self):
        Authority = self.env["crm.quote.authority"]
        approver_rows = Authority.search(
            Domain("can_approve", "=", True)
            & Domain("company_id", "in", self.company_id.ids + [False])
        )
        # One search for every order's own/team authority, picked per order.
        candidates = Authority._pricer_candidates(
            [order.user_id for order in self],
            [order.team_id for order in self],
            self.company_id,
        )
        for order in self:
            lines = order.order_line.filtered(
                lambda line: line.product_id
                and not line.display_type
                and not line.is_downpayment
            )
            margins = [line.pricer_margin for line in lines if line.pricer_cost]
            order.pricer_max_discount = max(
                lines.mapped("pricer_granted_discount") or [0.0]
            )
            order.pricer_min_margin = min(margins) if margins else 0.0
            order.pricer_below_floor = any(lines.mapped("pricer_below_floor"))
            authority = candidates._pricer_pick(
                order.user_id, order.team_id, order.company_id
            )
            order.pricer_needs_approval = bool(lines) and not order._pricer_within(
                authority
            )
            if not order.pricer_needs_approval:
                order.pricer_approver_ids = False
                continue
            approvers = self.env["res.users"]
            for row in approver_rows:
                if row.company_id and row.company_id != order.company_id:
                    continue
                if not order._pricer_within(row):
                    continue
                if row.forbid_self_approval and row.user_id in (
                    order.user_id | order.review_ids.requested_by
                ):
                    continue
                approvers |= row.user_id
            order.pricer_approver_ids = approvers

    def _pricer_within(self, authority):
        """Whether this order's discounts and margins fit ``authority``."""
        self.ensure_one()
        if self.pricer_max_discount > (authority.max_discount or 0.0) + 0.005:
            return False
        if (
            self.pricer_min_margin
            and authority
            and (self.pricer_min_margin < authority.min_margin - 0.005)
        ):
            return False
        if self.pricer_below_floor and not authority.allow_below_floor:
            return False
        return True

    def _search_pricer_needs_approval(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        # Only a quote with a product line that is discounted, priced off its
        # rate-card price or costed (margin, floor) can fall outside an
        # authority: preselect those in SQL, compute the flag on them only.
        Line = self.env["sale.order.line"]
        Line.flush_model(["price_unit", "technical_price_unit"])

        def price_off_reference(model, alias, query):
            price = model._field_to_sql(alias, "price_unit", query)
            reference = model._field_to_sql(alias, "technical_price_unit", query)
            return SQL(
                "(COALESCE(%s, 0) != 0 AND COALESCE(%s, 0) != %s)",
                reference,
                price,
                reference,
            )

        signal = (
            Domain("product_id", "!=", False)
            & Domain("display_type", "=", False)
            & Domain("is_downpayment", "=", False)
            & (
                Domain("discount", "!=", 0)
                | Domain("pricer_cost", "!=", 0)
                | Domain.custom(to_sql=price_off_reference)
            )
        )
        orders = self.search(
            Domain("state", "in", ("draft", "sent"))
            & Domain("order_line", "any", signal)
        ).filtered("pricer_needs_approval")
        return Domain("id", operator, orders.ids)

    # ------------------------------------------------------------------
    # Pricing
    # ------------------------------------------------------------------
    def action_pricer_price(self):
        """Price every line of the quotes from the rate card."""
        if any(order.state not in ("draft", "sent") for order in self):
            raise UserError(self.env._("Only quotations can be repriced."))
        before = {line: line.price_unit for line in self.order_line}
        self.order_line._pricer_price()
        repriced = self.order_line.filtered(
            lambda line: line in before
            and line.currency_id.compare_amounts(line.price_unit, before[line])
        )
        repriced.order_id._pricer_void_approval(self.env._("the quote was repriced"))
        for order in self:
            plan = max(order.order_line.mapped("pricer_down_payment") or [0.0])
            if plan and not order.pricer_down_payment:
                order.pricer_down_payment = plan
        return True

    def action_pricer_open_waterfall(self):
        self.ensure_one()
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
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def _pricer_approval_blocked(self):
        self.ensure_one()
        return self.state in ("draft", "sent") and (
            self.need_validation
            or (self.review_ids and self.validation_status != "validated")
        )

    def _pricer_check_approved(self, action):
        for order in self:
            if order._pricer_approval_blocked():
                raise UserError(
                    self.env._(
                        "%(order)s is outside the salesperson's discount authority "
                        "and must be approved before it is %(action)s.",
                        order=order.name,
                        action=action,
                    )
                )

    def _pricer_void_approval(self, reason):
        orders = self.filtered(lambda o: o.state in ("draft", "sent") and o.review_ids)
        for order in orders:
            order.restart_validation()
            order.message_post(
                body=Markup("<p>%s</p>") % self.env._("Approval voided: %s.", reason),
            )

    def _get_tier_validation_readonly_domain(self):
        # Editing stays possible: a pricing change voids the approval instead.
        return "False"

    def _check_allow_write_under_validation(self, vals):
        return True

    def write(self, vals):
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

    def validate_tier(self):
        self._pricer_check_reviewer()
        return super().validate_tier()

    def reject_tier(self):
        self._pricer_check_reviewer()
        return super().reject_tier()

    def _pricer_check_reviewer(self):
        self.ensure_one()
        user = self.env.user
        if user in (self.user_id | self.review_ids.requested_by):
            row = self.env["crm.quote.authority"]._for_user(
                user, self.env["crm.team"], self.company_id
            )
            if not row or row.forbid_self_approval:
                raise UserError(
                    self.env._("You cannot approve or reject your own quote.")
                )
        reviews = self.review_ids.filtered(lambda r: r.status in ("waiting", "pending"))
        if reviews:
            # Two reviewers acting at once: the second one waits for nothing
            # and gets a clear error instead of a double decision.
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            "SELECT id FROM tier_review WHERE id IN %s "
                            "FOR UPDATE NOWAIT",
                            tuple(reviews.ids),
                        ),
                        # an expected conflict, answered below: no ERROR line
                        log_exceptions=False,
                    )
            except psycopg2.errors.LockNotAvailable as exc:
                raise UserError(
                    self.env._(
                        "Another approver is deciding on %s right now. "
                        "Reload the quote and try again.",
                        self.name,
                    )
                ) from exc
            reviews.invalidate_recordset(["status"])
        if not self.review_ids.filtered(
            lambda r: r.status in ("waiting", "pending") and user in r.reviewer_ids
        ):
            raise UserError(
                self.env._("There is no pending review of %s for you.", self.name)
            )

    # ------------------------------------------------------------------
    # Gates: send, print, portal sign/pay, confirm
    # ------------------------------------------------------------------
    def action_quotation_send(self):
        self._pricer_check_approved(self.env._("sent"))
        return super().action_quotation_send()

    def action_quotation_sent(self):
        self._pricer_check_approved(self.env._("sent"))
        return super().action_quotation_sent()

    def action_confirm(self):
        self._pricer_check_approved(self.env._("confirmed"))
        res = super().action_confirm()
        self._pricer_after_confirm()
        return res

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self._pricer_approval_blocked()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._pricer_approval_blocked()

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
        manager = (
            self.env.ref("mrp.group_mrp_manager")
            # sudo: the first production manager, only to give them an activity
            .sudo()
            .all_user_ids.filtered(lambda u: u.active and not u.share and u.id != 1)
            .sorted("id")[:1]
        )
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
            if manager:
                production.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Plan production for %s", self.name),
                )

    def _pricer_create_down_payment(self):
        self.ensure_one()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=self.ids)
            .create(
                {
                    "advance_payment_method": "percentage",
                    "amount": self.pricer_down_payment,
                    "sale_order_ids": [fields.Command.set(self.ids)],
                }
            )
        )
        invoices = wizard._create_invoices(self)
        # sudo: a technical link from the down payment to its own order
        invoices.sudo().pricer_sale_order_id = self
        self.pricer_down_payment_invoiced = True
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Down payment of %(pct)s%% drafted for billing; the rest is "
                "invoiced on delivery.",
                pct=self.pricer_down_payment,
            )
        )
        return invoices
