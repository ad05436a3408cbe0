# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Pipeline Extensions",
    "summary": "Stage gates, territories, lead assignment, sales KPIs and forecast",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "crm",
        "sale_crm",
        "report_xlsx",
    ],
    "data": [
        "security/crm_pipeline_ext_security.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_pipeline_ext_demo.xml",
    ],
}
