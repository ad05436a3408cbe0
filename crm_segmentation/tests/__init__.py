# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import test_finite_values
from . import test_install
from . import test_isolation
from . import test_rfm
from . import test_robustness
from . import test_roles
from . import test_segment
from . import test_tour
from . import test_rfm_transition
from . import test_customer_value
from . import test_customer_month
from . import test_campaign_run
from . import test_contact_channel
from . import test_next_offer
