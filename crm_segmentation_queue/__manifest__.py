# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

{
    "name": "CRM Segmentation on the Job Queue",
    "summary": "RFM and segment recomputes as chunked jobs that several "
    "Odoo nodes share",
    "version": "19.0.1.0.0",
    "development_status": "Alpha",
    "category": "Marketing",
    "website": "https://github.com/crm-suite/crm-suite",
    "author": "CRM Suite Contributors",
    "maintainers": ["crm-suite"],
    "license": "AGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["crm_segmentation", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_segmentation_queue_rules.xml",
        "views/crm_segmentation_job_run_views.xml",
    ],
}
