# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models

from .numeric_guard import FiniteMonetary

COMPETITOR_OUTCOMES = [
    ("won_us", "Won by us"),
    ("won_them", "Won by them"),
    ("no_decision", "No decision"),
]


class CrmLeadCompetitor(models.Model):
    """A competitor met on an opportunity: their price and who won."""

    _name = "crm.lead.competitor"
    _description = "Competitor on an Opportunity"
    _order = "lead_id, id"
    _check_company_auto = True
    _rec_name = "competitor_id"

    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
    )
    competitor_id = fields.Many2one(
        "crm.competitor",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="lead_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(
        related="lead_id.company_currency",
        string="Currency",
        help="The opportunity's currency.",
    )
    price = FiniteMonetary(
        string="Their Price",
        currency_field="currency_id",
        help="What the competitor offered, in the opportunity's currency.",
    )
    outcome = fields.Selection(
        COMPETITOR_OUTCOMES,
        help="Who won the deal against this competitor; empty while it is open.",
    )
    note = fields.Char(help="What made the difference.")
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson")
    lead_won_status = fields.Selection(
        related="lead_id.won_status", string="Opportunity Status"
    )

    _lead_competitor_uniq = models.Constraint(
        "UNIQUE(lead_id, competitor_id)",
        "This competitor is already on the opportunity.",
    )
    _price_positive = models.Constraint(
        "CHECK(price IS NULL OR price >= 0)",
        "A competitor's price cannot be negative.",
    )
