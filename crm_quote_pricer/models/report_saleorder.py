# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models


class ReportSaleOrder(models.AbstractModel):
    _inherit = "report.sale.report_saleorder"

    @api.model
    def _get_report_values(self, docids, data=None):
        self.env["sale.order"].browse(docids)._pricer_check_approved(
            self.env._("printed")
        )
        return super()._get_report_values(docids, data=data)
