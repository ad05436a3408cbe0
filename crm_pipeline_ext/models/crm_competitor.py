# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class CrmCompetitor(models.Model):
    """A company the sales team meets on its deals; shared by every company
    when it has none."""

    _name = "crm.competitor"
    _description = "Competitor"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    website = fields.Char()
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the competitor between companies.",
    )
    active = fields.Boolean(default=True)
    line_ids = fields.One2many("crm.lead.competitor", "competitor_id")
    line_count = fields.Integer(string="Opportunities", compute="_compute_line_count")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)",
        "A competitor with this name already exists in this company.",
    )

    @api.depends("line_ids")
    def _compute_line_count(self):
        counts = dict(
            self.env["crm.lead.competitor"]._read_group(
                [("competitor_id", "in", self.ids)], ["competitor_id"], ["__count"]
            )
        )
        for competitor in self:
            competitor.line_count = counts.get(competitor, 0)

    def action_view_lines(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline_ext.crm_lead_competitor_action"
        )
        action["domain"] = [("competitor_id", "=", self.id)]
        return action
