# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models
from odoo.exceptions import AccessError

TICKET = "helpdesk.ticket"


class RatingRating(models.Model):
    """Ratings of tickets are the customer's word.

    The rating module lets every internal user create and write any rating;
    the CSAT of a ticket, its contract's health and the service-level
    report read them, so on tickets only the customer's flows (the public
    rating page and the portal chatter, both in superuser mode after their
    own checks) may write them.
    """

    _inherit = "rating.rating"

    def _check_ticket_rating_access(self, vals_list=()):
        if self.env.su:
            return
        ticket_model_id = self.env["ir.model"]._get_id(TICKET)
        touched = any(rating.res_model == TICKET for rating in self) or any(
            vals.get("res_model") == TICKET
            or vals.get("res_model_id") == ticket_model_id
            for vals in vals_list
        )
        if touched:
            raise AccessError(
                self.env._(
                    "Ratings of helpdesk tickets are given by the customer; "
                    "they cannot be created or changed here."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_ticket_rating_access(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_ticket_rating_access()
        if "res_model" in vals or "res_model_id" in vals:
            self.browse()._check_ticket_rating_access([vals])
        return super().write(vals)

    def unlink(self):
        self._check_ticket_rating_access()
        return super().unlink()
