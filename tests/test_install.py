# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The install test of every addon of the repository, over their manifests.

One test class per folder holding a ``__manifest__.py``: the addon is installed
with the dependencies its manifest declares; its groups, menus and the groups
of the administrator are those that the addon's own ``tests/test_install.py``
lists (GROUPS, MENUS, ADMIN_GROUPS); every record it creates is alive and its
views validate. Each addon's own test checks those records alone.
"""

import ast
import importlib
import re
from pathlib import Path

from odoo.tests import TransactionCase, new_test_user, tagged

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = {
    path.parent.name: ast.literal_eval(path.read_text(encoding="utf-8"))
    for path in sorted(ROOT.glob("*/__manifest__.py"))
}
# the OCA addons that pip installs: a dependency from OCA must be listed there
REQUIREMENTS = set(
    re.findall(
        r"^odoo-addon-(\w+)", (ROOT / "requirements.txt").read_text(), flags=re.M
    )
)


class InstallChecks:
    """The checks of one addon (``addon``); its tables come from its tests."""

    addon = None
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manifest = MANIFESTS[cls.addon]
        spec = importlib.import_module(f"odoo.addons.{cls.addon}.tests.test_install")
        cls.groups, cls.menus = spec.GROUPS, spec.MENUS
        cls.admin_groups = spec.ADMIN_GROUPS

    def _groups(self, xmlids):
        return self.env["res.groups"].browse([self.env.ref(x).id for x in xmlids])

    def test_installed_with_its_dependencies(self):
        module = self.env["ir.module.module"].search([("name", "=", self.addon)])
        self.assertEqual(module.state, "installed")
        self.assertIn(self.addon, self.env.registry._init_modules)
        declared = set(module.dependencies_id.mapped("name"))
        self.assertEqual(declared, set(self.manifest["depends"]))
        self.assertEqual(set(module.dependencies_id.mapped("state")), {"installed"})
        depends = module.search([("name", "in", list(declared))])
        for dep in depends.filtered(lambda m: "(OCA)" in (m.author or "")):
            self.assertIn(dep.name, REQUIREMENTS, "an OCA dependency comes from pip")

    def test_listed_in_apps(self):
        """Companies add the suite from Apps: each addon shows under Apps'
        default filter (applications), with its summary. A glue addon
        (auto-installed beside its addon and another module) is no
        application: it comes by itself."""
        module = self.env["ir.module.module"].search([("name", "=", self.addon)])
        self.assertTrue(module.summary)
        if self.manifest.get("auto_install"):
            self.assertFalse(module.application)
            self.assertTrue(module.auto_install)
        else:
            self.assertTrue(module.application)

    def test_groups(self):
        for xmlid, spec in self.groups.items():
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
        for xmlid in self.admin_groups:
            with self.subTest(group=xmlid):
                self.assertTrue(admin.has_group(xmlid))

    def test_menus(self):
        for xmlid, spec in self.menus.items():
            with self.subTest(menu=xmlid):
                menu = self.env.ref(xmlid)
                self.assertEqual(menu._name, "ir.ui.menu")
                self.assertEqual(menu.parent_id, self.env.ref(spec["parent"]))
                self.assertEqual(menu.group_ids, self._groups(spec["groups"]))

    def test_records_and_views(self):
        """Every xml id of the addon points to a live record; its views validate."""
        data = self.env["ir.model.data"].search([("module", "=", self.addon)])
        self.assertLessEqual(
            set(self.groups) | set(self.menus), set(data.mapped("complete_name"))
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
        for xmlid, spec in self.groups.items():
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


# Odoo tags the test classes of addons by their module path; these live outside
# any addon, so they are tagged here (pytest-odoo reads the tags).
for _addon in MANIFESTS:
    _name = "TestInstall" + "".join(w.title() for w in _addon.split("_"))
    globals()[_name] = tagged("post_install", "-at_install", "crm_suite")(
        type(_name, (InstallChecks, TransactionCase), {"addon": _addon})
    )
