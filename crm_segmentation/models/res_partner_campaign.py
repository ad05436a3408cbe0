# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # the mailing of a measured campaign selects its treated group by it
    segment_campaign_member_ids = fields.One2many(
        "crm.segment.campaign.run.member",
        "partner_id",
        string="Measured Campaigns",
        readonly=True,
    )
