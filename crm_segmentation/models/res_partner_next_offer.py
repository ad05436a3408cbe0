# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    next_offer_ids = fields.One2many(
        "crm.next.offer",
        "partner_id",
        string="Next Offers",
        readonly=True,
        groups="crm_segmentation.group_segmentation_user",
    )
