# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models

COLUMNS = [
    "date",
    "lead_id",
    "competitor_id",
    "categ_id",
    "tag_id",
    "territory_id",
    "user_id",
    "team_id",
    "company_id",
    "lost_reason_id",
    "won_count",
    "won_amount",
    "lost_count",
    "lost_amount",
    "win_rate",
]


class CrmWinLossXlsx(models.AbstractModel):
    """The win/loss rows as a workbook: the KPI workbook's writer (text as
    text, numbers as numbers, the month as a date cell) on other columns."""

    _name = "report.crm_pipeline_ext.win_loss_xlsx"
    _inherit = "report.crm_pipeline_ext.salesperson_kpi_xlsx"
    _description = "Win/Loss XLSX"
    _readonly_download = True

    def _xlsx_layout(self):
        return self.env._("Win-Loss"), COLUMNS, lambda r: (r.date, r.lead_id.id)
