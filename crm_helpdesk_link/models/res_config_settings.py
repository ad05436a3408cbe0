# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models

from .numeric_guard import FiniteMonetary


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    helpdesk_billing_mode = fields.Selection(
        related="company_id.helpdesk_billing_mode", readonly=False, required=True
    )
    helpdesk_billable_product_id = fields.Many2one(
        related="company_id.helpdesk_billable_product_id", readonly=False
    )
    helpdesk_hourly_rate = FiniteMonetary(
        related="company_id.helpdesk_hourly_rate", readonly=False
    )
    helpdesk_upsell_over_quota = fields.Integer(
        related="company_id.helpdesk_upsell_over_quota", readonly=False
    )
    helpdesk_upsell_uncovered = fields.Integer(
        related="company_id.helpdesk_upsell_uncovered", readonly=False
    )
    helpdesk_upsell_expiry_days = fields.Integer(
        related="company_id.helpdesk_upsell_expiry_days", readonly=False
    )
    helpdesk_sla_warning_hours = fields.Integer(
        related="company_id.helpdesk_sla_warning_hours", readonly=False
    )
    helpdesk_health_breach_threshold = fields.Integer(
        related="company_id.helpdesk_health_breach_threshold", readonly=False
    )
