# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalation Fallback",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Told when an opportunity stays too long in its stage and neither "
        "a team leader nor the salesperson's manager can be found.",
    )
    # Off until a company turns it on (CRM settings; on in the demo): core
    # crm's own behaviour, and its tests, lose leads without a reason.
    crm_lost_reason_required = fields.Boolean(
        string="Lost Reason Required",
        help="An opportunity of this company can only be marked as lost with a "
        "lost reason, whether through the Mark as Lost dialog, an import or "
        "the API.",
    )

    @api.constrains("crm_escalation_user_id")
    def _check_crm_escalation_user(self):
        for company in self:
            user = company.crm_escalation_user_id
            if user and (user.share or company not in user.company_ids):
                raise ValidationError(
                    self.env._(
                        "The escalation fallback of %(company)s must be an "
                        "internal user of that company, not %(user)s.",
                        company=company.name,
                        user=user.name,
                    )
                )
