# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    # the guard covers only the fields this addon adds (none numeric today)
    _inherit = ["res.partner", "crm.segmentation.guard"]

    rfm_score_ids = fields.One2many(
        "crm.rfm.score", "partner_id", string="RFM Scores", readonly=True
    )
    segment_member_ids = fields.One2many(
        "crm.segment.member", "partner_id", string="Segment Memberships"
    )
