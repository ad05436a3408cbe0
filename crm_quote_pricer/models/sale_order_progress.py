# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models

from .finite_values import finite

MO_OPEN = ("draft", "confirmed", "progress", "to_close")


class SaleOrder(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    """What production and billing did with a confirmed order, for sales.

    The summary reads manufacturing orders and invoices as superuser: it
    belongs to the order and is shown to whoever may read the order, while
    salespeople, production and billing each lack another's rights (a
    salesperson without MRP rights, a production user without accounting).
    The records themselves (the MO and invoice lists) stay under each
    reader's own access rules.
    """

    _inherit = "sale.order"

    pricer_mo_state = fields.Selection(
        [
            ("none", "No Manufacturing"),
            ("planned", "Planned"),
            ("progress", "In Progress"),
            ("done", "Done"),
        ],
        string="Production",
        compute="_compute_pricer_progress",
        help="Planned: no manufacturing order started; In Progress: some "
        "started or done, others not; Done: every one done.",
    )
    pricer_mo_date_planned = fields.Datetime(
        string="Production Planned End",
        compute="_compute_pricer_progress",
        help="Latest planned end of the order's open manufacturing orders.",
    )
    pricer_mo_late = fields.Boolean(
        string="Production Late",
        compute="_compute_pricer_progress",
        help="A manufacturing order is planned to end after the delivery "
        "date promised to the customer.",
    )
    pricer_amount_invoiced = fields.Monetary(
        string="Invoiced",
        compute="_compute_pricer_progress",
        help="Posted invoices less credit notes, taxes included.",
    )
    pricer_amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_pricer_progress",
        help="What the customer paid of the posted invoices, less credit notes.",
    )
    pricer_amount_to_invoice = fields.Monetary(
        string="Still to Invoice",
        compute="_compute_pricer_progress",
        help="Order total not invoiced yet, taxes included.",
    )
    pricer_progress_html = fields.Html(
        string="Progress",
        compute="_compute_pricer_progress",
        sanitize=False,
        help="Each manufacturing order with its state and planned dates, "
        "the delivery and the billing of the order.",
    )

    def _pricer_production_summary(self):
        """{order id: [(name, state, date_start, date_finished)]} in one query."""
        # sudo: the names, states and dates of this order's own MOs, for a
        # summary of the order; salespeople and billing may lack MRP rights
        productions = self.env["mrp.production"].sudo()
        rows = productions.search_fetch(
            [
                ("pricer_sale_order_id", "in", self.ids),
                ("state", "!=", "cancel"),
            ],
            ["name", "state", "date_start", "date_finished", "pricer_sale_order_id"],
            order="date_start, id",
        )
        found = defaultdict(list)
        for production in rows:
            found[production.pricer_sale_order_id.id].append(
                (
                    production.name,
                    production.state,
                    production.date_start,
                    production.date_finished,
                )
            )
        return found

    @staticmethod
    def _pricer_mo_state(productions):
        states = {state for _name, state, _start, _end in productions}
        if not states:
            return "none"
        if states == {"done"}:
            return "done"
        if states <= {"draft", "confirmed"}:
            return "planned"
        return "progress"

    @api.depends(
        "state",
        "amount_total",
        "commitment_date",
        "invoice_ids.state",
        "invoice_ids.amount_residual",
    )
    def _compute_pricer_progress(self):
        orders = self.filtered("id")
        productions = orders._pricer_production_summary()
        # sudo: the amounts of this order's own invoices, for its summary;
        # production users may not read invoices
        billing = {order.id: order._pricer_billing() for order in orders.sudo()}
        mo_states = dict(
            self._fields["pricer_mo_state"]._description_selection(self.env)
        )
        for order in self:
            mos = productions.get(order.id, [])
            invoiced, paid = billing.get(order.id, (0.0, 0.0))
            ends = [
                end for _name, state, _start, end in mos if state in MO_OPEN and end
            ]
            order.pricer_mo_state = order._pricer_mo_state(mos)
            order.pricer_mo_date_planned = max(ends) if ends else False
            order.pricer_mo_late = bool(
                ends and order.commitment_date and max(ends) > order.commitment_date
            )
            order.pricer_amount_invoiced = invoiced
            order.pricer_amount_paid = paid
            order.pricer_amount_to_invoice = (
                finite(order.amount_total) - invoiced if order.state == "sale" else 0.0
            )
            order.pricer_progress_html = order._pricer_progress_table(mos, mo_states)

    def _pricer_billing(self):
        """(invoiced, paid) in the order's currency: posted customer invoices
        less credit notes."""
        self.ensure_one()
        invoiced = paid = 0.0
        for move in self.invoice_ids:
            if move.state != "posted" or move.move_type not in (
                "out_invoice",
                "out_refund",
            ):
                continue
            sign = -1.0 if move.move_type == "out_refund" else 1.0
            total = finite(move.amount_total)
            settled = total - finite(move.amount_residual)
            if move.currency_id != self.currency_id:
                date = move.invoice_date or fields.Date.context_today(self)
                total, settled = (
                    move.currency_id._convert(
                        amount, self.currency_id, self.company_id, date
                    )
                    for amount in (total, settled)
                )
            invoiced += sign * total
            paid += sign * settled
        return finite(invoiced), finite(paid)

    def _pricer_progress_table(self, mos, mo_states):
        """The order's line in the opportunity's progress table."""
        self.ensure_one()
        if self.state != "sale":
            return False
        env = self.env
        production_states = dict(
            env["mrp.production"]._fields["state"]._description_selection(env)
        )
        delivery_states = dict(
            self._fields["delivery_status"]._description_selection(env)
        )
        mo_cells = (
            Markup("<br/>").join(
                Markup("%s: %s, %s") % (name, production_states.get(state, state), when)
                for name, state, when in (
                    (
                        name,
                        state,
                        fields.Datetime.to_string(end or start)[:10]
                        if (end or start)
                        else "",
                    )
                    for name, state, start, end in mos
                )
            )
            if mos
            else mo_states["none"]
        )

        def money(amount):
            return Markup("%s") % self.currency_id.format(amount)

        return Markup(
            "<table class='table table-sm o_pricer_progress'><tbody>"
            "<tr><th>%s</th><td>%s</td></tr>"
            "<tr><th>%s</th><td>%s</td></tr>"
            "<tr><th>%s</th><td>%s</td></tr>"
            "<tr><th>%s</th><td>%s</td></tr>"
            "<tr><th>%s</th><td>%s</td></tr>"
            "</tbody></table>"
        ) % (
            env._("Manufacturing"),
            mo_cells,
            env._("Delivery"),
            delivery_states.get(self.delivery_status, "")
            or env._("Nothing to deliver"),
            env._("Invoiced"),
            money(self.pricer_amount_invoiced),
            env._("Paid"),
            money(self.pricer_amount_paid),
            env._("Still to Invoice"),
            money(self.pricer_amount_to_invoice),
        )
