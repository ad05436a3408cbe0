# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, tagged

# The install tables of this glue addon, checked by the suite's
# tests/test_install.py as for the four addons: it adds no group; its menus.
MODULE = "crm_pipeline_ext_queue"

GROUPS = {}

MENUS = {}

# Groups the administrator holds from install: none of its own.
ADMIN_GROUPS = []


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_tables_name_every_group_and_menu(self):
        data = self.env["ir.model.data"].search([("module", "=", MODULE)])
        self.assertEqual(
            {d.complete_name for d in data if d.model in ("res.groups", "ir.ui.menu")},
            set(GROUPS) | set(MENUS),
        )
