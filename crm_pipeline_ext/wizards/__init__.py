# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import crm_stage_gate_bypass
from . import crm_territory_realign
from . import crm_lead_lost
from . import crm_stage_probability_update
