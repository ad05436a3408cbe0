# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    """What the screens show, where a tour would only repeat the arch."""

    def _arch(self, model, view_xmlid, view_type):
        view = self.env.ref(view_xmlid)
        views = self.env[model].get_views([(view.id, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_discount_setting_on_for_every_user(self):
        self.assertIn(
            self.env.ref("sale.group_discount_per_so_line"),
            self.env.ref("base.group_user").all_implied_ids,
        )

    def test_authority_headers_fit(self):
        arch = self._arch(
            "crm.quote.authority",
            "crm_quote_pricer.crm_quote_authority_view_list",
            "list",
        )
        labels = {
            field.get("name"): field.get("string")
            for field in arch.iter("field")
            if field.get("string")
        }
        model = self.env["crm.quote.authority"]
        for name in ("max_discount", "min_margin", "allow_below_floor"):
            label = labels.get(name) or model._fields[name].string
            self.assertLessEqual(len(label), 12, name)
        self.assertLessEqual(len(labels["forbid_self_approval"]), 16)

    def test_open_tier_shows_no_zero_bound(self):
        arch = self._arch(
            "crm.quote.price.rule",
            "crm_quote_pricer.crm_quote_price_rule_view_form",
            "form",
        )
        (max_qty,) = arch.xpath("//field[@name='tier_ids']//field[@name='max_qty']")
        self.assertEqual(max_qty.get("invisible"), "id and not max_qty")

    def test_approver_menu(self):
        menu = self.env.ref("crm_quote_pricer.sale_order_pricer_to_approve_menu")
        self.assertEqual(menu.parent_id, self.env.ref("sale.sale_order_menu"))
        action = menu.action
        self.assertIn("search_default_needs_review", action.context)
        self.assertNotIn("my_quotation", action.context)
