# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime, time

from odoo import models

COLUMNS = [
    "date",
    "user_id",
    "team_id",
    "company_id",
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
    "target_won_amount",
    "won_attainment",
]
HEADERS = {"date": "month_label"}


class CrmSalespersonKpiXlsx(models.AbstractModel):
    _name = "report.crm_pipeline_ext.salesperson_kpi_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Salesperson KPIs XLSX"
    # rendering only reads: served by a read-only replica when Odoo has one
    _readonly_download = True

    def get_workbook_options(self):
        # a name such as "=HYPERLINK(...)" is text, never a formula or a link
        options = dict(super().get_workbook_options())
        options.update(strings_to_formulas=False, strings_to_urls=False)
        return options

    def _xlsx_layout(self):
        """(sheet name, columns, sort key of the rows) of the workbook."""
        return (
            self.env._("Salesperson KPIs"),
            COLUMNS,
            lambda r: (r.date, r.user_id.name or ""),
        )

    def generate_xlsx_report(self, workbook, data, objs):
        """Every text cell is written with write_string, every number with
        write_number: what users typed (names, teams) is never a formula."""
        title, columns, key = self._xlsx_layout()
        sheet = workbook.add_worksheet(title)
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "#,##0.00"})
        # a real date cell (sortable, filterable), shown as the month
        month = workbook.add_format({"num_format": "mmm yyyy"})
        fields_ = objs._fields
        for col, name in enumerate(columns):
            # the date cell is the month: headed like the list's Month column
            label = fields_[HEADERS.get(name, name)].get_description(self.env)
            sheet.write_string(0, col, label["string"], bold)
        for row, rec in enumerate(objs.sorted(key), 1):
            for col, name in enumerate(columns):
                value = rec[name]
                kind = fields_[name].type
                if kind == "many2one":
                    sheet.write_string(row, col, value.display_name or "")
                elif kind == "date":
                    if value:
                        sheet.write_datetime(
                            row, col, datetime.combine(value, time()), month
                        )
                    else:
                        sheet.write_blank(row, col, None)
                elif kind == "float":
                    sheet.write_number(row, col, value or 0.0, number)
                elif kind == "integer":
                    sheet.write_number(row, col, value or 0)
                else:
                    sheet.write_string(row, col, str(value or ""))
        sheet.set_column(0, len(columns) - 1, 14)
