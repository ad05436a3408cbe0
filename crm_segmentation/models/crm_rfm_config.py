# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

BIN_METHODS = [("quantile", "Quantiles"), ("fixed", "Fixed thresholds")]


def parse_thresholds(text):
    """'30, 90, 180, 365' -> [30.0, 90.0, 180.0, 365.0]; None if malformed.

    Python's float() also reads 'nan', 'inf' and '1e400': none of them is a
    threshold (NaN compares false with everything, so it even passes the
    increasing-order test)."""
    try:
        values = [float(part) for part in (text or "").split(",")]
    except ValueError:
        return None
    if not all(math.isfinite(value) for value in values):
        return None
    if len(values) != 4 or any(
        b <= a for a, b in zip(values, values[1:], strict=False)
    ):
        return None
    return values


class CrmRfmConfig(models.Model):
    """RFM settings of one company: how scores are binned, batch size and
    snapshot period. The recompute (``crm_rfm_recompute.py``) keeps its run
    state on the same row."""

    _name = "crm.rfm.config"
    _description = "RFM Settings"
    _inherit = ["mail.thread", "crm.segmentation.guard"]
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    recency_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    frequency_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    monetary_method = fields.Selection(
        BIN_METHODS, required=True, default="quantile", tracking=True
    )
    recency_thresholds = fields.Char(
        default="30,90,180,365",
        tracking=True,
        help="Four increasing numbers of days. At most the first gives score 5, "
        "above the last gives score 1.",
    )
    frequency_thresholds = fields.Char(
        default="1,2,4,8",
        tracking=True,
        help="Four increasing invoice counts. At most the first gives score 1, "
        "above the last gives score 5.",
    )
    monetary_thresholds = fields.Char(
        default="500,2000,10000,50000",
        tracking=True,
        help="Four increasing net amounts in company currency. At most the first "
        "gives score 1, above the last gives score 5.",
    )
    batch_size = fields.Integer(default=50000, tracking=True)
    snapshot_interval = fields.Integer(
        "Snapshot Every (days)", default=30, tracking=True
    )
    last_snapshot_date = fields.Date(readonly=True)

    _company_uniq = models.Constraint(
        "unique(company_id)", "There is one RFM setting per company."
    )

    @api.constrains("recency_thresholds", "frequency_thresholds", "monetary_thresholds")
    def _check_thresholds(self):
        for rec in self:
            for fname in (
                "recency_thresholds",
                "frequency_thresholds",
                "monetary_thresholds",
            ):
                if parse_thresholds(rec[fname]) is None:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be four increasing numbers separated "
                            "by commas, e.g. 30,90,180,365 (got %(value)r).",
                            field=rec._fields[fname].get_description(self.env)[
                                "string"
                            ],
                            value=rec[fname] or "",
                        )
                    )

    @api.constrains("batch_size", "snapshot_interval")
    def _check_positive(self):
        for rec in self:
            if rec.batch_size < 1 or rec.snapshot_interval < 1:
                raise ValidationError(
                    self.env._("Batch size and snapshot interval must be positive.")
                )
            if max(rec.batch_size, rec.snapshot_interval) > 2**31 - 1:
                raise ValidationError(
                    self.env._(
                        "Batch size and snapshot interval cannot exceed %s.",
                        2**31 - 1,
                    )
                )

    @api.model
    def _get_for_company(self, company):
        # sudo: the given company's row only; returned with the caller's rights
        config = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not config:
            # sudo: every company needs its settings row, even when the
            # current user only reads scores.
            config = self.sudo().create({"company_id": company.id})
        return config.with_env(self.env)

    @api.model
    def _cron_snapshots(self):
        """Take a snapshot per company whose period has elapsed."""
        today = fields.Date.context_today(self)
        Snapshot = self.env["crm.segment.snapshot"]
        for company in self.env["res.company"].search([]):
            config = self._get_for_company(company)
            last = config.last_snapshot_date
            if last and (today - last).days < config.snapshot_interval:
                continue
            Snapshot.with_company(company).create(
                {"company_id": company.id, "trigger": "cron"}
            ).action_take()
            self.env["ir.cron"]._commit_progress(1)
