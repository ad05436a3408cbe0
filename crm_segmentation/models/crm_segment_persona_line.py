# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class CrmSegmentPersonaLine(models.Model):
    _name = "crm.segment.persona.line"
    _description = "Segment Persona Line"
    _inherit = ["crm.segmentation.guard"]
    _order = "segment_id, kind, value desc, id"

    segment_id = fields.Many2one(
        "crm.segment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="segment_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("industry", "Industry"),
            ("country", "Country"),
            ("category", "Product Category"),
        ],
        required=True,
    )
    name = fields.Char(required=True)
    value = fields.Float(
        allow_negative=True,  # net revenue of a category can be negative
        help="Members for industries and countries, net revenue for product "
        "categories.",
    )
    share = fields.Float("Share (%)", allow_negative=True)
