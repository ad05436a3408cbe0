# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import test_install
from . import test_engine
from . import test_pricing
from . import test_approval
from . import test_flow
from . import test_lead_production
from . import test_tour
from . import test_views
from . import test_finite_values
from . import test_progress
from . import test_late_activity
from . import test_invoice_plan
from . import test_tour_progress
from . import test_portal_configure
