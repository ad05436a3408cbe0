# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ContractLine(models.Model):
    _inherit = "contract.line"

    support_plan_ids = fields.One2many("helpdesk.support.plan", "contract_line_id")
