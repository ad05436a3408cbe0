# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_pricer_price_quotes(self):
        """Price the open quotes of the opportunity; open a new one if none."""
        self.ensure_one()
        quotes = self.order_ids.filtered(lambda o: o.state in ("draft", "sent"))
        if not quotes:
            return self.action_sale_quotations_new()
        quotes.action_pricer_price()
        return self.action_view_sale_quotation()
