# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged

from .common import make_mto_product


@tagged("post_install", "-at_install")
class TestTour(HttpCase):
    def test_opportunity_to_mo_and_invoice(self):
        env = self.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        _component, machine = make_mto_product(
            env, "Tour press", "Tour tube", list_price=1000.0, standard_price=500.0
        )
        env["crm.quote.price.rule"].create(
            {
                "name": "Tour catalogue",
                "method": "list_discount",
                "percent": 5.0,
                "down_payment_percent": 20.0,
            }
        )
        salesman = new_test_user(
            env, login="tour_salesman", groups="sales_team.group_sale_salesman"
        )
        admin = env.ref("base.user_admin")
        env["crm.quote.authority"].create(
            [
                {"user_id": salesman.id, "max_discount": 5.0},
                {
                    "user_id": admin.id,
                    "max_discount": 50.0,
                    "min_margin": -50.0,
                    "allow_below_floor": True,
                    "can_approve": True,
                    "forbid_self_approval": False,
                },
            ]
        )
        partner = env["res.partner"].create({"name": "Tour Customer"})
        lead = env["crm.lead"].create(
            {"name": "Tour deal", "type": "opportunity", "partner_id": partner.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": lead.id,
                "user_id": salesman.id,
                "order_line": [
                    (0, 0, {"product_id": machine.id, "product_uom_qty": 2})
                ],
            }
        )
        order.order_line.write({"discount": 10.0, "price_unit": 1200.0})
        self.start_tour(
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "crm_quote_pricer_tour",
            login="admin",
        )
        self.assertEqual(order.state, "sale")
        line = order.order_line.filtered(lambda sol: sol.product_id == machine)
        self.assertEqual(line.price_unit, 950.0)
        self.assertTrue(order.mrp_production_ids)
        self.assertTrue(order.invoice_ids)


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """One tour per role of the quote flow, walking its main screens and
    asserting what the user must see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        _component, cls.machine = make_mto_product(
            env,
            "Role press",
            "Role tube",
            list_price=1000.0,
            standard_price=500.0,
            taxes_id=[(6, 0, [])],
        )
        env["crm.quote.price.rule"].create(
            {
                "name": "Role catalogue",
                "method": "list_discount",
                "percent": 5.0,
                "down_payment_percent": 20.0,
            }
        )
        cls.salesman = new_test_user(
            env, login="role_sales", groups="sales_team.group_sale_salesman"
        )
        cls.approver = new_test_user(
            env, login="role_approver", groups="crm_quote_pricer.group_quote_approver"
        )
        cls.production = new_test_user(
            env, login="role_production", groups="mrp.group_mrp_user"
        )
        env["crm.quote.authority"].create(
            [
                {"user_id": cls.salesman.id, "max_discount": 10.0},
                {
                    "user_id": cls.approver.id,
                    "max_discount": 50.0,
                    "min_margin": -50.0,
                    "can_approve": True,
                },
            ]
        )
        cls.partner = env["res.partner"].create({"name": "Role Customer"})
        # waits for the approver: 12% is beyond the salesperson's 10%
        cls.waiting = cls._quote(12.0)
        cls.waiting.with_user(cls.salesman).request_validation()
        # confirmed: a manufacturing order and a down payment
        cls.confirmed = cls._quote(0.0)
        cls.confirmed.with_user(cls.salesman).action_confirm()

    @classmethod
    def _quote(cls, discount):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "user_id": cls.salesman.id,
                "order_line": [
                    (0, 0, {"product_id": cls.machine.id, "product_uom_qty": 2})
                ],
            }
        )
        order.with_user(cls.salesman).action_pricer_price()
        if discount:
            order.order_line.with_user(cls.salesman).write({"discount": discount})
        return order

    def test_salesperson_tour(self):
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.waiting.id}",
            "crm_quote_pricer_salesperson_tour",
            login="role_sales",
        )

    def test_approver_tour(self):
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding",
            "crm_quote_pricer_approver_tour",
            login="role_approver",
        )

    def test_production_tour(self):
        self.assertTrue(self.confirmed.mrp_production_ids)
        self.start_tour(
            "/odoo/action-mrp.mrp_production_action",
            "crm_quote_pricer_production_tour",
            login="role_production",
        )

    def test_salesperson_tour_spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["crm_quote_pricer"], ["es_ES"], overwrite=True
        )
        self.salesman.lang = "es_ES"
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.waiting.id}",
            "crm_quote_pricer_salesperson_es_tour",
            login="role_sales",
        )
