# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import numeric_guard
from . import res_company
from . import res_config_settings
from . import helpdesk_support_plan
from . import contract_contract
from . import contract_line
from . import helpdesk_ticket_team
from . import helpdesk_ticket_stage
from . import helpdesk_ticket
from . import helpdesk_ticket_coverage
from . import helpdesk_ticket_billing
from . import helpdesk_ticket_sla
from . import helpdesk_ticket_upsell
from . import helpdesk_ticket_csat
from . import rating_rating
from . import account_move
from . import account_move_line
from . import crm_lead
from . import res_partner
from . import helpdesk_nps_campaign
from . import survey_user_input
