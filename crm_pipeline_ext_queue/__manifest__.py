# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Pipeline Extensions on the Job Queue",
    "summary": "Route a large lead backlog as chained jobs that several Odoo "
    "nodes share",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["crm_pipeline_ext", "queue_job"],
    "data": ["views/crm_territory_views.xml"],
}
