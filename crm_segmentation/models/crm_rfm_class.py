# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


def first_invalid_rfm_range(records):
    """Return the first of ``records`` (RFM classes, segments: anything with
    r/f/m_min and r/f/m_max) whose R, F or M range is not
    ``1 <= min <= max <= 5``; an empty recordset when all are valid."""
    return records.filtered(
        lambda rec: not all(
            1 <= low <= high <= 5
            for low, high in (
                (rec.r_min, rec.r_max),
                (rec.f_min, rec.f_max),
                (rec.m_min, rec.m_max),
            )
        )
    )[:1]


class CrmRfmClass(models.Model):
    """Maps RFM codes to a named class: the first class (by sequence) whose
    ranges contain the R, F and M scores wins."""

    _name = "crm.rfm.class"
    _description = "RFM Class"
    _inherit = ["mail.thread", "crm.segmentation.guard"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(help="Technical key, e.g. champions, at_risk.")
    sequence = fields.Integer(default=10, tracking=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the class in every company."
    )
    r_min = fields.Integer("Recency From", default=1, tracking=True)
    r_max = fields.Integer("Recency To", default=5, tracking=True)
    f_min = fields.Integer("Frequency From", default=1, tracking=True)
    f_max = fields.Integer("Frequency To", default=5, tracking=True)
    m_min = fields.Integer("Monetary From", default=1, tracking=True)
    m_max = fields.Integer("Monetary To", default=5, tracking=True)
    description = fields.Text(translate=True)

    @api.constrains("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")
    def _check_ranges(self):
        bad = first_invalid_rfm_range(self)
        if bad:
            raise ValidationError(
                self.env._(
                    "RFM class %(name)s: every range must go from a score "
                    "to a higher or equal score, between 1 and 5.",
                    name=bad.name,
                )
            )
