# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTerritoryMember(models.Model):
    _name = "crm.territory.member"
    _description = "Territory Salesperson"
    _order = "territory_id, sequence, id"
    _check_company_auto = True

    territory_id = fields.Many2one(
        "crm.territory", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="territory_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
        check_company=True,
    )
    active = fields.Boolean(default=True)
    weight = fields.Float(
        default=1.0,
        help="Relative share of the leads of the territory this salesperson gets.",
    )
    capacity = fields.Integer(
        default=30,
        help="Open leads and opportunities this salesperson may hold at most; "
        "at capacity, the salesperson is skipped.",
    )
    open_lead_count = fields.Integer(
        string="Open Leads", compute="_compute_open_lead_count"
    )

    _user_territory_unique = models.Constraint(
        "UNIQUE(territory_id, user_id)",
        "A salesperson appears once per territory.",
    )

    @api.constrains("weight", "capacity")
    def _check_weight_capacity(self):
        for member in self:
            if member.weight <= 0 or member.capacity <= 0:
                raise ValidationError(
                    self.env._(
                        "Weight and capacity of %(user)s in %(territory)s must be "
                        "greater than 0.",
                        user=member.user_id.name,
                        territory=member.territory_id.complete_name,
                    )
                )
            if member.capacity > 2**31 - 1:
                raise ValidationError(
                    self.env._(
                        "Capacity of %(user)s in %(territory)s cannot exceed %(max)s.",
                        user=member.user_id.name,
                        territory=member.territory_id.complete_name,
                        max=2**31 - 1,
                    )
                )

    def _compute_open_lead_count(self):
        loads = self.env["crm.territory"]._get_open_loads(self.user_id)
        for member in self:
            member.open_lead_count = loads.get(member.user_id.id, 0)
