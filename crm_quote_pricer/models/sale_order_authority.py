# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from .finite_values import FiniteFloat


class SaleOrder(models.Model):
    """Discount authority: whether a quote is outside its seller's
    authority, and who may approve it."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    pricer_max_discount = FiniteFloat(
        string="Largest Granted Discount (%)",
        compute="_compute_pricer_authority",
        digits=(16, 2),
    )
    pricer_min_margin = FiniteFloat(
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
