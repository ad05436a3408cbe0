# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""With the four addons installed together: dependencies and conflicts.

Run by `make test` through pytest-odoo on the database where all four addons
are installed; every check goes through the registry and the module records.
That each addon is installed with the dependencies of its manifest is in
test_install.py.
"""

from collections import Counter

from odoo import models
from odoo.tests import TransactionCase, tagged

from .test_install import MANIFESTS

SUITE = list(MANIFESTS)


# Odoo tags the test classes of addons by their module path; these live outside
# any addon, so they are tagged here (pytest-odoo reads the tags).
@tagged("post_install", "-at_install", "crm_suite")
class TestSuiteRegistry(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Module = cls.env["ir.module.module"]
        cls.suite = cls.Module.search([("name", "in", list(SUITE))])

    def test_addons_are_independent(self):
        """No suite addon needs another one, directly or transitively. A glue
        addon (auto_install) extends exactly one of them, and no addon needs
        a glue addon."""
        glue = {
            name for name, manifest in MANIFESTS.items() if manifest.get("auto_install")
        }
        self.assertTrue(glue < set(SUITE))
        for module in self.suite:
            upstream = module.upstream_dependencies(exclude_states=("uninstallable",))
            suite_upstream = set(upstream.mapped("name")) & set(SUITE)
            if module.name in glue:
                self.assertEqual(
                    len(suite_upstream),
                    1,
                    f"{module.name} glues more than one suite addon",
                )
                self.assertFalse(suite_upstream & glue)
            else:
                self.assertFalse(
                    suite_upstream, f"{module.name} depends on another suite addon"
                )

    def test_no_excluded_module_installed(self):
        installed = self.Module.search([("state", "=", "installed")])
        names = set(installed.mapped("name"))
        for module in installed:
            clash = set(module.exclusion_ids.mapped("name")) & names
            self.assertFalse(clash, f"{module.name} excludes installed {clash}")

    def test_no_field_defined_twice_across_the_suite(self):
        """Two suite addons must never add the same field to the same model."""
        data = self.env["ir.model.data"].search(
            [("module", "in", list(SUITE)), ("model", "=", "ir.model.fields")]
        )
        # every module that inherits a model re-registers its magic fields
        magic = {"id", "display_name", *models.MAGIC_COLUMNS}
        per_key = Counter()
        for field in self.env["ir.model.fields"].browse(data.mapped("res_id")):
            if field.name not in magic:
                per_key[(field.model, field.name)] += 1
        self.assertFalse([k for k, n in per_key.items() if n > 1])

    def test_groups_and_menus_have_unique_names(self):
        groups = self.env["res.groups"].search([])
        full_names = Counter(groups.mapped("full_name"))
        suite_groups = self.env["ir.model.data"].search(
            [("module", "in", list(SUITE)), ("model", "=", "res.groups")]
        )
        self.assertTrue(suite_groups, "the suite defines security groups")
        for rec in suite_groups:
            group = self.env["res.groups"].browse(rec.res_id)
            self.assertEqual(full_names[group.full_name], 1, group.full_name)
        suite_menus = self.env["ir.model.data"].search(
            [("module", "in", list(SUITE)), ("model", "=", "ir.ui.menu")]
        )
        self.assertTrue(suite_menus, "the suite defines menus")
        menus = self.env["ir.ui.menu"].browse(suite_menus.mapped("res_id"))
        siblings = Counter((m.parent_id.id, m.name) for m in menus)
        self.assertFalse([k for k, n in siblings.items() if n > 1])

    def test_registry_is_consistent(self):
        """Every relational field of the installed models points at a model."""
        registry = self.env.registry
        self.assertTrue(registry.ready)
        for model_name in registry:
            for field in registry[model_name]._fields.values():
                if field.relational:
                    self.assertIn(field.comodel_name, registry, f"{field}")

    def test_every_suite_model_has_access_rights_and_company_rule(self):
        """Every new model has access rights and multi-company rules."""
        models_seen = 0
        for name in self.env.registry:
            model = self.env.registry[name]
            if model._original_module not in SUITE or model._abstract:
                continue
            models_seen += 1
            access = self.env["ir.model.access"].search_count(
                [("model_id.model", "=", name)]
            )
            self.assertTrue(access, f"{name} has no access rights")
            company = model._fields.get("company_id")
            if company is None or not company.store:
                continue
            rules = self.env["ir.rule"].search(
                [("model_id.model", "=", name), ("global", "=", True)]
            )
            self.assertTrue(
                any("company_ids" in (rule.domain_force or "") for rule in rules),
                f"{name} has a company but no global multi-company rule",
            )
        self.assertGreater(models_seen, 0)
