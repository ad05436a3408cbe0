# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        help="SLA deadlines count working hours of this calendar. Empty: the "
        "company calendar; without any calendar, plain clock hours.",
    )
