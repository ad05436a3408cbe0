# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import json

from odoo.http import request, route

from odoo.addons.report_xlsx.controllers.main import ReportController


def download_is_readonly(_controller, _rule, _args):
    """Whether /report/download may run on a read-only replica: for a
    workbook whose report model says it only reads (``_readonly_download``).
    Any other download keeps core's read/write cursor. (crm_pipeline_ext
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


class SegmentReportController(ReportController):
    @route(readonly=download_is_readonly)
    def report_download(self, data, context=None, token=None, readonly=True):
        return super().report_download(data, context, token=token, readonly=readonly)
