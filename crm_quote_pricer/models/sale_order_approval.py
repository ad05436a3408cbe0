# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import hashlib
import math

import psycopg2
from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL, clean_context, float_repr

from .review_guard import review_change_allowed

# How long an approver waits for another one deciding on the same quote (ms).
# A decision takes milliseconds: the second one waits for it, and Odoo's retry
# then shows them the quote as decided. Only a lock held longer (a stuck
# transaction) is told as "another approver is deciding".
APPROVAL_LOCK_TIMEOUT_MS = 10_000


def _fingerprint_number(value, digits):
    """``value`` as text; a NaN or infinite one (sale's quantity, price or
    discount stored by SQL) is told apart from 0 instead of raising."""
    return float_repr(value, digits) if math.isfinite(value) else repr(value)


class SaleOrder(models.Model):
    """Approval of a quote outside authority: the tier reviews, their seals,
    and the gates that wait for them."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

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
                        _fingerprint_number(line[fname] or 0.0, digits)
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
        deciding at once never decide twice: the second waits for the first
        one's decision (Odoo's retry then shows the quote as decided), or,
        behind a lock held for long, gets a clear error."""
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
                # this transaction only; undone with the savepoint on a timeout
                self.env.cr.execute(
                    SQL(
                        "SELECT current_setting('lock_timeout'), "
                        "set_config('lock_timeout', %s, true)",
                        f"{int(APPROVAL_LOCK_TIMEOUT_MS)}ms",
                    )
                )
                previous = self.env.cr.fetchone()[0]
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM tier_review WHERE id IN %s FOR UPDATE",
                        tuple(mine.ids),
                    ),
                    # an expected conflict, answered below: no ERROR line
                    log_exceptions=False,
                )
                self.env.cr.execute(
                    SQL("SELECT set_config('lock_timeout', %s, true)", previous)
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
        return super().action_confirm()

    def _has_to_be_signed(self):
        return super()._has_to_be_signed() and not self._pricer_approval_blocked()

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._pricer_approval_blocked()
