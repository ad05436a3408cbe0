# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Segmentation",
    "summary": "Score customers, group them into segments, follow them over "
    "time and reach them by mail, calls or leads",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Marketing",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "crm",
        "sale",
        "account",
        "mass_mailing",
        "report_xlsx",
    ],
    "data": [
        "security/crm_segmentation_security.xml",
        "security/ir.model.access.csv",
        "security/crm_segmentation_rules.xml",
        "data/crm_rfm_class_data.xml",
        "data/ir_cron_data.xml",
        "views/crm_rfm_config_views.xml",
        "views/crm_rfm_class_views.xml",
        "views/crm_rfm_score_views.xml",
        "views/crm_segment_persona_line_views.xml",
        "views/crm_segment_views.xml",
        "views/crm_segment_member_views.xml",
        "views/crm_segment_snapshot_views.xml",
        "views/crm_segment_migration_views.xml",
        "views/res_partner_views.xml",
        "views/crm_segment_campaign_run_views.xml",
        "views/crm_contact_channel_views.xml",
        "views/crm_next_offer_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_segmentation/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/crm_segmentation_demo.xml",
        "demo/crm_segment_story_demo.xml",
        "demo/crm_segment_campaign_run_demo.xml",
        "demo/crm_contact_channel_demo.xml",
        "demo/crm_next_offer_demo.xml",
    ],
}
