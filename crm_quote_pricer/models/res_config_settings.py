# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pricer_mo_planning_activity = fields.Boolean(
        related="company_id.pricer_mo_planning_activity", readonly=False
    )
