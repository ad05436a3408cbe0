# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The cast and the set of the end-to-end story, shared by its two tests.

What an administrator configures once (users per role, a territory per
country, gated stages, a rate card, the discount authority matrix, a made to
order press, a helpdesk team) is built here; everything a role does during
the story is done by that role's user in the tests themselves.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .access_table import groups_of

# the cast of the story: (login, name, roles of access_table.ROLES it holds)
CAST = {
    "manager": (
        "story_manager",
        "Marta Manager",
        ("sales_manager", "territory_manager"),
    ),
    "sales": ("story_sales", "Sergio Sales", ("salesperson",)),
    "sales_fr": ("story_sales_fr", "Fanny Ventes", ("salesperson",)),
    "approver": ("story_approver", "Ana Approver", ("approver",)),
    "production": ("story_production", "Pablo Production", ("production_user",)),
    "billing": ("story_billing", "Bea Billing", ("billing_user",)),
    "support": ("story_support", "Sonia Support", ("helpdesk_user",)),
    "marketing": (
        "story_marketing",
        "Mario Marketing",
        ("segmentation_manager", "marketing_user"),
    ),
    "customer": ("story_customer", "Lucia Norte", ("portal",)),
}

LIST_PRICE = 10000.0
RATE_CARD_DISCOUNT = 5.0  # the rate card's "list price minus 5%"
EXTRA_DISCOUNT = 8.0  # granted by the salesperson, above their 5% authority
DOWN_PAYMENT = 30.0
QUANTITY = 2


