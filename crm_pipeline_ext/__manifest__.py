# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Pipeline Extensions",
    "summary": "Stages that say what they need, leads routed by territory, "
    "salesperson KPIs and forecast accuracy",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "crm",
        "sale_crm",
        "report_xlsx",
    ],
    "data": [
        "security/crm_pipeline_ext_security.xml",
        "security/ir.model.access.csv",
        "security/crm_pipeline_ext_rules.xml",
        "security/crm_sales_target_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/menus.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_lead_lost_views.xml",
        "views/crm_competitor_views.xml",
        "views/crm_lead_stage_history_views.xml",
        "views/crm_stage_gate_bypass_views.xml",
        "views/crm_territory_views.xml",
        "views/crm_territory_realign_views.xml",
        "views/crm_salesperson_kpi_report_views.xml",
        "views/crm_win_loss_report_views.xml",
        "views/crm_forecast_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_lead_probability_views.xml",
        "views/crm_sales_target_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_pipeline_ext/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_pipeline_ext_demo.xml",
        "demo/crm_pipeline_story_demo.xml",
        "demo/crm_win_loss_demo.xml",
        "demo/crm_stage_probability_demo.xml",
        "demo/crm_sales_target_demo.xml",
    ],
}
