# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, new_test_user, tagged

MODULE = "crm_helpdesk_link"

# Each group of the addon: the groups it implies directly, groups a member must
# end up with, groups a member must NOT get (no escalation to a host-app admin
# level, no upward leak in a tier), and the privilege it is filed under.
GROUPS = {
    "crm_helpdesk_link.group_support_plan_manager": {
        "implied": [
            "helpdesk_mgmt.group_helpdesk_user",
        ],
        "has": [
            "helpdesk_mgmt.group_helpdesk_user",
        ],
        "not": [
            "helpdesk_mgmt.group_helpdesk_manager",
            "base.group_system",
        ],
        "privilege": "crm_helpdesk_link.res_groups_privilege_support_plan",
        "category": "helpdesk_mgmt.module_helpdesk_category",
    },
}

# Each menu of the addon: its parent in the host app and the groups that see it.
MENUS = {
    "crm_helpdesk_link.support_plan_menu": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_config_main_menu",
        "groups": [
            "crm_helpdesk_link.group_support_plan_manager",
        ],
    },
    "crm_helpdesk_link.helpdesk_support_plan_menu": {
        "parent": "crm_helpdesk_link.support_plan_menu",
        "groups": [],
    },
    "crm_helpdesk_link.helpdesk_ticket_sla_report_menu": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_reporting_menu",
        "groups": [],
    },
    "crm_helpdesk_link.helpdesk_ticket_billable_menu": {
        "parent": "account.menu_finance_receivables",
        "groups": ["account.group_account_invoice"],
    },
}

# Groups the administrator holds from install.
ADMIN_GROUPS = [
    "crm_helpdesk_link.group_support_plan_manager",
]


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def _groups(self, xmlids):
        return self.env["res.groups"].browse([self.env.ref(x).id for x in xmlids])

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        self.assertEqual(module.state, "installed")

    def test_groups(self):
        for xmlid, spec in GROUPS.items():
            with self.subTest(group=xmlid):
                group = self.env.ref(xmlid)
                self.assertEqual(group._name, "res.groups")
                self.assertEqual(group.implied_ids, self._groups(spec["implied"]))
                self.assertEqual(group.privilege_id, self.env.ref(spec["privilege"]))
                self.assertEqual(
                    group.privilege_id.category_id, self.env.ref(spec["category"])
                )

    def test_admin_groups(self):
        admin = self.env.ref("base.user_admin")
        for xmlid in ADMIN_GROUPS:
            with self.subTest(group=xmlid):
                self.assertTrue(admin.has_group(xmlid))

    def test_menus(self):
        for xmlid, spec in MENUS.items():
            with self.subTest(menu=xmlid):
                menu = self.env.ref(xmlid)
                self.assertEqual(menu._name, "ir.ui.menu")
                self.assertEqual(menu.parent_id, self.env.ref(spec["parent"]))
                self.assertEqual(menu.group_ids, self._groups(spec["groups"]))

    def test_records_and_views(self):
        """Every xml id of the addon points to a live record; its views validate."""
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertLessEqual(
            set(GROUPS) | set(MENUS), set(data.mapped("complete_name"))
        )
        for entry in data:
            with self.subTest(xmlid=entry.complete_name):
                self.assertTrue(self.env[entry.model].browse(entry.res_id).exists())
        views = self.env["ir.ui.view"].browse(
            data.filtered(lambda d: d.model == "ir.ui.view").mapped("res_id")
        )
        for view in views:
            with self.subTest(view=view.xml_id):
                self.assertTrue(view._check_xml())

    def test_user_gets_implied_groups(self):
        for xmlid, spec in GROUPS.items():
            with self.subTest(group=xmlid):
                user = new_test_user(
                    self.env, login=f"test_{xmlid.split('.')[1]}", groups=xmlid
                )
                self.assertTrue(user.has_group(xmlid))
                self.assertTrue(user.has_group("base.group_user"))
                for implied in spec["has"]:
                    self.assertTrue(user.has_group(implied), implied)
                for forbidden in spec["not"]:
                    self.assertFalse(user.has_group(forbidden), forbidden)
