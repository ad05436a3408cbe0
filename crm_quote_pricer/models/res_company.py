# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    pricer_mo_planning_activity = fields.Boolean(
        string="Planning Activity on Quote MOs",
        default=True,
        help="A manufacturing order launched by a confirmed quote gets a "
        "'Plan production' activity for a production user.",
    )
