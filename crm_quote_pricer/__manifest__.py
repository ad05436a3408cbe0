# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Quote Pricer",
    "summary": "Rule-based quote pricing, discount approval, quote to production",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/Sales",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "sale_management",
        "sale_crm",
        "sale_mrp",
        "account",
        "sale_tier_validation",
    ],
    "data": [
        "security/crm_quote_pricer_security.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_quote_pricer_demo.xml",
    ],
}
