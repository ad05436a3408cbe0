# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import test_install
from . import test_stage_gate
from . import test_stage_history
from . import test_territory
from . import test_kpi_report
from . import test_forecast
from . import test_roles
from . import test_ui_tour
from . import test_quote_invoices
from . import test_territory_rights
from . import test_routing_overflow
from . import test_routing_engine
from . import test_escalation
from . import test_field_guard
from . import test_what_users_see
from . import test_finite_values
from . import test_lost_reason
from . import test_competitor
from . import test_win_loss_report
from . import test_stage_probability
from . import test_sales_target
from . import test_forecast_submission
from . import test_tour_forecast_submission
from . import test_timeline
from . import test_tour_timeline
