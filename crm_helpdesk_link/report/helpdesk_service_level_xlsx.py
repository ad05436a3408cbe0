# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

# The rows' columns, as the list shows them.
COLUMNS = [
    "date",
    "name",
    "partner_id",
    "team_id",
    "support_plan_id",
    "contract_id",
    "priority",
    "closed",
    "response_hours",
    "resolution_hours",
    "sla_paused_hours",
    "breach_count",
    "csat_rating",
    "company_id",
]
# The figures of each grouping sheet: (field, aggregate).
MEASURES = [
    ("ticket_count", "sum"),
    ("response_hours", "avg"),
    ("resolution_hours", "avg"),
    ("breach_count", "sum"),
    ("breach_rate", "avg"),
    ("rated_count", "sum"),
    ("csat", "avg"),
]
# Times left blank when there is nothing to measure (no response yet, open).
BLANK_ZERO = ("response_hours", "resolution_hours")
# The groupings of the report's search view: one sheet each.
GROUPINGS = ["team_id", "support_plan_id", "partner_id", "date:month"]


class HelpdeskServiceLevelXlsx(models.AbstractModel):
    _name = "report.crm_helpdesk_link.service_level_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Service Levels XLSX"
    # rendering only reads: served by a read-only replica when Odoo has one
    _readonly_download = True

    def get_workbook_options(self):
        # a subject such as "=HYPERLINK(...)" is text, never a formula or a link
        options = dict(super().get_workbook_options())
        options.update(strings_to_formulas=False, strings_to_urls=False)
        return options

    def _label(self, objs, name):
        return objs._fields[name].get_description(self.env)["string"]

    def generate_xlsx_report(self, workbook, data, objs):
        """A sheet of the rows, then one per grouping (team, plan, customer,
        month) with the report's figures, each grouped in one query. Text
        is written with write_string, numbers with write_number: what users
        typed is never a formula."""
        formats = {
            "bold": workbook.add_format({"bold": True}),
            "number": workbook.add_format({"num_format": "#,##0.00"}),
            "stamp": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        self._write_rows(workbook, objs, formats)
        for groupby in GROUPINGS:
            self._write_grouping(workbook, objs, groupby, formats)

    def _write_cell(self, sheet, row, col, rec, name, formats):
        field = rec._fields[name]
        value = rec[name]
        if field.type == "many2one":
            sheet.write_string(row, col, value.display_name or "")
        elif field.type == "datetime" and value:
            sheet.write_datetime(row, col, value, formats["stamp"])
        elif field.type == "selection":
            labels = dict(field._description_selection(self.env))
            sheet.write_string(row, col, labels.get(value, ""))
        elif field.type == "boolean":
            sheet.write_boolean(row, col, bool(value))
        elif field.type in ("float", "integer") and (value or name not in BLANK_ZERO):
            sheet.write_number(row, col, value or 0, formats["number"])
        else:
            sheet.write_blank(row, col, None)  # nothing to measure

    def _write_rows(self, workbook, objs, formats):
        sheet = workbook.add_worksheet(self.env._("Tickets"))
        for col, name in enumerate(COLUMNS):
            sheet.write_string(0, col, self._label(objs, name), formats["bold"])
        for row, rec in enumerate(objs, 1):
            for col, name in enumerate(COLUMNS):
                if name == "name":
                    sheet.write_string(row, col, rec.name or "")
                else:
                    self._write_cell(sheet, row, col, rec, name, formats)
        sheet.set_column(0, len(COLUMNS) - 1, 16)

    def _write_grouping(self, workbook, objs, groupby, formats):
        titles = {
            "team_id": self.env._("By Team"),
            "support_plan_id": self.env._("By Plan"),
            "partner_id": self.env._("By Customer"),
            "date:month": self.env._("By Month"),
        }
        sheet = workbook.add_worksheet(titles[groupby])
        fname = groupby.split(":")[0]
        sheet.write_string(0, 0, self._label(objs, fname), formats["bold"])
        for col, (name, _func) in enumerate(MEASURES, 1):
            sheet.write_string(0, col, self._label(objs, name), formats["bold"])
        groups = objs._read_group(
            [("id", "in", objs.ids)],
            [groupby],
            [f"{name}:{func}" for name, func in MEASURES],
            order=groupby,
        )
        for row, (key, *values) in enumerate(groups, 1):
            if groupby == "date:month":
                label = key.strftime("%Y-%m") if key else ""
            else:
                label = key.display_name or self.env._("None")
            sheet.write_string(row, 0, label)
            for col, value in enumerate(values, 1):
                if value is None or value is False:
                    sheet.write_blank(row, col, None)
                else:
                    sheet.write_number(row, col, value, formats["number"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(MEASURES), 16)
