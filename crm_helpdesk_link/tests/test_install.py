# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, tagged

# The install tables of the addon. The suite's tests/test_install.py checks
# them, with the dependencies of the manifest, on a database with every addon
# of the repository; the test below holds with this addon alone.
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
    "crm_helpdesk_link.helpdesk_support_plan_menu": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_config_main_menu",
        "groups": [
            "crm_helpdesk_link.group_support_plan_manager",
        ],
    },
    "crm_helpdesk_link.helpdesk_ticket_sla_report_menu": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_reporting_menu",
        "groups": [],
    },
    "crm_helpdesk_link.helpdesk_service_level_report_menu": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_reporting_menu",
        "groups": [],
    },
    "crm_helpdesk_link.helpdesk_service_level_report_menu_xlsx": {
        "parent": "helpdesk_mgmt.helpdesk_ticket_reporting_menu",
        "groups": [
            "helpdesk_mgmt.group_helpdesk_manager",
            "crm_helpdesk_link.group_support_plan_manager",
        ],
    },
    "crm_helpdesk_link.helpdesk_nps_campaign_menu": {
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
    def test_tables_name_every_group_and_menu(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertEqual(
            {d.complete_name for d in data if d.model in ("res.groups", "ir.ui.menu")},
            set(GROUPS) | set(MENUS),
        )
