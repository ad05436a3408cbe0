# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import crm_segmentation_guard
from . import account_move
from . import crm_lead
from . import crm_rfm_class
from . import crm_rfm_config
from . import crm_rfm_recompute
from . import crm_rfm_demo
from . import crm_rfm_score
from . import crm_segment
from . import crm_segment_membership
from . import crm_segment_persona
from . import crm_segment_campaign
from . import crm_segment_member
from . import crm_segment_persona_line
from . import crm_segment_snapshot
from . import crm_segment_snapshot_line
from . import res_partner
from . import crm_rfm_transition
from . import crm_rfm_prediction_demo
from . import crm_customer_value
from . import crm_customer_month
from . import crm_segment_campaign_run
from . import crm_segment_campaign_run_member
from . import res_partner_campaign
from . import crm_contact_channel
from . import crm_segment_call_channel
from . import crm_rfm_config_channel
from . import res_users_channel
from . import crm_next_offer
from . import res_partner_next_offer
from . import crm_segment_next_offer
