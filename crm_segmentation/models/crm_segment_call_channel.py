# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class CrmSegment(models.Model):
    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    call_phone_preferred_only = fields.Boolean(
        "Call Only Phone-Preferring Members",
        help="The call list (of the segment and of its measured campaigns) "
        "plans calls only for the members whose preferred contact channel is "
        "the phone.",
    )

    def _plan_call_activities(self, partners, summary=None):
        if self.call_phone_preferred_only:
            partners = partners.filtered(
                lambda p: p.commercial_partner_id.preferred_contact_channel == "phone"
            )
        return super()._plan_call_activities(partners, summary=summary)
