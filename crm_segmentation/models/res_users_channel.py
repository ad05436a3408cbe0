# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models

CHANNEL_FIELDS = frozenset(
    {
        "contact_email_count",
        "contact_phone_count",
        "contact_meeting_count",
        "contact_portal_count",
        "contact_ticket_count",
        "preferred_contact_channel",
        "contact_channel_date",
    }
)


class ResUsers(models.Model):
    """A user carries its partner's contact channels by delegation: values
    given through the user meet the partner's guard before the ORM caches
    them (a NaN count would otherwise fail in the cache, not as a clear
    validation error)."""

    _inherit = "res.users"

    def _guard_channel_vals(self, vals):
        given = {key: vals[key] for key in CHANNEL_FIELDS.intersection(vals)}
        if given:
            self.env["res.partner"]._guard_vals(given)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._guard_channel_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._guard_channel_vals(vals)
        return super().write(vals)
