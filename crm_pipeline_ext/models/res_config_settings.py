# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_escalation_user_id = fields.Many2one(
        related="company_id.crm_escalation_user_id", readonly=False
    )
    crm_lost_reason_required = fields.Boolean(
        related="company_id.crm_lost_reason_required", readonly=False
    )
