# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .numeric_guard import FiniteFloat


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
    weight = FiniteFloat(
        default=1.0,
        help="Relative share of the leads of the territory this salesperson gets.",
    )
    capacity = fields.Integer(
        default=30,
        help="Open leads and opportunities this salesperson may hold at most; "
        "at capacity, the salesperson is skipped.",
    )
    open_lead_count = fields.Integer(
        string="Open Leads",
        compute="_compute_open_lead_count",
        help="Open leads and opportunities of this salesperson in this "
        "territory that you can see.",
    )
    load_count = fields.Integer(
        string="Load",
        compute="_compute_open_lead_count",
        help="All open leads and opportunities of this salesperson (every "
        "territory), in the territory's company when it has one: what the "
        "capacity is compared with.",
    )
    is_over_capacity = fields.Boolean(
        string="Over Capacity",
        compute="_compute_open_lead_count",
        help="The salesperson holds more open leads than this capacity: "
        "routing skips them until some are closed or moved.",
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

    @api.constrains("user_id")
    def _check_internal_user(self):
        portal = self.filtered(lambda m: m.user_id.share)
        if portal:
            raise ValidationError(
                self.env._(
                    "Only internal users can be salespeople of a territory, "
                    "not %(users)s.",
                    users=", ".join(portal.user_id.mapped("name")),
                )
            )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_open_lead_count(self):
        """Counted under the reader's own rules (routing counts all of them,
        see ``crm.territory._get_open_loads``): another company's leads are
        never shown, not even as a number."""
        groups = self.env["crm.lead"]._read_group(
            [
                ("user_id", "in", self.user_id.ids),
                ("won_status", "=", "pending"),
                ("active", "=", True),
            ],
            ["user_id", "company_id", "territory_id"],
            ["__count"],
        )
        counts = {}
        in_territory = {}
        for user, company, territory, count in groups:
            for key in ((user.id, company.id), (user.id, None)):
                counts[key] = counts.get(key, 0) + count
            key = (user.id, territory.id)
            in_territory[key] = in_territory.get(key, 0) + count
        for member in self:
            load = counts.get((member.user_id.id, member.company_id.id or None), 0)
            member.load_count = load
            member.is_over_capacity = load > member.capacity
            member.open_lead_count = in_territory.get(
                (member.user_id.id, member.territory_id.id), 0
            )
