# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models

from .crm_segmentation_finite import FiniteMonetary


class CrmSegmentSnapshotLine(models.Model):
    """One member of one segment as of the snapshot date.

    History outlives the segment: deleting a segment leaves its lines (the
    link is cleared, the segment's name as of the snapshot stays in
    ``segment_name``), so a snapshot's ``line_count`` keeps matching its
    lines and old migration matrices can still be computed."""

    _name = "crm.segment.snapshot.line"
    _description = "Segment Snapshot Line"
    _inherit = ["crm.segmentation.guard"]
    _order = "snapshot_id desc, segment_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    snapshot_id = fields.Many2one(
        "crm.segment.snapshot", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(readonly=True, index=True)
    # the snapshot's company (also written by the snapshot's INSERT)
    company_id = fields.Many2one(
        related="snapshot_id.company_id", store=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment_id = fields.Many2one(
        "crm.segment", readonly=True, ondelete="set null", check_company=True
    )
    segment_name = fields.Char(readonly=True)
    partner_id = fields.Many2one(
        "res.partner", readonly=True, ondelete="cascade", check_company=True
    )
    class_id = fields.Many2one(
        "crm.rfm.class", "RFM Class", readonly=True, check_company=True
    )
    rfm_code = fields.Char("RFM Code", readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    recency_days = fields.Integer(
        readonly=True,
        aggregator="avg",
        allow_negative=True,  # an invoice dated after the snapshot
    )
    frequency = fields.Integer("Invoices", readonly=True)
    monetary = FiniteMonetary("Net Revenue", readonly=True, allow_negative=True)
