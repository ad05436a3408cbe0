# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    # the guard covers only the fields this addon adds
    _inherit = ["crm.lead", "crm.segmentation.guard"]

    segment_id = fields.Many2one(
        "crm.segment",
        "Created From Segment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="Set by Create Leads of the segment: a member gets one open lead "
        "per segment, however often the action runs.",
    )
    next_offer_categ_id = fields.Many2one(
        "product.category",
        "Next Offer Category",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="Set by Create Offer Leads of the segment: the category offered. "
        "A member gets one open offer lead per segment, in any language.",
    )
