# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTimelineTour(HttpCase):
    def test_timeline_tour(self):
        """A salesperson opens a customer's Timeline tab, sees their e-mail
        and order there, filters on orders and opens the order."""
        salesman = new_test_user(
            self.env,
            login="tour_timeline",
            name="Tour Timeline",
            groups="sales_team.group_sale_salesman",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Timeline Co", "is_company": True}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour timeline deal",
                "type": "opportunity",
                "partner_id": customer.id,
                "user_id": salesman.id,
            }
        )
        lead.message_post(body="Price list sent", message_type="email")
        product = self.env["product.product"].create(
            {
                "name": "Tour Timeline Service",
                "type": "service",
                "list_price": 125.0,
                "taxes_id": [(5, 0, 0)],
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": salesman.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "crm_pipeline_ext_timeline_tour",
            login="tour_timeline",
        )
