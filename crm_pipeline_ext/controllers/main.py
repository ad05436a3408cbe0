# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import fields
from odoo.http import content_disposition, request, route

from odoo.addons.report_xlsx.controllers.main import ReportController

KPI_XLSX = "crm_pipeline_ext.salesperson_kpi_xlsx"


class SalespersonKpiReportController(ReportController):
    @route()
    def report_routes(self, reportname, docids=None, converter=None, **data):
        """The KPI workbook is named after the day it was taken, whatever
        the number of rows (report_xlsx dates only single-record files)."""
        response = super().report_routes(reportname, docids, converter, **data)
        if converter == "xlsx" and reportname == KPI_XLSX:
            name = request.env._("Salesperson KPIs")
            today = fields.Date.context_today(request.env.user)
            response.headers["Content-Disposition"] = content_disposition(
                f"{name} {today.isoformat()}.xlsx"
            )
        return response
