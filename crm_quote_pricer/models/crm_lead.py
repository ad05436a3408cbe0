# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models
from odoo.fields import Domain


class CrmLead(models.Model):
    _inherit = "crm.lead"

    pricer_production_count = fields.Integer(
        string="Manufacturing",
        compute="_compute_pricer_production_count",
        help="Manufacturing orders produced by the quotes of the opportunity.",
    )

    def _pricer_production_domain(self):
        return Domain("pricer_sale_order_id", "in", self.order_ids.ids) & Domain(
            "state", "!=", "cancel"
        )

    def _compute_pricer_production_count(self):
        # One grouped query for all leads; MOs of quotes the user cannot read
        # are not counted (the read rules of mrp.production still apply).
        counts = {
            order.id: count
            for order, count in self.env["mrp.production"]._read_group(
                self._pricer_production_domain(),
                groupby=["pricer_sale_order_id"],
                aggregates=["__count"],
            )
        }
        for lead in self:
            lead.pricer_production_count = sum(
                counts.get(order_id, 0) for order_id in lead.order_ids.ids
            )

    def action_pricer_view_productions(self):
        """Read-only list of the manufacturing orders of the quotes."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Manufacturing Orders"),
            "res_model": "mrp.production",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("crm_quote_pricer.mrp_production_view_list_lead").id,
                    "list",
                ),
                (
                    self.env.ref("crm_quote_pricer.mrp_production_view_form_lead").id,
                    "form",
                ),
            ],
            "domain": list(self._pricer_production_domain()),
            "context": {"create": False, "edit": False, "delete": False},
        }

    def action_pricer_price_quotes(self):
        """Price the open quotes of the opportunity; open a new one if none."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        quotes = self.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        if not quotes:
            return self.action_sale_quotations_new()
        notification = quotes.action_pricer_price()
        # say what changed, then show the quotes
        notification["params"]["next"] = self.action_view_sale_quotation()
        return notification
