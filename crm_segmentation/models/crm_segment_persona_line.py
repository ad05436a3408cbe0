# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

from .crm_segmentation_finite import FiniteFloat, FiniteMonetary

# the record of each kind of persona line
KIND_FIELDS = {
    "industry": "industry_id",
    "country": "country_id",
    "category": "category_id",
}


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
    # the name in the language of whoever computed the persona
    name = fields.Char("Name When Computed", required=True)
    industry_id = fields.Many2one("res.partner.industry", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    category_id = fields.Many2one("product.category", readonly=True)
    # the name of the country, industry or category in the reader's language
    label = fields.Char("Name", compute="_compute_label")
    value = FiniteFloat(
        allow_negative=True,  # net revenue of a category can be negative
        help="Members for industries and countries, net revenue for product "
        "categories.",
    )
    member_count = fields.Integer("Members", readonly=True)
    revenue = FiniteMonetary("Net Revenue", readonly=True, allow_negative=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    share = FiniteFloat("Share (%)", allow_negative=True)

    @api.depends("name", "industry_id", "country_id", "category_id")
    @api.depends_context("lang")
    def _compute_label(self):
        for line in self:
            record = line[KIND_FIELDS[line.kind]] if line.kind else None
            line.label = record.display_name if record else line.name
