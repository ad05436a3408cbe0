# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Segmentation",
    "summary": "RFM scores, rule-based segments and snapshots that drive campaigns",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Marketing",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "license": "AGPL-3",
    "application": False,
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
        "views/menus.xml",
    ],
    "demo": [
        "demo/crm_segmentation_demo.xml",
    ],
}
