# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import json

from odoo import fields
from odoo.http import content_disposition, request, route

from odoo.addons.report_xlsx.controllers.main import ReportController

KPI_XLSX = "crm_pipeline_ext.salesperson_kpi_xlsx"


def download_is_readonly(_controller, _rule, _args):
    """Whether /report/download may run on a read-only replica: for a
    workbook whose report model says it only reads (``_readonly_download``).
    Any other download keeps core's read/write cursor. (crm_segmentation
    holds the same rule for its own workbooks: the addons install apart.)"""
    try:
        url, report_type = json.loads(request.httprequest.form.get("data", ""))[:2]
    except (ValueError, TypeError):
        return False
    if report_type != "xlsx" or not isinstance(url, str):
        return False
    name = url.partition("/report/xlsx/")[2].split("?")[0].split("/")[0]
    report = request.env.registry.get(f"report.{name}")
    return bool(getattr(report, "_readonly_download", False))


class SalespersonKpiReportController(ReportController):
    @route(readonly=download_is_readonly)
    def report_download(self, data, context=None, token=None, readonly=True):
        return super().report_download(data, context, token=token, readonly=readonly)

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
