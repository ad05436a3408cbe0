# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    def crm_timeline(self, filters=None, offset=0, limit=40):
        """The timeline of the opportunity's customer (empty without one)."""
        self.ensure_one()
        self.check_access("read")
        partner = self.partner_id
        if not partner:
            self.env["res.partner"]._crm_timeline_check_input(filters, offset, limit)
            return {
                "entries": [],
                "total": 0,
                "offset": offset,
                "limit": limit,
                "labels": self.env["res.partner"]._crm_timeline_labels(),
            }
        return partner.crm_timeline(filters=filters, offset=offset, limit=limit)
