# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, tagged

# The install tables of the addon. The suite's tests/test_install.py checks
# them, with the dependencies of the manifest, on a database with every addon
# of the repository; the test below holds with this addon alone.
MODULE = "crm_quote_pricer"

# Each group of the addon: the groups it implies directly, groups a member must
# end up with, groups a member must NOT get (no escalation to a host-app admin
# level, no upward leak in a tier), and the privilege it is filed under.
GROUPS = {
    "crm_quote_pricer.group_quote_approver": {
        "implied": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "has": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "not": [
            "crm_quote_pricer.group_pricing_manager",
            "sales_team.group_sale_manager",
            "base.group_system",
        ],
        "privilege": "crm_quote_pricer.res_groups_privilege_quote_pricing",
        "category": "base.module_category_sales",
    },
    "crm_quote_pricer.group_pricing_manager": {
        "implied": [
            "crm_quote_pricer.group_quote_approver",
        ],
        "has": [
            "crm_quote_pricer.group_quote_approver",
            "sales_team.group_sale_salesman_all_leads",
        ],
        "not": [
            "sales_team.group_sale_manager",
            "base.group_system",
        ],
        "privilege": "crm_quote_pricer.res_groups_privilege_quote_pricing",
        "category": "base.module_category_sales",
    },
}

# Each menu of the addon: its parent in the host app and the groups that see it.
MENUS = {
    "crm_quote_pricer.pricing_menu": {
        "parent": "sale.menu_sale_config",
        "groups": [
            "crm_quote_pricer.group_pricing_manager",
        ],
    },
    "crm_quote_pricer.crm_quote_price_rule_menu": {
        "parent": "crm_quote_pricer.pricing_menu",
        "groups": [],
    },
    "crm_quote_pricer.crm_quote_authority_menu": {
        "parent": "crm_quote_pricer.pricing_menu",
        "groups": [],
    },
    "crm_quote_pricer.sale_order_pricer_to_approve_menu": {
        "parent": "sale.sale_order_menu",
        "groups": ["crm_quote_pricer.group_quote_approver"],
    },
    "crm_quote_pricer.account_move_pricer_to_invoice_menu": {
        "parent": "sale.menu_sale_invoicing",
        "groups": ["account.group_account_invoice"],
    },
    "crm_quote_pricer.account_move_pricer_to_invoice_billing_menu": {
        "parent": "account.menu_finance_receivables",
        "groups": ["account.group_account_invoice"],
    },
}

# Groups the administrator holds from install.
ADMIN_GROUPS = [
    "crm_quote_pricer.group_pricing_manager",
]


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_tables_name_every_group_and_menu(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertEqual(
            {d.complete_name for d in data if d.model in ("res.groups", "ir.ui.menu")},
            set(GROUPS) | set(MENUS),
        )
