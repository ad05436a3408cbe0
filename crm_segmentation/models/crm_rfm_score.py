# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_segmentation_finite import FiniteMonetary


class CrmRfmScore(models.Model):
    """One row per customer and company, written only by the set-based
    recompute of crm.rfm.config."""

    _name = "crm.rfm.score"
    _description = "RFM Score"
    _inherit = ["crm.segmentation.guard"]
    _order = "monetary desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    recency_days = fields.Integer(
        compute="_compute_recency_days",
        allow_negative=True,  # an invoice dated in the future
        help="Days since the last invoice, as of today.",
    )
    frequency = fields.Integer("Invoices", readonly=True)
    refund_count = fields.Integer("Refunds", readonly=True)
    monetary = FiniteMonetary("Net Revenue", readonly=True, allow_negative=True)
    first_invoice_date = fields.Date(readonly=True)
    last_invoice_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rfm_code = fields.Char("RFM Code", readonly=True, index=True)
    class_id = fields.Many2one(
        "crm.rfm.class",
        "RFM Class",
        readonly=True,
        ondelete="set null",
        index=True,
        check_company=True,
    )
    computed_at = fields.Datetime(
        readonly=True,
        help="When a recompute last changed these metrics. The date of the last "
        "run is on the RFM settings.",
    )
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    country_id = fields.Many2one(related="partner_id.country_id")

    @api.depends("last_invoice_date")
    def _compute_recency_days(self):
        # not stored: a stored "days since" would have to be rewritten for
        # every customer every day
        today = fields.Date.context_today(self)
        for score in self:
            last = score.last_invoice_date
            score.recency_days = (today - last).days if last else False

    @api.model
    def _recency_sql(self, alias, date):
        """SQL of the recency of the score rows ``alias`` as of ``date``, the
        stored counterpart of ``recency_days``."""
        return SQL("(%s::date - %s)", date, SQL.identifier(alias, "last_invoice_date"))

    _partner_company_uniq = models.Constraint(
        "unique(partner_id, company_id)",
        "A customer has one RFM score per company.",
    )
