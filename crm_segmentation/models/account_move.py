# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    # The RFM recompute walks posted customer invoices by company and
    # customer, batch after batch: a partial index keeps each batch a range
    # scan instead of a scan of every journal entry.
    _crm_segmentation_rfm_idx = models.Index(
        "(company_id, commercial_partner_id, invoice_date) "
        "WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')"
    )
