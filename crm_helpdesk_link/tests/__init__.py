# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import test_install
from . import test_coverage
from . import test_sla
from . import test_sla_clock
from . import test_csat
from . import test_service_level_report
from . import test_billing
from . import test_upsell
from . import test_access
from . import test_ui
from . import test_isolation
from . import test_numeric_guard
from . import test_concurrency
from . import test_finite_values
from . import test_tour
from . import test_nps
from . import test_health_satisfaction
