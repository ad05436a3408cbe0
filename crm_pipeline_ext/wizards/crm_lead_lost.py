# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    lost_reason_required = fields.Boolean(
        compute="_compute_lost_reason_required",
        help="A company of these leads asks for a lost reason.",
    )

    @api.depends("lead_ids")
    def _compute_lost_reason_required(self):
        for wizard in self:
            companies = wizard.lead_ids.company_id or self.env.company
            wizard.lost_reason_required = any(
                companies.mapped("crm_lost_reason_required")
            )
