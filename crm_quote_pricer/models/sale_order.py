# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import hashlib
import math

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, clean_context, float_repr

from .review_guard import review_change_allowed

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
ORDER_BOOKKEEPING = ("pricer_down_payment_invoiced",)


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
    pricer_print_waterfall = fields.Boolean(
        string="Print Price Waterfall",
        help="Print each line's price waterfall on the quote.",
    )

    @api.depends(
        "order_line.price_unit",
        "order_line.discount",
        "order_line.product_uom_qty",
        "order_line.pricer_rate_price",
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
        company_rows = Authority.search(
            Domain("company_id", "in", self.company_id.ids + [False])
        )
        approver_rows = company_rows.filtered("can_approve")
        teams = {order: order._pricer_authority_team() for order in self}
        # One search for every order's own/team authority, picked per order.
        candidates = Authority._pricer_candidates(
            [order.user_id for order in self], list(teams.values()), self.company_id
        )
        for order in self:
            lines = order.order_line.filtered(
                lambda line: line._pricer_is_product_line()
            )
            margins = [line.pricer_margin for line in lines if line.pricer_cost]
            order.pricer_max_discount = max(
                lines.mapped("pricer_granted_discount") or [0.0]
            )
            order.pricer_min_margin = min(margins) if margins else 0.0
            order.pricer_below_floor = any(lines.mapped("pricer_below_floor"))
            # A company that has not set up discount authority sells as before
            # the addon: nothing needs approval there.
            configured = company_rows.filtered(
                lambda r, o=order: r.company_id in (o.company_id, r.browse())
            )
            authority = candidates._pricer_pick(
                order.user_id, teams[order], order.company_id
            )
            order.pricer_needs_approval = bool(
                lines and configured and not order._pricer_within(authority)
            )
            if not order.pricer_needs_approval:
                order.pricer_approver_ids = False
                continue
            order.pricer_approver_ids = order._pricer_approvers(approver_rows)

    def _pricer_authority_team(self):
        """The team whose authority the salesperson has: the quote's team only
        if they belong to it (a salesperson cannot borrow a larger team's
        authority by picking it), else their own main team."""
        self.ensure_one()
        user, team = self.user_id, self.team_id
        if team and user and user in (team.member_ids | team.user_id):
            return team
        return user.sale_team_id

    def _pricer_approvers(self, approver_rows):
        """Approvers whose own authority covers the quote; when no approver
        row does, the company's sales managers (a working default)."""
        self.ensure_one()
        excluded = self.user_id | self.review_ids.requested_by
        approvers = self.env["res.users"]
        for row in approver_rows:
            if row.company_id and row.company_id != self.company_id:
                continue
            if not self._pricer_within(row):
                continue
            if row.forbid_self_approval and row.user_id in excluded:
                continue
            approvers |= row.user_id
        if approvers:
            return approvers
        managers = (
            self.env.ref("sales_team.group_sale_manager")
            # sudo: the members of the sales managers group, only to name them
            # as the fallback approvers of this quote
            .sudo()
            .all_user_ids
        )
        return (
            managers.filtered(
                lambda u: u.active
                and not u.share
                and not u._is_superuser()
                and self.company_id in u.company_ids
            )
            - excluded
        ).sudo(False)

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
        Line.flush_model(["price_unit", "pricer_rate_price"])

        def price_off_reference(model, alias, query):
            price = model._field_to_sql(alias, "price_unit", query)
            reference = model._field_to_sql(alias, "pricer_rate_price", query)
            return SQL(
                "(COALESCE(%s, 0) != COALESCE(%s, 0))",
                reference,
                price,
            )

        signal = (
            Domain("product_id", "!=", False)
            & Domain("display_type", "=", False)
            & Domain("is_downpayment", "=", False)
            & (
                Domain("discount", "!=", 0)
                | Domain("pricer_cost", "!=", 0)
                | Domain("product_uom_qty", "<", 0)
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
        return True

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
            "target": "new",
        }

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def _pricer_authority_reviews(self):
        """This quote's reviews of the discount-authority tier (other tiers
        follow base_tier_validation's own rules)."""
        self.ensure_one()
        # sudo: the gate reads the decision records whole, whatever reviews
        # the current reader may list (portal signing reads no review)
        return self.sudo().review_ids.filtered(lambda r: r._pricer_is_authority())

    def _pricer_fingerprint(self):
        """What an approval was given for: who sells under which authority,
        to whom, and every priced line as the engine and the seller left it.
        Any change of it after approval makes the approval void."""
        self.ensure_one()
        # sudo: only values of this quote's own lines, read whole to hash them
        order = self.sudo()
        digits = 6
        parts = [
            order.user_id.id,
            order.team_id.id,
            order.partner_id.id,
            order.pricelist_id.id,
            order.currency_id.id,
            order.company_id.id,
            order.fiscal_position_id.id,
        ]
        for line in order.order_line.sorted("id"):
            if line.display_type:
                continue
            parts.append(
                (
                    line.id,
                    line.product_id.id,
                    line.product_uom_id.id,
                    bool(line.is_downpayment),
                    *(
                        float_repr(line[fname] or 0.0, digits)
                        for fname in (
                            "product_uom_qty",
                            "price_unit",
                            "discount",
                            "pricer_rate_price",
                            "pricer_cost",
                            "pricer_margin_floor",
                        )
                    ),
                )
            )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def _pricer_seal(self, review):
        """The seal a decision of ``review`` leaves: the quote as approved, by
        whom. Written only by this module's own validate path."""
        self.ensure_one()
        text = f"{self._pricer_fingerprint()}|{review.id}|{review.done_by.id}"
        return hashlib.sha256(text.encode()).hexdigest()

    def _pricer_may_self_approve(self, user):
        self.ensure_one()
        row = self.env["crm.quote.authority"]._for_user(
            user, self.env["crm.team"], self.company_id
        )
        return bool(row) and not row.forbid_self_approval

    def _pricer_is_approved(self):
        """Whether the discount-authority approval of this quote holds now:
        every review of the tier approved through validate_tier by one of its
        reviewers (not the seller, unless allowed), for the quote as it is."""
        self.ensure_one()
        reviews = self._pricer_authority_reviews()
        if not reviews:
            return False
        for review in reviews:
            approver = review.done_by
            if review.status != "approved" or not approver:
                return False
            if approver not in review.reviewer_ids:
                return False
            if approver in (
                self.user_id | review.requested_by
            ) and not self._pricer_may_self_approve(approver):
                return False
            if review.pricer_seal != self._pricer_seal(review):
                return False
        return True

    def _pricer_approval_blocked(self):
        self.ensure_one()
        return (
            self.state in ("draft", "sent")
            and self.pricer_needs_approval
            and not self._pricer_is_approved()
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

    def unlink(self):
        with review_change_allowed():
            return super().unlink()

    # The decision paths of base_tier_validation, the only code that may
    # change the reviews of a quote (see review_guard). Default values from
    # the client's context never reach the reviews they create.
    def request_validation(self):
        with review_change_allowed():
            return super(
                SaleOrder, self.with_context(clean_context(self.env.context))
            ).request_validation()

    def restart_validation(self):
        with review_change_allowed():
            return super().restart_validation()

    def _tier_validation_check_write_remove_reviews(self, vals):
        with review_change_allowed():
            return super()._tier_validation_check_write_remove_reviews(vals)

    def _update_counter(self, review_counter):
        with review_change_allowed():
            return super()._update_counter(review_counter)

    def validate_tier(self):
        self._pricer_check_has_review()
        with review_change_allowed():
            return super().validate_tier()

    def reject_tier(self):
        self._pricer_check_has_review()
        with review_change_allowed():
            return super().reject_tier()

    def _validate_tier(self, tiers=False):
        self._pricer_check_reviewer(tiers or self.review_ids)
        with review_change_allowed():
            res = super()._validate_tier(tiers)
        self._pricer_seal_decisions()
        return res

    def _rejected_tier(self, tiers=False):
        self._pricer_check_reviewer(tiers or self.review_ids)
        with review_change_allowed():
            return super()._rejected_tier(tiers)

    def _pricer_seal_decisions(self):
        """Seal the authority reviews the current user just approved."""
        self.ensure_one()
        for review in self._pricer_authority_reviews():
            if (
                review.status == "approved"
                and review.done_by == self.env.user
                and not review.pricer_seal
            ):
                # sudo: the seal is written by this path only; clients can't
                review.sudo().pricer_seal = self._pricer_seal(review)

    def _pricer_check_has_review(self):
        """Validate/Reject of a quote under discount authority by someone with
        nothing to decide says so (for other tiers it stays a no-op, as in
        base_tier_validation)."""
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        authority = self._pricer_authority_reviews()
        if authority and not authority.filtered(
            lambda r: r.status in ("waiting", "pending") and user in r.reviewer_ids
        ):
            raise UserError(
                self.env._("There is no pending review of %s for you.", self.name)
            )

    def _pricer_check_reviewer(self, reviews):
        """Before a decision on authority reviews: nobody decides on their
        own quote (unless their authority allows it), and two approvers
        deciding at once get a clear error instead of a double decision."""
        self.ensure_one()
        user = self.env.user
        # sudo: the reviews handed in are checked to be this quote's own below
        mine = reviews.sudo().filtered(
            lambda r: r._pricer_is_authority()
            and r.model == self._name
            and r.res_id == self.id
            and r.status in ("waiting", "pending")
            and user in r.reviewer_ids
        )
        if not mine:
            return
        if user in (
            self.user_id | mine.requested_by
        ) and not self._pricer_may_self_approve(user):
            raise UserError(self.env._("You cannot approve or reject your own quote."))
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM tier_review WHERE id IN %s FOR UPDATE NOWAIT",
                        tuple(mine.ids),
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
        mine.invalidate_recordset(["status"])
        if mine.filtered(lambda r: r.status not in ("waiting", "pending")):
            raise UserError(
                self.env._(
                    "%s was decided by another approver meanwhile. Reload the quote.",
                    self.name,
                )
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
        planner = self.company_id.pricer_mo_planning_activity and users.filtered(
            lambda u: self.company_id in u.company_ids
        ).sorted("id")
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
                # the order's responsible when they are in production, else
                # the first production user of the company
                responsible = production.user_id & planner or planner[:1]
                production.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=responsible.id,
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
