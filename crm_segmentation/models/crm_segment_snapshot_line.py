# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields, models


class CrmSegmentSnapshotLine(models.Model):
    _name = "crm.segment.snapshot.line"
    _description = "Segment Snapshot Line"
    _order = "snapshot_id desc, segment_id, partner_id"
    _rec_name = "partner_id"

    snapshot_id = fields.Many2one(
        "crm.segment.snapshot", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment_id = fields.Many2one("crm.segment", readonly=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", readonly=True, ondelete="cascade")
    class_id = fields.Many2one("crm.rfm.class", "RFM Class", readonly=True)
    rfm_code = fields.Char("RFM Code", readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    recency_days = fields.Integer(readonly=True, aggregator="avg")
    frequency = fields.Integer("Invoices", readonly=True)
    monetary = fields.Monetary("Net Revenue", readonly=True)
