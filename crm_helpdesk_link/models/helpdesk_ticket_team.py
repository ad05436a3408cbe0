# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        help="SLA deadlines count working hours of this calendar. Empty: the "
        "company calendar; without any calendar, plain clock hours.",
    )

    @api.constrains("company_id", "resource_calendar_id")
    def _check_helpdesk_company_links(self):
        """helpdesk.ticket.team has no _check_company_auto: check our link."""
        self._check_company(["resource_calendar_id"])
