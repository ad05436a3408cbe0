# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models

# Move types shown as the invoices of a quote, as sale.order.invoice_ids does.
INVOICE_TYPES = ("out_invoice", "out_refund")


class CrmLead(models.Model):
    """The quotes of an opportunity and their invoices, as counts and
    read-only lists."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    order_state_summary = fields.Char(
        string="Quotes by State", compute="_compute_order_state_summary"
    )
    all_order_count = fields.Integer(
        string="All Quotes", compute="_compute_order_state_summary"
    )
    quote_invoice_count = fields.Integer(
        string="Invoices",
        compute="_compute_quote_invoice_count",
        help="Customer invoices and credit notes of the opportunity's quotes "
        "that you can read.",
    )

    @api.depends("order_ids.state")
    def _compute_order_state_summary(self):
        """Count the opportunity's quotes per state, in one query for all."""
        Order = self.env["sale.order"]
        labels = dict(Order._fields["state"]._description_selection(self.env))
        groups = Order._read_group(
            [("opportunity_id", "in", self.ids)],
            ["opportunity_id", "state"],
            ["__count"],
        )
        by_lead = {}
        for lead, state, count in groups:
            by_lead.setdefault(lead.id, []).append((state, count))
        for lead in self:
            states = by_lead.get(lead.id, [])
            lead.all_order_count = sum(count for _state, count in states)
            lead.order_state_summary = " · ".join(
                f"{count} {labels.get(state, state)}" for state, count in states
            )

    def action_view_all_quotes(self):
        """All quotes of the opportunity, whatever their state, read-only."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quotes"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("opportunity_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def _get_quote_invoice_ids(self):
        """Return {lead id: set of invoice ids} for the customer invoices and
        credit notes of the quotes of ``self``.

        One grouped query for all the leads, whatever their number; Odoo's
        own record rules on quote lines and invoice lines decide what the
        current user gets, nothing is read as superuser.
        """
        if not (
            self.env["sale.order.line"].has_access("read")
            and self.env["account.move.line"].has_access("read")
        ):
            return {}
        groups = self.env["sale.order.line"]._read_group(
            [
                ("order_id.opportunity_id", "in", self.ids),
                ("invoice_lines", "!=", False),
            ],
            ["order_id.opportunity_id", "invoice_lines"],
        )
        lines = self.env["account.move.line"].union(*(line for _lead, line in groups))
        # Both reads below are prefetched for all the lines at once.
        invoice_ids = set(
            lines.move_id.filtered_domain([("move_type", "in", INVOICE_TYPES)]).ids
        )
        result = {}
        for lead, line in groups:
            if lead and line and line.move_id.id in invoice_ids:
                result.setdefault(lead.id, set()).add(line.move_id.id)
        return result

    @api.depends("order_ids.order_line.invoice_lines")
    @api.depends_context("uid")
    def _compute_quote_invoice_count(self):
        invoices = self._get_quote_invoice_ids()
        for lead in self:
            lead.quote_invoice_count = len(invoices.get(lead.id, ()))

    def action_view_quote_invoices(self):
        """Invoices and credit notes of the opportunity's quotes, read-only."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        invoice_ids = sorted(self._get_quote_invoice_ids().get(self.id, ()))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("crm_pipeline_ext.account_move_view_list_lead").id,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", invoice_ids)],
            "context": {"create": False, "edit": False, "delete": False},
        }
