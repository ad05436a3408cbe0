# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTerritory(models.Model):
    _name = "crm.territory"
    _description = "Sales Territory"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_name = "parent_id"
    _order = "complete_name, id"
    _rec_name = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    parent_id = fields.Many2one(
        "crm.territory",
        string="Parent Territory",
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.territory", "parent_id", string="Sub-territories")
    level = fields.Integer(compute="_compute_level", store=True, recursive=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", tracking=True, check_company=True
    )
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="States")
    zip_range_ids = fields.One2many(
        "crm.territory.zip", "territory_id", string="Zip Codes"
    )
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Partner Tags"
    )
    member_ids = fields.One2many(
        "crm.territory.member", "territory_id", string="Salespeople"
    )
    overflow_policy = fields.Selection(
        [
            ("parent", "Parent Territory"),
            ("team", "Sales Team"),
            ("none", "Wait Unassigned"),
        ],
        string="When Everyone Is Full",
        required=True,
        default="parent",
        help="Where a lead goes when no salesperson of this territory can "
        "take it (all at capacity, on leave or archived). Parent Territory: "
        "to the parent's salespeople, then as the parent decides. Sales "
        "Team: to the least loaded salesperson of the territory's sales team "
        "who is not one of its salespeople. Wait Unassigned: it stays in this "
        "territory without a salesperson.",
    )
    lead_count = fields.Integer(compute="_compute_lead_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = (
                    f"{territory.parent_id.complete_name} / {territory.name}"
                )
            else:
                territory.complete_name = territory.name

    @api.depends("parent_id.level")
    def _compute_level(self):
        for territory in self:
            territory.level = (
                territory.parent_id.level + 1 if territory.parent_id else 0
            )

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("territory_id", "in", self.ids)], ["territory_id"], ["__count"]
            )
        )
        for territory in self:
            territory.lead_count = counts.get(territory, 0)

    @api.model
    def _parent_from_value(self, value):
        """The existing territory a client's ``parent_id`` value names, or a
        clear error (the ORM would fail further down on a bad type)."""
        parent_id = value.id if isinstance(value, models.BaseModel) else value
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise ValidationError(
                self.env._(
                    "The parent territory must be given by its id, not %(value)r.",
                    value=value,
                )
            )
        parent = self.browse(parent_id).exists()
        if not parent:
            raise ValidationError(
                self.env._("The parent territory %(id)s does not exist.", id=parent_id)
            )
        return parent

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("parent_id"):
                self._parent_from_value(vals["parent_id"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("parent_id"):
            parent = self._parent_from_value(vals["parent_id"])
            # checked before the parent path is rebuilt, which would fail with
            # a bare "Recursion Detected."
            if any(
                parent == territory
                or (parent.parent_path or "").startswith(territory.parent_path or "-")
                for territory in self
            ):
                self._raise_loop()
        return super().write(vals)

    def _raise_loop(self):
        raise ValidationError(
            self.env._(
                "A territory cannot be its own parent or sub-territory "
                "(territory loop)."
            )
        )

    @api.constrains("parent_id")
    def _check_parent_loop(self):
        if self._has_cycle():
            self._raise_loop()

    @api.constrains("zip_range_ids", "parent_id")
    def _check_zip_overlap(self):
        self.zip_range_ids._check_overlap()

    def _effective_team(self):
        """The team of the territory, or of its nearest ancestor with one."""
        self.ensure_one()
        territory = self
        while territory and not territory.team_id:
            territory = territory.parent_id
        return territory.team_id

    def action_view_leads(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("territory_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action
