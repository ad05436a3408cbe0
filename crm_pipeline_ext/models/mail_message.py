# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    # The activities done on leads, with every column the salesperson KPI
    # report reads of them, in lead order (only lead activities
    # are in it). Dropped with the module.
    _crm_pipeline_ext_kpi_idx = models.Index(
        "(res_id, date, author_id, mail_activity_type_id) "
        "WHERE model = 'crm.lead' AND mail_activity_type_id IS NOT NULL"
    )
