# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .review_guard import is_review_change_allowed, review_change_allowed

GUARDED_MODEL = "sale.order"


class TierReview(models.Model):
    _inherit = "tier.review"

    pricer_seal = fields.Char(
        string="Approval Seal",
        readonly=True,
        copy=False,
        help="Fingerprint of the quote as it was approved, left by the approver's "
        "Validate: a quote changed since, or an approval written any other way, "
        "does not pass the discount-authority gate.",
    )

    def _pricer_is_authority(self):
        """Whether this is a review of the discount-authority tier."""
        self.ensure_one()
        return (
            self.model == GUARDED_MODEL
            and self.definition_id.reviewer_field_id.name == "pricer_approver_ids"
        )

    def _pricer_check_guard(self, vals=None):
        """Reviews of quotes change only through the quote's decision paths.

        base_tier_validation lets every internal user write any review; a
        quote's approval must not be one write away from its salesperson.
        """
        if self.env.su:
            return
        if vals and "pricer_seal" in vals:
            raise AccessError(
                self.env._("The approval seal of a review is not editable.")
            )
        if is_review_change_allowed():
            return
        # sudo: which document the reviews are about, whatever the caller may read
        guarded = GUARDED_MODEL in self.sudo().mapped("model") or (
            vals and vals.get("model") == GUARDED_MODEL
        )
        if guarded:
            raise AccessError(
                self.env._(
                    "The reviews of a quote change only through its Request "
                    "Validation, Validate and Reject buttons."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._pricer_check_guard(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._pricer_check_guard(vals)
        return super().write(vals)

    def unlink(self):
        self._pricer_check_guard()
        return super().unlink()

    def _update_review_status(self):
        # promotes waiting reviews by base_tier_validation's own sequence
        # logic (also from the reviewer's systray counter): no decision
        with review_change_allowed():
            return super()._update_review_status()

    def _send_review_reminder(self):
        # the reminder cron notes when it last reminded: no decision
        with review_change_allowed():
            return super()._send_review_reminder()
