# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import base
from . import crm_stage_checklist_item
from . import crm_stage
from . import crm_lead_stage_history
from . import crm_territory
from . import crm_territory_routing
from . import crm_territory_zip
from . import crm_territory_member
from . import crm_forecast_snapshot
from . import crm_lead
from . import crm_stage_probability
from . import crm_period_mixin
from . import crm_sales_target
from . import crm_forecast_submission
from . import crm_lead_stage_gate
from . import crm_lead_quote
from . import crm_lead_lost_reason
from . import crm_competitor
from . import crm_lead_competitor
from . import crm_lead_escalation
from . import mail_message
from . import res_company
from . import res_config_settings
from . import res_partner_timeline
from . import crm_lead_timeline
