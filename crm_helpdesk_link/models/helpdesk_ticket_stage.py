# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    billable_close = fields.Boolean(
        string="Bill on Close",
        default=True,
        help="Closing a ticket into this stage means the work was done: its "
        "billable hours go to an invoice. Leave it off for closed stages such "
        "as Cancelled or Rejected. Only used on closed stages.",
    )
    sla_pause = fields.Boolean(
        string="Pauses the SLA",
        help="Tickets in this stage wait on the customer: their SLA clock "
        "stops, and the working time spent here pushes their resolution "
        "deadline.",
    )
    rating_request = fields.Boolean(
        string="Ask for a Rating",
        help="Closing a ticket into this stage e-mails its customer a "
        "satisfaction request (once per ticket). Only used on closed stages.",
    )
