# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A quote under discount authority, and the roles that attack it over
JSON-RPC, as an integration or a hand-written client would.

Each role of ``access_table.ROLES`` gets a user ``qa_<role>`` whose
password is its login.
"""

from odoo import Command
from odoo.tests import new_test_user

from .access_table import ROLES
from .rpc_common import RpcMixin

LIST_PRICE = 100.0
RATE_CARD_DISCOUNT = 5.0  # the rate card's price: 95
DOWN_PAYMENT = 30.0
SALES_AUTHORITY = 5.0
APPROVER_AUTHORITY = 30.0
BIG_TEAM_AUTHORITY = 50.0


class QuoteAttackMixin(RpcMixin):
    """``setUpClass`` helpers for an HttpCase."""

    @classmethod
    def setup_quote_world(cls):
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        cls.role_users = {
            role: new_test_user(
                env,
                login=f"qa_{role}",
                password=f"qa_{role}",
                name=f"QA {role}",
                groups=",".join(groups),
                email=f"qa_{role}@example.com",
            )
            for role, (groups, _label) in ROLES.items()
            if role != "public"
        }
        cls.seller = cls.role_users["salesperson"]
        cls.approver = cls.role_users["approver"]
        cls.pricing_manager = cls.role_users["pricing_manager"]
        cls.customer = env["res.partner"].create(
            {"name": "QA Customer", "email": "qa.customer@example.com"}
        )
        # the portal user is the customer's contact: it reads its own quotes
        cls.role_users["portal"].partner_id.parent_id = cls.customer
        cls.pricelist = env["product.pricelist"].create(
            {"name": "QA pricelist", "currency_id": env.company.currency_id.id}
        )
        cls.product = env["product.product"].create(
            {
                "name": "QA press",
                "type": "consu",
                "list_price": LIST_PRICE,
                "standard_price": 50.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )
        cls.rule = env["crm.quote.price.rule"].create(
            {
                "name": "QA rate card",
                "applies_on": "product",
                "product_tmpl_id": cls.product.product_tmpl_id.id,
                "method": "list_discount",
                "percent": RATE_CARD_DISCOUNT,
                "margin_floor": 15.0,
                "down_payment_percent": DOWN_PAYMENT,
            }
        )
        cls.big_team = env["crm.team"].create({"name": "QA big deals"})
        env["crm.quote.authority"].create(
            [
                {
                    "user_id": cls.seller.id,
                    "max_discount": SALES_AUTHORITY,
                    "min_margin": 10.0,
                },
                {
                    "user_id": cls.approver.id,
                    "max_discount": APPROVER_AUTHORITY,
                    "min_margin": 0.0,
                    "can_approve": True,
                },
                {
                    "team_id": cls.big_team.id,
                    "max_discount": BIG_TEAM_AUTHORITY,
                    "min_margin": 0.0,
                },
            ]
        )

    @classmethod
    def quote(cls, discount=0.0, qty=1.0, user=None):
        """A quote of the salesperson, priced by the rate card (95 a unit)."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "pricelist_id": cls.pricelist.id,
                "user_id": (user or cls.seller).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": qty,
                            "discount": discount,
                        }
                    )
                ],
            }
        )
        return order

    def approved_quote(self, discount=10.0):
        """A quote outside the salesperson's authority, approved for real."""
        order = self.quote(discount)
        order.with_user(self.seller).request_validation()
        order.with_user(self.approver).validate_tier()
        self.assertTrue(order._pricer_is_approved())
        return order
