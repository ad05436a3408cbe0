# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

COLUMNS = [
    "date",
    "user_id",
    "team_id",
    "lead_count",
    "activity_count",
    "call_count",
    "meeting_count",
    "email_count",
    "quote_count",
    "won_count",
    "won_amount",
    "lost_count",
    "conversion_rate",
    "avg_cycle_days",
    "avg_first_activity_hours",
    "revenue_per_activity",
]


class CrmSalespersonKpiXlsx(models.AbstractModel):
    _name = "report.crm_pipeline_ext.salesperson_kpi_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Salesperson KPIs XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        sheet = workbook.add_worksheet(self.env._("Salesperson KPIs"))
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "#,##0.00"})
        fields_ = objs._fields
        for col, name in enumerate(COLUMNS):
            sheet.write(0, col, fields_[name].get_description(self.env)["string"], bold)
        for row, rec in enumerate(
            objs.sorted(lambda r: (r.date, r.user_id.name or "")), 1
        ):
            for col, name in enumerate(COLUMNS):
                value = rec[name]
                if fields_[name].type == "many2one":
                    sheet.write(row, col, value.display_name or "")
                elif fields_[name].type == "date":
                    sheet.write(row, col, value.isoformat() if value else "")
                elif fields_[name].type == "float":
                    sheet.write_number(row, col, value, number)
                else:
                    sheet.write(row, col, value)
        sheet.set_column(0, len(COLUMNS) - 1, 14)
