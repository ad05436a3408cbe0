# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    helpdesk_ticket_count = fields.Integer(compute="_compute_helpdesk_ticket_count")

    @api.depends("invoice_line_ids.helpdesk_ticket_id")
    def _compute_helpdesk_ticket_count(self):
        for move in self:
            move.helpdesk_ticket_count = len(move.invoice_line_ids.helpdesk_ticket_id)

    def action_view_helpdesk_tickets(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "crm_helpdesk_link.helpdesk_ticket_billable_action"
        )
        action["domain"] = [("id", "in", self.invoice_line_ids.helpdesk_ticket_id.ids)]
        return action
