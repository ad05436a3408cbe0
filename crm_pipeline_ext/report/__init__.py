# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import crm_pipeline_report_mixin
from . import crm_salesperson_kpi_report
from . import crm_salesperson_kpi_xlsx
from . import crm_forecast_accuracy_report
from . import crm_win_loss_report
from . import crm_win_loss_xlsx
