# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

from odoo import models

_logger = logging.getLogger(__name__)


class CrmRfmConfig(models.Model):
    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    def _cron_recompute(self):
        """The contact channels and the next offers are recomputed with the
        scores, once their run is over: a run out of time (a company still
        running) leaves them to the call that finishes it, instead of
        recomputing them in full at every call."""
        res = super()._cron_recompute()
        # sudo: the run state of every company's settings, whoever runs it
        if self.env["crm.rfm.config"].sudo().search_count([("state", "=", "running")]):
            _logger.info("RFM run not finished: contact channels and offers wait")
            return res
        count = self.env["res.partner"]._recompute_contact_channels()
        _logger.info("Contact channels recomputed for %s partners", count)
        companies = self.env["res.company"].search([])
        count = self.env["crm.next.offer"]._recompute(companies)
        _logger.info("%s next offers computed", count)
        return res
