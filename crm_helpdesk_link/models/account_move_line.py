# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    helpdesk_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        check_company=True,
    )
