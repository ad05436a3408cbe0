# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, tagged

# The install tables of the addon. The suite's tests/test_install.py checks
# them, with the dependencies of the manifest, on a database with every addon
# of the repository; the test below holds with this addon alone.
MODULE = "crm_pipeline_ext"

# Each group of the addon: the groups it implies directly, groups a member must
# end up with, groups a member must NOT get (no escalation to a host-app admin
# level, no upward leak in a tier), and the privilege it is filed under.
GROUPS = {
    "crm_pipeline_ext.group_pipeline_bypass": {
        "implied": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "has": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "not": [
            "sales_team.group_sale_manager",
            "base.group_system",
        ],
        "privilege": "crm_pipeline_ext.res_groups_privilege_stage_gate",
        "category": "base.module_category_sales",
    },
    "crm_pipeline_ext.group_territory_manager": {
        "implied": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "has": [
            "sales_team.group_sale_salesman_all_leads",
        ],
        "not": [
            "crm_pipeline_ext.group_pipeline_bypass",
            "sales_team.group_sale_manager",
            "base.group_system",
        ],
        "privilege": "crm_pipeline_ext.res_groups_privilege_territory",
        "category": "base.module_category_sales",
    },
}

# Each menu of the addon: its parent in the host app and the groups that see it.
MENUS = {
    "crm_pipeline_ext.territory_menu": {
        "parent": "crm.crm_menu_config",
        "groups": [
            "crm_pipeline_ext.group_territory_manager",
        ],
    },
    "crm_pipeline_ext.sales_force_menu": {
        "parent": "crm.crm_menu_report",
        "groups": [],
    },
    "crm_pipeline_ext.crm_lead_stage_history_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_salesperson_kpi_report_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_salesperson_kpi_report_menu_xlsx": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_win_loss_report_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_win_loss_report_menu_xlsx": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_competitor_menu": {
        "parent": "crm.crm_menu_config",
        "groups": ["sales_team.group_sale_manager"],
    },
    "crm_pipeline_ext.crm_forecast_snapshot_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_forecast_accuracy_report_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_territory_menu": {
        "parent": "crm_pipeline_ext.territory_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_territory_member_menu": {
        "parent": "crm_pipeline_ext.territory_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_territory_realign_menu": {
        "parent": "crm_pipeline_ext.territory_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_lead_menu_weighted_pipeline": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_sales_target_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_forecast_submission_menu": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
    "crm_pipeline_ext.crm_forecast_submission_menu_accuracy": {
        "parent": "crm_pipeline_ext.sales_force_menu",
        "groups": [],
    },
}

# Groups the administrator holds from install.
ADMIN_GROUPS = [
    "crm_pipeline_ext.group_pipeline_bypass",
    "crm_pipeline_ext.group_territory_manager",
]


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_tables_name_every_group_and_menu(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertEqual(
            {d.complete_name for d in data if d.model in ("res.groups", "ir.ui.menu")},
            set(GROUPS) | set(MENUS),
        )
