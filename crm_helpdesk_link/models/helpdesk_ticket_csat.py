# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.rating.models.rating_data import (
    RATING_LIMIT_OK,
    RATING_LIMIT_SATISFIED,
)

CSAT = [
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
]


def csat_of(value):
    """The CSAT answer of a rating value (Odoo's 1/3/5 scale)."""
    if value >= RATING_LIMIT_SATISFIED:
        return "satisfied"
    if value >= RATING_LIMIT_OK:
        return "neutral"
    if value >= 1:
        return "dissatisfied"
    return False


class HelpdeskTicket(models.Model):
    """Customer satisfaction (CSAT) on closed tickets, on Odoo's rating
    mixin: the customer's last rating is the ticket's answer."""

    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "rating.mixin"]

    csat_rating = fields.Selection(
        CSAT,
        string="Satisfaction",
        compute="_compute_csat_rating",
        store=True,
        index=True,
        help="The customer's last rating of the ticket. Only ratings given by "
        "the ticket's customer (a contact of its company) count.",
    )

    @api.depends(
        "rating_ids.rating",
        "rating_ids.consumed",
        "rating_ids.partner_id",
        "commercial_partner_id",
    )
    def _compute_csat_rating(self):
        for ticket in self:
            ratings = ticket.rating_ids.filtered(
                lambda r, t=ticket: r.consumed
                and r.rating
                and r.partner_id
                and r.partner_id.commercial_partner_id == t.commercial_partner_id
            )
            last = ratings.sorted(lambda r: (r.write_date or r.create_date, r.id))[-1:]
            ticket.csat_rating = csat_of(last.rating) if last else False

    def _rating_get_partner(self):
        return self.partner_id or super()._rating_get_partner()

    def message_post(self, **kwargs):
        """Only the ticket's customer rates it: a rating posted by anyone
        else (an agent rating their own ticket) is refused."""
        if kwargs.get("rating_value") and not self.env.su:
            customer = self.env.user.partner_id.commercial_partner_id
            if any(t.commercial_partner_id != customer for t in self):
                raise AccessError(
                    self.env._("Only the ticket's customer can rate a ticket.")
                )
        return super().message_post(**kwargs)

    def _action_close(self):
        res = super()._action_close()
        self._send_rating_requests()
        return res

    def _send_rating_requests(self):
        """Ask the customer for a rating when the ticket closes into a stage
        that asks for one, once per ticket (not again after a reopening)."""
        template = self.env.ref(
            "crm_helpdesk_link.mail_template_ticket_rating", raise_if_not_found=False
        )
        if not template:
            return
        tickets = self.filtered(
            lambda t: t.stage_id.rating_request
            and t.partner_id
            and not t.csat_rating
            # sudo: whether a request already went out; no rating leaves
            and not t.sudo().rating_ids
        )
        for ticket in tickets:
            ticket.rating_send_request(
                template, lang=ticket.partner_id.lang, force_send=False
            )
