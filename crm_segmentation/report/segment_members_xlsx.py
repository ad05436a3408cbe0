# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math
import re

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

# Excel's rules for a sheet name: at most 31 characters, none of []:*?/\
# (nor control characters), no apostrophe at either end, unique without
# regard to case, and not the reserved name "History".
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


def sheet_title(name, used):
    """A valid sheet title for ``name`` that is not in ``used`` (a set of
    lowercased titles, updated). Always terminates: the numbered candidates
    ``<base>_2``, ``<base>_3``, ... are all different, and at most
    ``len(used)`` of them can be taken."""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", name or "").strip().strip("'").strip()
    base = base[:SHEET_TITLE_MAX].rstrip("'") or "Segment"
    if base.lower() == "history":
        base = "Segment History"
    title, number = base, 1
    while title.lower() in used:
        number += 1
        suffix = f"_{number}"
        title = base[: SHEET_TITLE_MAX - len(suffix)].rstrip("'") + suffix
    used.add(title.lower())
    return title


def write_cell(sheet, row, col, value, cell_format=None):
    """Numbers as numbers, everything else as text: a value never becomes
    a formula or a link, whatever it starts with (a partner named
    ``=HYPERLINK(...)`` stays that text)."""
    if value is None or value is False:
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float) and math.isfinite(value):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


class SegmentMembersXlsx(models.AbstractModel):
    _name = "report.crm_segmentation.segment_members_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Segment Members XLSX"
    # rendering only reads: served by a read-only replica when Odoo has one
    _readonly_download = True

    def get_workbook_options(self):
        # belt and braces with write_cell: no text is turned into a formula
        # or a link by xlsxwriter
        options = dict(super().get_workbook_options())
        options.update(strings_to_formulas=False, strings_to_urls=False)
        return options

    def generate_xlsx_report(self, workbook, data, segments):
        bold = workbook.add_format({"bold": True})
        used = set()
        for segment in segments:
            sheet = workbook.add_worksheet(sheet_title(segment.name, used))
            fields_info = segment.member_ids._fields
            for col, (fname, _label) in enumerate(COLUMNS):
                label = fields_info[fname].get_description(self.env)["string"]
                write_cell(sheet, 0, col, label, bold)
            for row, member in enumerate(segment.member_ids, start=1):
                for col, (fname, _label) in enumerate(COLUMNS):
                    value = member[fname]
                    if isinstance(value, models.BaseModel):
                        value = value.display_name or False
                    write_cell(sheet, row, col, value)
