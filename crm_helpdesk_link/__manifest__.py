# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Helpdesk Link",
    "summary": "Helpdesk tickets under contract: coverage, SLA, billing, upsell",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Services/Helpdesk",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "license": "AGPL-3",
    "application": False,
    "installable": True,
    "depends": [
        "crm",
        "helpdesk_mgmt",
        "contract",
    ],
    "data": [
        "security/crm_helpdesk_link_security.xml",
        "views/menus.xml",
    ],
}
