# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Steps of `make test` made of checks: upgrade, uninstall and reinstall,
pytest; ``Gate`` orders them after the database they copy."""

import subprocess
import threading
import time

import upgrade_check  # tools/

from . import ADDONS
from .runs import OdooStep, UninstallStep, run_pytest


class Gate(threading.Event):
    """Set when a database other steps work on is ready (``ok``) or failed."""

    ok = False

    def open(self, ok):
        self.ok = ok
        self.set()


class Task:
    """A step of `make test` made of checks, each one passed or failed in the
    summary. Its lines are kept and printed by report(), in the pool's order."""

    title = "checks"

    def __init__(self, odoo, db, gate=None):
        self.odoo = odoo
        self.db = db
        self.gate = gate
        self.passed = self.failed = 0
        self.lines = []

    @property
    def ok(self):
        return self.passed > 0 and not self.failed

    def query(self, sql):
        return self.odoo.pg.query(self.db, sql)

    def check(self, label, ok, detail="", explain=()):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        status = "ok" if ok else "FAILED"
        self.lines.append(
            f"[suite] {label}: {status}" + (f" - {detail}" if detail else "")
        )
        if not ok:
            self.lines += ["    " + str(line) for line in list(explain)[:60]]
        return ok

    def count_tests(self, step, label):
        passed = step.total - step.failed - step.errors
        self.passed += passed
        self.failed += step.failed + step.errors
        if not step.ok and not (step.failed or step.errors):
            self.failed += 1
        self.lines.append(
            f"[suite] {label}: {'ok' if step.ok else 'FAILED'} - {passed} passed, "
            f"{step.failed} failed, {step.errors} errors of {step.total} tests "
            f"({step.where()})"
        )
        if not step.ok:
            self.lines += ["    " + line for line in step.explain()]

    def __call__(self):
        started = time.time()
        if self.gate is not None:
            self.gate.wait()
            if not self.gate.ok:
                self.check(f"{self.db}", False, "its source database is missing")
                return self
        try:
            self.run()
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            self.check(f"{self.db}", False, f"crashed: {exc}")
        self.lines.append(
            f"[suite] {self.db}: {self.title} took {time.time() - started:.0f}s"
        )
        return self

    def run(self):
        raise NotImplementedError

    def report(self):
        for line in self.lines:
            print(line, flush=True)


class UpgradeTask(Task):
    """`-u` the four addons on the demo database: the suite's data is unchanged."""

    title = "upgrade"

    def run(self):
        before = upgrade_check.take(self.query)
        step = OdooStep(self.odoo, self.db, "upgrade", ["-u", ",".join(ADDONS)])()
        self.check(
            f"{self.db}: -u {','.join(ADDONS)}", step.ok, step.where(), step.explain()
        )
        after = upgrade_check.take(self.query)
        diff = upgrade_check.compare(before, after)
        self.check(
            f"{self.db}: suite data unchanged by the upgrade",
            not diff,
            upgrade_check.summary(before),
            diff,
        )


class UninstallTask(Task):
    """On a copy of the all-four database: uninstall one addon, the others'
    tests still pass, then reinstall it."""

    def __init__(self, odoo, db, gate, addon):
        super().__init__(odoo, db, gate)
        self.addon = addon
        self.title = f"uninstall and reinstall {addon}"

    def run(self):
        addon, db = self.addon, self.db
        others = [a for a in ADDONS if a != addon]
        meta = upgrade_check.Snapshot(self.query).metadata()
        step = UninstallStep(self.odoo, db, addon)()
        kept = f"; kept, still in use: {', '.join(step.kept)}" if step.kept else ""
        if not self.check(
            f"{db}: uninstall {addon}", step.ok, step.where() + kept, step.explain()
        ):
            return
        left, kept = upgrade_check.leftovers(self.query, addon, meta)
        kept = f"kept in use: {'; '.join(kept)}" if kept else ""
        self.check(f"{db}: nothing else of {addon} left", not left, kept, left)
        tests = OdooStep(self.odoo, db, "tests", [], [f"/{a}" for a in others])()
        self.count_tests(tests, f"{db}: tests of the others without {addon}")
        step = OdooStep(self.odoo, db, "reinstall", ["-i", addon])()
        (state,) = self.query(
            f"SELECT state FROM ir_module_module WHERE name='{addon}'"
        )
        self.check(
            f"{db}: reinstall {addon}",
            step.ok and state[0] == "installed",
            f"state {state[0]}, {step.where()}",
            step.explain(),
        )
        if self.ok:
            self.odoo.drop_clone(db)


class PytestTask(Task):
    """pytest tests/ on the all-addons database, once it is installed."""

    title = "pytest"

    def __init__(self, odoo, db, gate, python):
        super().__init__(odoo, db, gate)
        self.python = python

    def run(self):
        _ok, passed, failed = run_pytest(
            self.python, self.odoo, self.db, out=self.lines
        )
        self.passed += passed
        self.failed += failed
