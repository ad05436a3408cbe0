# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_segmentation_finite import FiniteMonetary


class CrmSegmentMember(models.Model):
    """Materialized membership: lists, counts, exports and mailings read this
    table instead of evaluating the segment rules again.

    Members are bookkeeping of the segment's compute, which writes them in
    SQL: no client may create them or change them (security/ir.model.access:
    managers read and remove, nobody creates or writes). Their related fields
    show the partner's e-mail and the score's figures to every reader of the
    segment, so a member must be one of the segment's company and its score
    that member's own score in that company; the constraints below hold this
    for superuser code too."""

    _name = "crm.segment.member"
    _description = "Segment Member"
    _inherit = ["crm.segmentation.guard"]
    _order = "segment_id, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    segment_id = fields.Many2one(
        "crm.segment", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="segment_id.company_id", store=True, index=True
    )
    # indexed: deleting RFM scores sets this to NULL, which without an index
    # scans the members table once per deleted score
    score_id = fields.Many2one(
        "crm.rfm.score",
        ondelete="set null",
        check_company=True,
        index="btree_not_null",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    email = fields.Char(related="partner_id.email")
    country_id = fields.Many2one(related="partner_id.country_id")
    salesperson_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")
    recency_days = fields.Integer(related="score_id.recency_days")
    frequency = fields.Integer(related="score_id.frequency")
    monetary = FiniteMonetary(related="score_id.monetary")
    r_score = fields.Integer(related="score_id.r_score")
    f_score = fields.Integer(related="score_id.f_score")
    m_score = fields.Integer(related="score_id.m_score")
    rfm_code = fields.Char(related="score_id.rfm_code")
    class_id = fields.Many2one(related="score_id.class_id")

    _segment_partner_uniq = models.Constraint(
        "unique(segment_id, partner_id)", "A partner is once in a segment."
    )

    @api.constrains("partner_id", "score_id", "segment_id")
    def _check_score_is_the_members(self):
        for member in self:
            score = member.score_id
            if score and score.partner_id != member.partner_id:
                raise ValidationError(
                    self.env._("A segment member can only carry its own RFM score.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members.segment_id._refresh_member_count()
        return members

    def unlink(self):
        segments = self.segment_id
        res = super().unlink()
        segments.exists()._refresh_member_count()
        return res
