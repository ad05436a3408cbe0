# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Quote Pricer",
    "summary": "Price quotes from rate cards, approve discounts beyond authority, "
    "hand approved quotes to production and billing",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/Sales",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "application": True,
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
        "security/ir.model.access.csv",
        "security/crm_quote_pricer_rules.xml",
        "data/tier_definition_data.xml",
        "data/res_groups_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_quote_price_rule_views.xml",
        "views/crm_quote_authority_views.xml",
        "views/sale_order_views.xml",
        "views/mrp_production_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "report/sale_order_report.xml",
        "views/sale_portal_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "crm_quote_pricer/static/src/interactions/*.js",
        ],
        "web.assets_tests": [
            "crm_quote_pricer/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_quote_pricer_demo.xml",
        "demo/crm_quote_pricer_story_demo.xml",
        "demo/crm_quote_pricer_portal_demo.xml",
    ],
}
