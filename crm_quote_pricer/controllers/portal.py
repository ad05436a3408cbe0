# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.sale.controllers import portal


class CustomerPortal(portal.CustomerPortal):
    @route(
        "/my/orders/<int:order_id>/pricer_configure",
        type="jsonrpc",
        auth="user",
        methods=["POST"],
    )
    def pricer_portal_configure(self, order_id, changes=None, access_token=None):
        """The customer changes quantities and options of a sent quote; the
        model checks who, what and how much, and reprices from the rate card.
        No price sent by the client is read."""
        try:
            self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError) as exc:
            raise AccessError(
                request.env._("You cannot configure this quote.")
            ) from exc
        # as the user: the model tells the quote's customer from anyone else
        order = request.env["sale.order"].browse(order_id)
        return order._pricer_portal_configure(changes)
