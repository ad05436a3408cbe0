# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmPipelineReportMixin(models.AbstractModel):
    """What the addon's SQL reports share: ratios summed as the ratio of
    their sums, and the XLSX export of the rows called on."""

    _name = "crm.pipeline.report.mixin"
    _description = "Pipeline Report: Ratios and Workbook"

    # {ratio field: (numerator field, denominator field, factor)}; a ratio
    # listed in _report_ratios_empty is empty, not 0, without a denominator
    _report_ratios = {}
    _report_ratios_empty = ()
    # xmlid of the report's ir.actions.report (XLSX)
    _report_xlsx = None

    @api.readonly
    def action_export_xlsx(self):
        """The workbook of these rows, or, called on none (the report's menu:
        the pivot has no selection to export from), of every row the user
        may read."""
        if not self._report_xlsx:
            raise UserError(self.env._("%s has no workbook export.", self._description))
        rows = self
        if rows:
            rows.check_access("read")
        else:
            rows = self.search([])
        return self.env.ref(self._report_xlsx).report_action(rows)

    def _read_group_select(self, aggregate_spec, query):
        """A ratio's total is the ratio of the totals, not a sum of ratios."""
        field, _sep, func = aggregate_spec.partition(":")
        if field in self._report_ratios and func == "sum":
            num, den, factor = self._report_ratios[field]
            ratio = SQL(
                "SUM(%s) * %s / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, num, query),
                factor,
                self._field_to_sql(self._table, den, query),
            )
            if field in self._report_ratios_empty:
                return ratio
            return SQL("COALESCE(%s, 0)", ratio)
        return super()._read_group_select(aggregate_spec, query)
