# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, new_test_user


def make_mto_product(env, name, component_name, component_qty=1.0, **vals):
    """A storable product made to order (MTO + Manufacture) from one component.

    Returns ``(component, product)``; ``vals`` adds to or overrides the
    product's values (prices, taxes, invoicing policy).
    """
    mto = env.ref("stock.route_warehouse0_mto")
    mto.action_unarchive()
    routes = mto | env.ref("mrp.route_warehouse0_manufacture")
    component = env["product.product"].create(
        {"name": component_name, "is_storable": True, "standard_price": 5.0}
    )
    product = env["product.product"].create(
        {
            "name": name,
            "is_storable": True,
            "route_ids": [(6, 0, routes.ids)],
            **vals,
        }
    )
    env["mrp.bom"].create(
        {
            "product_tmpl_id": product.product_tmpl_id.id,
            "product_qty": 1,
            "bom_line_ids": [
                (0, 0, {"product_id": component.id, "product_qty": component_qty})
            ],
        }
    )
    return component, product


class PricerCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Pricer PL", "currency_id": cls.currency.id}
        )
        cls.categ = cls.env["product.category"].create({"name": "Frames"})
        cls.sub_categ = cls.env["product.category"].create(
            {"name": "Steel frames", "parent_id": cls.categ.id}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Frame A",
                "type": "consu",
                "list_price": 100.0,
                "standard_price": 50.0,
                "categ_id": cls.sub_categ.id,
                "taxes_id": [(6, 0, [])],
            }
        )
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "Bolt B",
                "type": "consu",
                "list_price": 10.0,
                "standard_price": 4.0,
                "taxes_id": [(6, 0, [])],
            }
        )
        cls.no_cost = cls.env["product.product"].create(
            {"name": "Service C", "type": "service", "list_price": 80.0}
        )
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "VIP"})
        cls.country = cls.env.ref("base.es")
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Acme Manufacturing",
                "country_id": cls.country.id,
                "category_id": [(6, 0, cls.tag_vip.ids)],
            }
        )
        cls.other_partner = cls.env["res.partner"].create({"name": "Nobody Ltd"})
        cls.Rule = cls.env["crm.quote.price.rule"]
        cls.salesman = new_test_user(
            cls.env,
            login="pricer_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="pricer_sales_manager",
            groups="sales_team.group_sale_manager",
        )
        cls.approver = new_test_user(
            cls.env,
            login="pricer_approver",
            groups="crm_quote_pricer.group_quote_approver",
        )
        cls.pricing_manager = new_test_user(
            cls.env,
            login="pricer_manager",
            groups="crm_quote_pricer.group_pricing_manager",
        )

    @classmethod
    def _rule(cls, **vals):
        base = {"name": "Rule", "method": "list_discount", "percent": 10.0}
        base.update(vals)
        return cls.env["crm.quote.price.rule"].create(base)

    @classmethod
    def _order(cls, lines=None, partner=None, user=None):
        lines = lines or [(cls.product, 1.0)]
        return cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.partner).id,
                "pricelist_id": cls.pricelist.id,
                "user_id": (user or cls.salesman).id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in lines
                ],
            }
        )
