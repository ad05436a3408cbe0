# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models
from odoo.exceptions import ValidationError

# What makes a lead lost (archived at 0%), or changes whether it needs a reason
LOST_FIELDS = frozenset({"active", "probability", "lost_reason_id", "company_id"})


class CrmLead(models.Model):
    """A lost opportunity says why it was lost, in the companies that ask for
    it (docs/decisions/lost_reason.md). Checked on the saved lead, so the
    wizard, a write of active/probability, an import or RPC all meet it."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    def _check_lost_reason(self):
        # Code running as superuser (merges, crons, other modules' automated
        # closing) is trusted to close leads: a user's request never runs so.
        # Not an @api.constrains: those always run as superuser.
        if self.env.su:
            return
        for lead in self:
            company = lead.company_id or self.env.company
            if (
                lead.won_status == "lost"
                and not lead.lost_reason_id
                and company.crm_lost_reason_required
            ):
                raise ValidationError(
                    self.env._(
                        'Give a lost reason to mark "%(lead)s" as lost.',
                        lead=lead.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._check_lost_reason()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if not LOST_FIELDS.isdisjoint(vals):
            self._check_lost_reason()
        return result

    def action_set_lost(self, **additional_values):
        # The reason first: core archives before it writes the reason, and a
        # lead whose probability is already 0 is lost as soon as archived.
        if additional_values.get("lost_reason_id"):
            self.write({"lost_reason_id": additional_values["lost_reason_id"]})
        return super().action_set_lost(**additional_values)
