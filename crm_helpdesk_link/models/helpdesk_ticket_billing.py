# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .numeric_guard import FiniteFloat, FiniteMonetary, finite


class HelpdeskTicket(models.Model):
    """Billing: the hours a closed ticket bills, on the contract or apart."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    billable_hours = FiniteFloat(readonly=True, copy=False, aggregator="sum")
    billing_state = fields.Selection(
        [
            ("none", "Not Billable"),
            ("to_invoice", "To Invoice"),
            ("invoiced", "On Invoice"),
        ],
        default="none",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    invoice_line_ids = fields.One2many(
        "account.move.line", "helpdesk_ticket_id", readonly=True, copy=False
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    billing_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", string="Billing Currency"
    )
    billable_amount = FiniteMonetary(
        string="Billable Amount",
        compute="_compute_billable_amount",
        currency_field="billing_currency_id",
        # a price of the contract, as the plan's hourly rate
        groups="crm_helpdesk_link.group_support_plan_manager,"
        "account.group_account_invoice",
        help="Untaxed amount of the billable hours: the invoice lines once "
        "they exist, the hours at the plan's (or company's) rate before.",
    )

    @api.depends("billable_hours", "invoice_line_ids.price_subtotal")
    def _compute_billable_amount(self):
        for ticket in self:
            # sudo: amounts of the ticket's own lines and rate, for billing users
            lines = ticket.sudo().invoice_line_ids
            if lines:
                # lines of the accounting app: what they store is not ours
                ticket.billable_amount = sum(
                    finite(amount) for amount in lines.mapped("price_subtotal")
                )
                continue
            # sudo: the plan's rate, read for billing users only (field groups)
            plan = ticket.sudo().support_plan_id
            # sudo: the company's rate, the fallback of the plan's
            company = ticket.sudo().company_id
            rate = plan.hourly_rate or company.helpdesk_hourly_rate
            ticket.billable_amount = ticket.billable_hours * rate

    def _get_billable_hours(self, usage=None):
        """usage: (tickets, hours) of _prior_usage_batch, to skip the query."""
        self.ensure_one()
        hours = self.support_hours
        if hours <= 0:
            return 0.0
        if self.coverage_state != "covered":
            return hours
        # sudo: the hour quota only; returns a number of hours
        plan = self.support_plan_id.sudo()
        if not plan.hour_quota:
            return 0.0
        _count, prior = usage if usage is not None else self._prior_usage()
        return min(hours, max(prior + hours - plan.hour_quota, 0.0))

    def _action_close(self):
        """The tickets entered a closed stage: SLA flags, then billing.

        Only a stage that bills on close (done, solved) bills, and a ticket
        is billed once: moving it on to another closed stage, or closing it
        again after a reopening, never bills it twice.
        """
        self._update_sla_breach()
        billable = {}
        usage = self._prior_usage_batch()
        for ticket in self:
            if not ticket.stage_id.billable_close:
                continue
            # sudo: helpdesk users have no rights on journal items.
            if ticket.billing_state != "none" or ticket.sudo().invoice_line_ids:
                continue  # never invoiced twice
            hours = ticket._get_billable_hours(usage.get(ticket.id, (0, 0.0)))
            if hours > 0:
                billable[ticket] = hours
        to_bill = self.browse([ticket.id for ticket in billable])
        to_bill._check_billing_links()
        for ticket, hours in billable.items():
            # sudo: bookkeeping of a ticket the caller closes (checked above)
            ticket.sudo().billable_hours = hours
        to_bill._create_billable_lines()

    def _check_billing_links(self):
        """Billing acts only within the ticket's company and the caller's rights.

        Runs before billing elevates its rights: the ticket, its plan and
        its contract share one company, and the user closing the tickets
        may write them and read their plan.
        """
        if not self:
            return
        for ticket in self:
            # sudo: only the companies of the plan and contract are compared
            plan = ticket.support_plan_id.sudo()
            companies = plan.company_id | plan.contract_id.company_id
            if plan and companies != ticket.company_id:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s cannot be billed: its support plan "
                        "belongs to another company.",
                        ticket=ticket.display_name,
                    )
                )
        if not self.env.su:
            self.check_access("write")
            self.support_plan_id.check_access("read")
        elif self.env.user.share:
            # helpdesk_mgmt's portal closing runs in superuser mode on the
            # ticket id it is given: bill only tickets of that portal user
            self.with_user(self.env.user).check_access("read")

    def _prepare_billable_line(self):
        self.ensure_one()
        company = self.company_id
        # sudo: plan product and rate go on a draft line that billing reviews
        plan = self.support_plan_id.sudo()
        product = plan.billable_product_id or company.helpdesk_billable_product_id
        vals = {
            "name": self.env._(
                "Support: %(ticket)s (%(hours)s h)",
                ticket=self.display_name,
                hours=self.billable_hours,
            ),
            "quantity": self.billable_hours,
            "price_unit": plan.hourly_rate or company.helpdesk_hourly_rate,
            "helpdesk_ticket_id": self.id,
        }
        if product:
            vals["product_id"] = product.id
        return vals

    def _billing_contract(self):
        """The running contract that takes the line on its next invoice."""
        self.ensure_one()
        # sudo: the contract's invoicing dates, only to attach a draft line
        contract = self.contract_id.sudo()
        if (
            self.company_id.helpdesk_billing_mode != "separate"
            and contract.active
            and self.coverage_state in ("covered", "over_quota")
            and contract.recurring_next_date
        ):
            return contract
        return contract.browse()

    def _billing_draft(self, contract):
        """The contract's draft invoice that may take the ticket's hours.

        A draft dated before the month the ticket closed belongs to an
        earlier period (December's hours on September's invoice): it is
        left alone, and the hours wait for the contract's next invoice. Of
        the drafts that fit, the earliest.
        """
        self.ensure_one()
        drafts = contract._get_related_invoices().filtered(
            lambda m: m.state == "draft"
            and m.move_type == "out_invoice"
            and self._billing_fits(m)
        )
        return drafts.sorted(lambda m: (m.invoice_date or m.date, m.id))[:1]

    def _billing_fits(self, move):
        """The invoice is not dated before the month the ticket closed."""
        self.ensure_one()
        closed = fields.Date.to_date(self.closed_date) or fields.Date.context_today(
            self
        )
        return (move.invoice_date or move.date) >= closed.replace(day=1)

    def _create_billable_lines(self):
        """Draft lines for billing users to review.

        sudo: closing is a helpdesk event; helpdesk users have no accounting
        rights, and they only produce draft lines that billing validates.
        """
        for ticket in self:
            if not ticket.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s has billable hours but no customer; "
                        "set the customer before closing it.",
                        ticket=ticket.display_name,
                    )
                )
            contract = ticket._billing_contract()
            line_vals = ticket._prepare_billable_line()
            if contract:
                draft = ticket._billing_draft(contract)
                if draft:
                    draft.write({"invoice_line_ids": [Command.create(line_vals)]})
                    # sudo: the billing state of the ticket being closed
                    ticket.sudo().billing_state = "invoiced"
                else:
                    # sudo: the billing state of the ticket being closed
                    ticket.sudo().billing_state = "to_invoice"
                continue
            # sudo: a draft invoice for billing; the helpdesk user still cannot read it
            self.env["account.move"].sudo().with_company(ticket.company_id).create(
                {
                    "move_type": "out_invoice",
                    "company_id": ticket.company_id.id,
                    "partner_id": ticket.commercial_partner_id.id,
                    "invoice_origin": ticket.number,
                    "invoice_line_ids": [Command.create(line_vals)],
                }
            )
            # sudo: the billing state of the ticket being closed
            ticket.sudo().billing_state = "invoiced"

    @api.depends("invoice_line_ids")
    def _compute_invoice_count(self):
        for ticket in self:
            # sudo: a count only; opening the invoices applies the user's rights
            ticket.invoice_count = len(ticket.sudo().invoice_line_ids.move_id)

    def action_view_invoices(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        moves = self.invoice_line_ids.move_id
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"create": False}
        if len(moves) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = moves.id
        return action
