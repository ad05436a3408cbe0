# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

COLUMNS = [
    ("partner_id", "Customer"),
    ("email", "Email"),
    ("country_id", "Country"),
    ("salesperson_id", "Salesperson"),
    ("recency_days", "Recency (days)"),
    ("frequency", "Invoices"),
    ("monetary", "Net Revenue"),
    ("r_score", "R"),
    ("f_score", "F"),
    ("m_score", "M"),
    ("rfm_code", "RFM Code"),
    ("class_id", "RFM Class"),
]


class SegmentMembersXlsx(models.AbstractModel):
    _name = "report.crm_segmentation.segment_members_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Segment Members XLSX"

    def generate_xlsx_report(self, workbook, data, segments):
        bold = workbook.add_format({"bold": True})
        used = set()
        for segment in segments:
            title = (segment.name or "Segment")[:28]
            for char in "[]:*?/\\":
                title = title.replace(char, " ")
            while title in used:
                title = title[:25] + f"_{len(used)}"
            used.add(title)
            sheet = workbook.add_worksheet(title)
            fields_info = segment.member_ids._fields
            for col, (fname, _label) in enumerate(COLUMNS):
                sheet.write(
                    0, col, fields_info[fname].get_description(self.env)["string"], bold
                )
            for row, member in enumerate(segment.member_ids, start=1):
                for col, (fname, _label) in enumerate(COLUMNS):
                    value = member[fname]
                    if isinstance(value, models.BaseModel):
                        value = value.display_name or ""
                    sheet.write(row, col, value or ("" if value is False else value))
