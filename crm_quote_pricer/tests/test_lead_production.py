# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import PricerCase, make_mto_product


@tagged("post_install", "-at_install")
class TestLeadProduction(PricerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.component, cls.machine = make_mto_product(
            cls.env,
            "Lead press",
            "Lead tube",
            component_qty=2,
            list_price=1000.0,
            standard_price=600.0,
            taxes_id=[(6, 0, [])],
        )
        cls.env["crm.quote.authority"].create(
            {"user_id": cls.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        cls.production_user = new_test_user(
            cls.env, login="pricer_prod_user", groups="mrp.group_mrp_user"
        )
        cls.sales_production_user = new_test_user(
            cls.env,
            login="pricer_sales_prod_user",
            groups="sales_team.group_sale_salesman,mrp.group_mrp_user",
        )

    @classmethod
    def _lead(cls, name="Press deal"):
        return cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": cls.partner.id,
                "user_id": cls.salesman.id,
            }
        )

    def test_salesman_sees_manufacturing_orders(self):
        lead = self._lead()
        order = self._order([(self.machine, 2.0)])
        order.opportunity_id = lead
        draft = self._order([(self.product, 1.0)])
        draft.opportunity_id = lead
        order.with_user(self.salesman).action_confirm()
        production = order.sudo().mrp_production_ids
        self.assertEqual(len(production), 1)
        self.assertEqual(production.pricer_sale_order_id, order)
        self.env.flush_all()
        self.env.invalidate_all()

        lead_as_salesman = lead.with_user(self.salesman)
        self.assertEqual(lead_as_salesman.pricer_production_count, 1)
        action = lead_as_salesman.action_pricer_view_productions()
        self.assertEqual(action["res_model"], "mrp.production")
        self.assertEqual(
            action["context"], {"create": False, "edit": False, "delete": False}
        )
        Production = self.env["mrp.production"].with_user(self.salesman)
        found = Production.search(action["domain"])
        self.assertEqual(found, production)
        values = found.read(["name", "state", "pricer_sale_order_id"])[0]
        self.assertEqual(values["state"], production.state)
        self.assertEqual(values["pricer_sale_order_id"][0], order.id)
        self.assertEqual(found.pricer_partner_id, self.partner)
        # the list and form of the action load for a salesperson
        for view_id, view_type in action["views"]:
            views = Production.get_views([(view_id, view_type)])
            self.assertIn(view_type, views["views"])
        fields_spec = {
            "name": {},
            "state": {},
            "product_id": {"fields": {"display_name": {}}},
            "pricer_sale_order_id": {"fields": {"display_name": {}}},
            "pricer_partner_id": {"fields": {"display_name": {}}},
        }
        records = Production.web_search_read(action["domain"], fields_spec)
        self.assertEqual(records["length"], 1)
        self.assertEqual(
            records["records"][0]["pricer_sale_order_id"]["display_name"], order.name
        )
        # read only for salespeople
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            found.write({"origin": "changed"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            found.unlink()
        self.assertTrue(production.exists())
        # production users, also when they sell, keep editing MOs
        production.with_user(self.production_user).write({"origin": "Plant A"})
        production.with_user(self.sales_production_user).write({"origin": "Plant B"})
        self.assertEqual(production.origin, "Plant B")

    def test_no_production_no_count(self):
        lead = self._lead()
        self._order([(self.product, 1.0)]).opportunity_id = lead
        self.assertEqual(lead.with_user(self.salesman).pricer_production_count, 0)
        action = lead.with_user(self.salesman).action_pricer_view_productions()
        self.assertFalse(
            self.env["mrp.production"].with_user(self.salesman).search(action["domain"])
        )

    def _count_queries(self, leads):
        self.env.flush_all()
        self.env.invalidate_all()
        leads = leads.with_user(self.salesman)
        start = self.env.cr.sql_log_count
        counts = leads.mapped("pricer_production_count")
        return self.env.cr.sql_log_count - start, counts

    def test_count_query_constant(self):
        """Counting the MOs of 5 leads takes the queries counting 1 takes."""
        leads = self.env["crm.lead"]
        for index in range(5):
            lead = self._lead(f"Deal {index}")
            order = self._order([(self.machine, 1.0)])
            order.opportunity_id = lead
            self.env["mrp.production"].create(
                {
                    "product_id": self.machine.id,
                    "product_qty": 1.0,
                    "sale_line_id": order.order_line.id,
                }
            )
            leads |= lead
        self._count_queries(leads[:1])  # warm up registry caches
        one, counts_one = self._count_queries(leads[:1])
        five, counts_five = self._count_queries(leads)
        self.assertEqual(counts_one, [1])
        self.assertEqual(counts_five, [1] * 5)
        self.assertEqual(one, five)
        self.env.invalidate_all()
        with self.assertQueryCount(one):
            leads.with_user(self.salesman).mapped("pricer_production_count")
