# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Helpdesk Link",
    "summary": "Support contracts in the Helpdesk: covered tickets, SLA deadlines, "
    "billable hours and upsell opportunities",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Services/Helpdesk",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "crm",
        "helpdesk_mgmt",
        "contract",
        "rating",
        "survey",
    ],
    "data": [
        "security/crm_helpdesk_link_security.xml",
        "security/ir.model.access.csv",
        "security/ir_rule.xml",
        "data/ir_cron.xml",
        "data/helpdesk_ticket_stage_data.xml",
        "data/mail_template_data.xml",
        "data/survey_nps_data.xml",
        "views/helpdesk_support_plan_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_ticket_stage_views.xml",
        "views/contract_contract_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/helpdesk_service_level_report_views.xml",
        "views/portal_templates.xml",
        "views/menus.xml",
        "views/helpdesk_nps_campaign_views.xml",
        "views/res_partner_nps_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_helpdesk_link/static/src/js/crm_helpdesk_link_tour.esm.js",
            "crm_helpdesk_link/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/helpdesk_support_plan_demo.xml",
        "demo/helpdesk_ticket_story_demo.xml",
        "demo/helpdesk_nps_demo.xml",
    ],
}
