# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    helpdesk_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Support Ticket", index="btree_not_null", copy=False
    )
    support_contract_id = fields.Many2one(
        "contract.contract", index="btree_not_null", copy=False
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

    @api.model
    def _create_upsell(self, key, rule, name, partner, contract, ticket=None):
        """Create the opportunity of one situation once.

        sudo: the rule fires from helpdesk work (e-mail, portal, helpdesk
        users without CRM rights); the opportunity goes to the salesperson.
        Archived and lost opportunities count, so a lost one is not raised again.
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
        return Lead.with_company(company or self.env.company).create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": partner.id,
                "user_id": salesperson.id or False,
                "company_id": company.id if company else False,
                "helpdesk_ticket_id": ticket.id if ticket else False,
                "support_contract_id": contract.id or False,
                "upsell_rule": rule,
                "upsell_key": key,
            }
        )

    def action_view_helpdesk_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.helpdesk_ticket_id.id,
            "view_mode": "form",
        }

    def action_view_support_contract(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.contract",
            "res_id": self.support_contract_id.id,
            "view_mode": "form",
        }
