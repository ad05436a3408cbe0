# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from . import finite_values
from . import crm_quote_price_rule
from . import crm_quote_price_rule_tier
from . import crm_quote_authority
from . import product_category
from . import product_template
from . import sale_order_line
from . import sale_order_line_portal
from . import sale_order
from . import sale_order_authority
from . import sale_order_approval
from . import sale_order_fulfilment
from . import sale_order_progress
from . import sale_order_late
from . import sale_order_invoice_plan
from . import sale_order_portal
from . import crm_lead
from . import crm_lead_progress
from . import mrp_production
from . import mrp_production_late
from . import mrp_production_plan
from . import stock_picking
from . import account_move
from . import report_saleorder
from . import tier_review
from . import res_company
from . import res_config_settings
