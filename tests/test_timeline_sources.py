# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer timeline's optional sources, with all four addons installed.

crm_pipeline_ext depends on none of helpdesk_mgmt, mrp or mass_mailing: it
reads tickets, manufacturing orders and mailings only when their models are
in the registry. With crm_helpdesk_link, crm_quote_pricer and
crm_segmentation installed they are, and each department's user sees the
entries of the sources its own rights reach, and no others.
"""

from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from .access_table import groups_of


@tagged("post_install", "-at_install", "crm_suite")
class TestTimelineSources(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"timeline_{role}",
                groups=",".join(groups_of(role)),
            )
            for role in (
                "salesperson",
                "billing_user",
                "helpdesk_user",
                "production_user",
                "marketing_user",
            )
        }
        cls.customer = cls.env["res.partner"].create(
            {"name": "Timeline Sources Co", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Sam Sources", "parent_id": cls.customer.id}
        )
        product = cls.env["product.product"].create(
            {"name": "Timeline bench", "type": "consu", "list_price": 80.0}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.users["salesperson"].id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 3})
                ],
            }
        )
        cls.order.date_order = datetime(2026, 4, 1, 9)
        team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Timeline desk",
                "user_ids": [Command.set(cls.users["helpdesk_user"].ids)],
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Bench wobbles",
                "description": "<p>One leg is short.</p>",
                "partner_id": cls.contact.id,
                "team_id": team.id,
            }
        )
        cls.production = cls.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": 3.0,
                "origin": cls.order.name,
                "date_start": datetime(2026, 4, 3, 8),
            }
        )
        # an MO for another customer's order is not this customer's
        cls.env["mrp.production"].create(
            {"product_id": product.id, "product_qty": 1.0, "origin": "S-OTHER"}
        )
        mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "Spring benches",
                "body_html": "<p>New benches</p>",
                "mailing_model_id": cls.env["ir.model"]._get_id("res.partner"),
            }
        )
        cls.trace = cls.env["mailing.trace"].create(
            {
                "trace_type": "mail",
                "model": "res.partner",
                "res_id": cls.contact.id,
                "mass_mailing_id": mailing.id,
                "email": "sam@sources.example.com",
                "trace_status": "sent",
                "sent_datetime": datetime(2026, 4, 5, 10),
            }
        )
        cls.env.execute_query(
            SQL(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                datetime(2026, 4, 4, 12),
                cls.ticket.id,
            )
        )
        cls.env.invalidate_all()

    def _entries(self, role=None, kinds=("ticket", "production", "mailing")):
        partner = self.customer
        if role:
            partner = partner.with_user(self.users[role])
        page = partner.crm_timeline(limit=100)
        return {
            (
                e["kind"],
                e["channel"],
                e["department"],
                e["title"],
                e["model"],
                e["res_id"],
            )
            for e in page["entries"]
            if e["kind"] in kinds
        }

    def test_optional_sources(self):
        self.assertEqual(
            self._entries(),
            {
                (
                    "ticket",
                    "ticket",
                    "support",
                    f"{self.ticket.number} Bench wobbles",
                    "helpdesk.ticket",
                    self.ticket.id,
                ),
                (
                    "production",
                    "document",
                    "production",
                    f"{self.production.name} - {self.order.name}",
                    "mrp.production",
                    self.production.id,
                ),
                (
                    "mailing",
                    "mailing",
                    "marketing",
                    "Spring benches",
                    "mailing.mailing",
                    self.trace.mass_mailing_id.id,
                ),
            },
        )

    def test_each_department_sees_its_own_sources(self):
        kinds = {
            role: {entry[0] for entry in self._entries(role)} for role in self.users
        }
        self.assertEqual(kinds["helpdesk_user"], {"ticket"})
        self.assertEqual(kinds["production_user"], {"production"})
        self.assertEqual(kinds["marketing_user"], {"mailing"})
        # billing reads no ticket, MO or mailing
        self.assertFalse(kinds["billing_user"])
        # the salesperson reads the MOs of the orders, not tickets or mailings
        self.assertEqual(kinds["salesperson"], {"production"})
