# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Which situation raised an upsell: written by the upsell rules only.
UPSELL_FIELDS = ("upsell_key", "upsell_rule")
UPSELL_KEY_INDEX = "crm_lead_upsell_key_uniq"  # {table}_{attribute}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    helpdesk_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Support Ticket",
        index="btree_not_null",
        copy=False,
        check_company=True,
    )
    support_contract_id = fields.Many2one(
        "contract.contract", index="btree_not_null", copy=False, check_company=True
    )
    upsell_rule = fields.Selection(
        [
            ("over_quota", "Over quota"),
            ("uncovered", "Uncovered tickets"),
            ("expiry", "Contract expiring"),
        ],
        readonly=True,
        copy=False,
    )
    upsell_key = fields.Char(
        readonly=True,
        copy=False,
        help="Identifies the situation that raised the opportunity, so that "
        "it is raised only once.",
    )

    _upsell_key_uniq = models.UniqueIndex(
        "(upsell_key) WHERE upsell_key IS NOT NULL",
        "This upsell situation already has an opportunity.",
    )

    def _check_upsell_bookkeeping(self, vals_list, create=False):
        """Only the upsell rules (server code in superuser mode) set these.

        A client that could write a key would claim the situation first and
        so suppress the real opportunity, in any company.
        """
        if self.env.su:
            return
        given = any(name in vals for vals in vals_list for name in UPSELL_FIELDS)
        if create:
            given = given or any(
                f"default_{name}" in self.env.context for name in UPSELL_FIELDS
            )
        if given:
            raise UserError(
                self.env._(
                    "The upsell rule and key of an opportunity are set by the "
                    "support upsell rules only."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_upsell_bookkeeping(vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._check_upsell_bookkeeping([vals])
        return super().write(vals)

    @api.model
    def _create_upsell(
        self,
        key,
        rule,
        name,
        partner,
        contract,
        ticket=None,
        plan=None,
        description=None,
    ):
        """Create the opportunity of one situation once.

        sudo: the rule fires from helpdesk work (e-mail, portal, helpdesk
        users without CRM rights); the opportunity goes to the salesperson.
        Archived and lost opportunities count, so a lost one is not raised again.

        The opportunity carries the plan's price as expected revenue, the
        description of what raised it, and a to-do for the salesperson.

        Concurrent transactions may raise the same situation at once: the key
        is claimed in a savepoint, and the one that loses the unique index
        rolls back its opportunity and goes on without it. The winner's
        opportunity is committed, but invisible to this transaction's
        snapshot, so nothing is returned then.
        """
        # sudo: a system opportunity for the salesperson; the caller reads none of it
        Lead = self.sudo().with_context(active_test=False)
        existing = Lead.search([("upsell_key", "=", key)], limit=1)
        if existing:
            return existing
        # sudo: only the contract's company and salesperson, to route the opportunity
        contract = contract.sudo()
        company = contract.company_id or (ticket and ticket.company_id)
        salesperson = partner.user_id or contract.user_id
        vals = {
            "name": name,
            "type": "opportunity",
            "partner_id": partner.id,
            "user_id": salesperson.id or False,
            "company_id": company.id if company else False,
            "helpdesk_ticket_id": ticket.id if ticket else False,
            "support_contract_id": contract.id or False,
            "upsell_rule": rule,
            "description": description or False,
        }
        if plan:
            # sudo: the plan's price, which the opportunity is about
            vals["expected_revenue"] = plan.sudo()._upsell_price()
        try:
            with self.env.cr.savepoint():
                lead = Lead.with_company(company or self.env.company).create(vals)
                lead.flush_recordset()
                self.env.cr.execute(
                    SQL(
                        "UPDATE crm_lead SET upsell_key = %s WHERE id = %s",
                        key,
                        lead.id,
                    ),
                    log_exceptions=False,
                )
        except errors.UniqueViolation as exc:
            if exc.diag.constraint_name != UPSELL_KEY_INDEX:
                raise
            _logger.info("Upsell %s was raised by a concurrent transaction", key)
            return Lead.browse()
        lead.invalidate_recordset(["upsell_key"])
        if salesperson:
            lead.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=name,
                note=description or False,
                user_id=salesperson.id,
            )
        return lead

    def action_view_helpdesk_ticket(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.helpdesk_ticket_id.id,
            "view_mode": "form",
        }

    def action_view_support_contract(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.contract",
            "res_id": self.support_contract_id.id,
            "view_mode": "form",
        }