class StoryMixin:
    """``setUpClass`` helpers for a TransactionCase or an HttpCase."""

    @classmethod
    def setup_story(cls):
        env = cls.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        cls.company = env.company
        cls.users = {
            key: new_test_user(
                env,
                login=login,
                name=name,
                groups=",".join(groups_of(*roles)),
                email=f"{login}@example.com",
                tz="UTC",
            )
            for key, (login, name, roles) in CAST.items()
        }
        cls.manager = cls.users["manager"]
        cls.sales = cls.users["sales"]
        cls.approver = cls.users["approver"]
        cls.production = cls.users["production"]
        cls.billing = cls.users["billing"]
        cls.support = cls.users["support"]
        cls.marketing = cls.users["marketing"]
        cls.portal = cls.users["customer"]
        cls.spain = env.ref("base.es")
        cls.france = env.ref("base.fr")
        cls._setup_pipeline()
        cls._setup_pricing()
        cls._setup_helpdesk()
        # the customer: a Spanish manufacturer, one of its people on the portal
        cls.customer = env["res.partner"].create(
            {
                "name": "Hierros del Norte S.L.",
                "is_company": True,
                "country_id": cls.spain.id,
                "city": "Bilbao",
                "email": "compras@hierrosdelnorte.example.com",
            }
        )
        cls.portal.partner_id.write(
            {"parent_id": cls.customer.id, "email": "lucia@hierrosdelnorte.example.com"}
        )

    @classmethod
    def _setup_pipeline(cls):
        env = cls.env
        cls.team = env["crm.team"].create(
            {"name": "Story Iberia", "user_id": cls.manager.id}
        )
        cls.team_fr = env["crm.team"].create(
            {"name": "Story France", "user_id": cls.manager.id}
        )
        Territory = env["crm.territory"].with_user(cls.manager)
        cls.territory = Territory.create(
            {
                "name": "Story Spain",
                "team_id": cls.team.id,
                "country_ids": [Command.set(cls.spain.ids)],
                "member_ids": [Command.create({"user_id": cls.sales.id})],
            }
        )
        cls.territory_fr = Territory.create(
            {
                "name": "Story France",
                "team_id": cls.team_fr.id,
                "country_ids": [Command.set(cls.france.ids)],
                "member_ids": [Command.create({"user_id": cls.users["sales_fr"].id})],
            }
        )
        Field = env["ir.model.fields"]
        Stage = env["crm.stage"]
        cls.stage_qualified = Stage.create(
            {
                "name": "Story Qualified",
                "sequence": 50,
                "gate_field_ids": [
                    Command.set(Field._get("crm.lead", "expected_revenue").ids)
                ],
            }
        )
        cls.stage_proposal = Stage.create(
            {
                "name": "Story Proposal",
                "sequence": 51,
                "gate_domain": "[('probability', '>=', 30)]",
                "gate_domain_label": "Probability at least 30%",
                "checklist_item_ids": [
                    Command.create({"name": "Budget confirmed by the customer"})
                ],
            }
        )
        cls.checklist_budget = cls.stage_proposal.checklist_item_ids

    @classmethod
    def _setup_pricing(cls):
        env = cls.env
        mto = env.ref("stock.route_warehouse0_mto")
        mto.action_unarchive()
        routes = mto | env.ref("mrp.route_warehouse0_manufacture")
        cls.presses = env["product.category"].create({"name": "Story Presses"})
        cls.steel = env["product.product"].create(
            {"name": "Story steel frame", "is_storable": True, "standard_price": 900}
        )
        cls.press = env["product.product"].create(
            {
                "name": "Story hydraulic press HP-200",
                "is_storable": True,
                "categ_id": cls.presses.id,
                "list_price": LIST_PRICE,
                "standard_price": 6000.0,
                "invoice_policy": "delivery",
                "taxes_id": [Command.clear()],
                "route_ids": [Command.set(routes.ids)],
            }
        )
        env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.press.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": cls.steel.id, "product_qty": 4})
                ],
            }
        )
        cls.rate_card = env["crm.quote.price.rule"].create(
            {
                "name": "Story presses 2026",
                "applies_on": "category",
                "categ_id": cls.presses.id,
                "method": "list_discount",
                "percent": RATE_CARD_DISCOUNT,
                "down_payment_percent": DOWN_PAYMENT,
            }
        )
        env["crm.quote.authority"].create(
            [
                {"user_id": cls.sales.id, "max_discount": 5.0, "min_margin": 0.0},
                {
                    "user_id": cls.approver.id,
                    "max_discount": 20.0,
                    "min_margin": 0.0,
                    "can_approve": True,
                },
            ]
        )

    @classmethod
    def _setup_helpdesk(cls):
        env = cls.env
        cls.company.write(
            {
                "helpdesk_billing_mode": "separate",
                "helpdesk_upsell_over_quota": 1,
                "helpdesk_upsell_uncovered": 0,
                "helpdesk_upsell_expiry_days": 0,
            }
        )
        cls.support_hour = env["product.product"].create(
            {
                "name": "Story support hour",
                "type": "service",
                "list_price": 90.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.helpdesk_team = env["helpdesk.ticket.team"].create(
            {"name": "Story Support", "user_ids": [Command.set(cls.support.ids)]}
        )
        cls.stage_done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        # shown on the ticket's status bar, so that agents close in one click
        cls.stage_done.write({"mail_template_id": False, "fold": False})

    def lead_arrives(self):
        """Step 1's event: the sales manager enters a lead for the customer;
        nobody picks the salesperson, territory routing does."""
        return (
            self.env["crm.lead"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Two HP-200 presses for the Bilbao plant",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                }
            )
        )

    def portal_ticket(self, name, description=None):
        """A ticket opened by the customer on the portal: what
        /submitted/ticket does (created as superuser on their behalf)."""
        return (
            self.env["helpdesk.ticket"]
            .with_user(self.portal)
            .sudo()
            .create(
                {
                    "name": name,
                    "description": description or f"<p>{name}</p>",
                    "partner_id": self.portal.partner_id.id,
                    "team_id": self.helpdesk_team.id,
                    "user_id": False,
                }
            )
        )

    def fixed_rfm_config(self):
        """The company's RFM settings, set by the marketing user to fixed
        thresholds, so that the customer's scores don't depend on others."""
        config = (
            self.env["crm.rfm.config"]
            .with_user(self.marketing)
            ._get_for_company(self.company)
        )
        config.write(
            {
                "recency_method": "fixed",
                "frequency_method": "fixed",
                "monetary_method": "fixed",
                "recency_thresholds": "30,90,180,365",
                "frequency_thresholds": "1,2,4,8",
                "monetary_thresholds": "500,2000,10000,50000",
            }
        )
        return config

    @classmethod
    def setup_support_contract(cls):
        """The customer's support contract, signed after the sale: two
        tickets and four hours a month, extra hours billed at 100."""
        today = fields.Date.context_today(cls.env["res.partner"])
        start = today.replace(day=1)
        contract = cls.env["contract.contract"].create(
            {
                "name": "Story maintenance HP-200",
                "partner_id": cls.customer.id,
                "user_id": cls.sales.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "date_start": start,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.support_hour.id,
                            "name": "Press maintenance subscription",
                            "quantity": 1,
                            "price_unit": 400.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": start,
                            "date_end": start + relativedelta(years=1, days=-1),
                            "recurring_next_date": start,
                        }
                    )
                ],
            }
        )
        plan = cls.env["helpdesk.support.plan"].create(
            {
                "name": "Story Gold",
                "contract_id": contract.id,
                "period_type": "month",
                "ticket_quota": 2,
                "hour_quota": 4.0,
                "response_hours": 4.0,
                "resolution_hours": 16.0,
                "hourly_rate": 100.0,
                "billable_product_id": cls.support_hour.id,
            }
        )
        return contract, plan
