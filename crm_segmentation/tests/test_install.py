# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, tagged

# The install tables of the addon. The suite's tests/test_install.py checks
# them, with the dependencies of the manifest, on a database with every addon
# of the repository; the test below holds with this addon alone.
MODULE = "crm_segmentation"

# Each group of the addon: the groups it implies directly, groups a member must
# end up with, groups a member must NOT get (no escalation to a host-app admin
# level, no upward leak in a tier), and the privilege it is filed under.
GROUPS = {
    "crm_segmentation.group_segmentation_user": {
        "implied": [
            "base.group_user",
        ],
        "has": [
            "base.group_user",
        ],
        "not": [
            "crm_segmentation.group_segmentation_manager",
            "sales_team.group_sale_salesman",
            "base.group_system",
        ],
        "privilege": "crm_segmentation.res_groups_privilege_segmentation",
        "category": "base.module_category_marketing",
    },
    "crm_segmentation.group_segmentation_manager": {
        "implied": [
            "crm_segmentation.group_segmentation_user",
        ],
        "has": [
            "crm_segmentation.group_segmentation_user",
            "base.group_user",
        ],
        "not": [
            "sales_team.group_sale_salesman",
            "base.group_system",
        ],
        "privilege": "crm_segmentation.res_groups_privilege_segmentation",
        "category": "base.module_category_marketing",
    },
}

# Each menu of the addon: its parent in the host app and the groups that see it.
MENUS = {
    "crm_segmentation.segmentation_menu": {
        "parent": "crm.crm_menu_root",
        "groups": [
            "crm_segmentation.group_segmentation_user",
        ],
    },
    "crm_segmentation.crm_segment_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_rfm_score_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_member_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_snapshot_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_snapshot_line_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_migration_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_campaign_run_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_segment_campaign_run_member_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_next_offer_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_rfm_config_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [
            "crm_segmentation.group_segmentation_manager",
        ],
    },
    "crm_segmentation.crm_rfm_class_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [
            "crm_segmentation.group_segmentation_manager",
        ],
    },
    "crm_segmentation.crm_rfm_transition_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_customer_value_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
    "crm_segmentation.crm_customer_month_menu": {
        "parent": "crm_segmentation.segmentation_menu",
        "groups": [],
    },
}

# Groups the administrator holds from install.
ADMIN_GROUPS = [
    "crm_segmentation.group_segmentation_manager",
]


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_tables_name_every_group_and_menu(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertEqual(
            {d.complete_name for d in data if d.model in ("res.groups", "ir.ui.menu")},
            set(GROUPS) | set(MENUS),
        )
