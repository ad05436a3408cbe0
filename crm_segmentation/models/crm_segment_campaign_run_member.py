# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models

from .crm_segmentation_finite import FiniteFloat, FiniteMonetary


class CrmSegmentCampaignRunMember(models.Model):
    """A member of a measured campaign, its group, and what it did in the
    window after the send: the campaign's report (pivot, graph, list).

    Written by the campaign's split and measure in SQL: clients only read
    them (security/ir.model.access)."""

    _name = "crm.segment.campaign.run.member"
    _description = "Measured Campaign Member"
    _inherit = ["crm.segmentation.guard"]
    _order = "campaign_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "crm.segment.campaign.run",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    group = fields.Selection(
        [("treated", "Treated"), ("holdout", "Holdout")],
        required=True,
        readonly=True,
        index=True,
    )
    converted = fields.Boolean(
        readonly=True,
        help="A posted customer invoice dated in the window after the send.",
    )
    conversion = FiniteFloat(
        "Conversion (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="100 for a converted member, else 0: averaged over a group, the "
        "group's conversion rate.",
    )
    revenue = FiniteMonetary(
        readonly=True,
        allow_negative=True,
        help="Posted invoices minus refunds in the window, untaxed, in the "
        "company currency.",
    )
    # the same figure, averaged over a group
    revenue_per_member = FiniteMonetary(
        "Revenue per Member", readonly=True, allow_negative=True, aggregator="avg"
    )
    invoice_count = fields.Integer("Invoices", readonly=True)

    _campaign_partner_uniq = models.Constraint(
        "unique(campaign_id, partner_id)", "A partner is once in a campaign."
    )
