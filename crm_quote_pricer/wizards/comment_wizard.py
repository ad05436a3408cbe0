# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models
from odoo.exceptions import AccessError

from ..models.review_guard import review_change_allowed


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        """The wizard of a decision that asks for a comment: on a quote, it
        may only comment the user's own pending reviews of that quote, and
        decides through the quote's own checks."""
        self.ensure_one()
        if self.res_model != "sale.order":
            return super().add_comment()
        order = self.env["sale.order"].browse(self.res_id)
        order.check_access("read")
        user = self.env.user
        # sudo: the reviews handed in, read whole to check they are the
        # user's own pending reviews of this quote
        reviews = self.review_ids.sudo()
        if any(
            r.model != "sale.order"
            or r.res_id != order.id
            or r.status not in ("waiting", "pending")
            or user not in r.reviewer_ids
            for r in reviews
        ):
            raise AccessError(
                self.env._(
                    "You can only comment your own pending reviews of %s.",
                    order.display_name,
                )
            )
        with review_change_allowed():
            return super().add_comment()
