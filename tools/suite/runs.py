# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Odoo run (install, tests, upgrade, uninstall) and what its log says;
one pytest run."""

import re
import shlex
import subprocess
import time

from . import LOCAL, ROOT, say
from .odoo import free_port

ODOO_TEST_RESULT = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
# checklog-odoo fails on every record above INFO: WARNING ones pass here
WARNING = r"\A\S+ \S+ \d+ WARNING "
RECORD_START = re.compile(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ )")


def log_errors(python, log, ignore=()):
    """The ERROR and CRITICAL records of an Odoo log, each with the lines
    that follow it (traceback, SQL error), as checklog-odoo finds them."""
    cmd = [python, "-m", "checklog_odoo", "--no-err-if-empty", "--no-echo"]
    cmd += [f"--ignore={regex}" for regex in (WARNING, *ignore)]
    out = subprocess.run([*cmd, str(log)], capture_output=True, text=True, check=False)
    if out.returncode == 0:
        return []
    found = re.search(r"^errors that caused failure \(\d+\):$", out.stdout, re.M)
    if not found:
        return [f"checklog-odoo on {log}: {(out.stderr or out.stdout).strip()[-500:]}"]
    records = RECORD_START.split(out.stdout[found.end() :].strip("\n"))
    return ["\n    ".join(r.splitlines()[:15]) for r in records]


class OdooRun:
    """One `odoo --test-enable --stop-after-init` run on a fresh database.

    Without ``tags`` it only installs (with demo data, as `make run` does) and
    checks the log: no test is expected then.
    """

    fresh = True  # drop the database first

    def __init__(self, odoo, db, install, tags, demo=None):
        self.demo = tags is None if demo is None else demo
        self.odoo = odoo
        self.db = db
        self.install = install
        self.tags = tags
        self.log = LOCAL / "logs" / f"{db}.log"
        self.returncode = None
        self.failed = self.errors = self.total = 0
        self.error_lines = []
        self.seconds = 0.0

    def odoo_args(self):
        """What this run does to the database (here: install the addons)."""
        return ["-i", ",".join(self.install)] if self.install else []

    def command(self):
        mode = ["--with-demo"] if self.demo else []
        if self.tags:
            mode += ["--test-enable", "--test-tags", ",".join(self.tags)]
        return self.odoo.cmd(
            "-d",
            self.db,
            *self.odoo_args(),
            *mode,
            "--stop-after-init",
            "--http-port",
            str(free_port()),
            "--log-level=test",
            "--max-cron-threads=0",
        )

    def __call__(self):
        start = time.time()
        if self.fresh:
            self.odoo.pg.drop_db(self.db)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        with open(self.log, "w") as fh:
            fh.write("$ " + shlex.join(cmd) + "\n")
            fh.flush()
            proc = subprocess.run(
                cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, check=False
            )
        self.returncode = proc.returncode
        self.seconds = time.time() - start
        self.parse()
        return self

    def parse(self):
        found = False
        for line in self.log.read_text(errors="replace").splitlines():
            m = ODOO_TEST_RESULT.search(line)
            if m:
                found = True
                self.failed += int(m.group(1))
                self.errors += int(m.group(2))
                self.total += int(m.group(3))
        self.error_lines = log_errors(self.odoo.python, self.log)
        if not found and self.tags:
            self.error_lines.append(f"no test result line in {self.log}")

    @property
    def ok(self):
        return (
            self.returncode == 0
            and not self.error_lines
            and (self.total > 0 or not self.tags)
            and not self.failed
            and not self.errors
        )

    def report(self):
        status = "ok" if self.ok else "FAILED"
        if not self.tags:
            say(
                f"{self.db}: {status} - installed {', '.join(self.install)} "
                f"{'with' if self.demo else 'without'} demo data "
                f"({self.seconds:.0f}s, exit {self.returncode}, log {self.log})"
            )
            self._explain()
            return
        passed = self.total - self.failed - self.errors
        say(
            f"{self.db}: {status} - {passed} passed, {self.failed} failed, "
            f"{self.errors} errors of {self.total} tests "
            f"({self.seconds:.0f}s, exit {self.returncode}, log {self.log})"
        )
        self._explain()

    def _explain(self):
        if not self.ok:
            if self.total == 0 and self.tags:
                say(f"{self.db}: ran no test")
            for line in self.error_lines[:60]:
                print("    " + line)
            if self.returncode:
                print(f"    --- last lines of {self.log} ---")
                tail = self.log.read_text(errors="replace").splitlines()[-40:]
                for line in tail:
                    print("    " + line)


class InitDbRun(OdooRun):
    """`click-odoo-initdb`: a database with ``install`` copied from its cache
    of template databases, which is keyed by the addons' files (with their
    dependencies and auto-installs); installed (and cached) when none fits."""

    def __init__(self, odoo, db, install, demo):
        super().__init__(odoo, db, install, None, demo=demo)
        self.log = LOCAL / "logs" / f"{db}-initdb.log"

    def command(self):
        tool = [self.odoo.python, "-m", "click_odoo_contrib.initdb"]
        demo = "--demo" if self.demo else "--no-demo"
        return [
            *tool,
            *("-c", str(self.odoo.config), "--log-level", "info"),
            *("-n", self.db, "-m", ",".join(self.install), demo),
            *("--cache-prefix", "crmsuite"),
        ]


class OdooStep(OdooRun):
    """One Odoo run on an existing database: upgrade, uninstall, tests, install.

    ``argv`` starting with "click-odoo-uninstall" runs that instead of odoo.
    """

    fresh = False

    def __init__(self, odoo, db, label, argv, tags=None):
        super().__init__(odoo, db, [], tags, demo=False)
        self.argv = argv
        self.log = LOCAL / "logs" / f"{db}-{label}.log"

    def command(self):
        if self.argv[:1] == ["click-odoo-uninstall"]:
            module = [self.odoo.python, "-m", "click_odoo_contrib.uninstall"]
            return [*module, "-c", str(self.odoo.config), "-d", self.db, *self.argv[1:]]
        return super().command()

    def odoo_args(self):
        return self.argv

    def where(self):
        return f"{self.seconds:.0f}s, exit {self.returncode}, log {self.log}"

    def explain(self):
        lines = list(self.error_lines[:40])
        if self.returncode:
            tail = self.log.read_text(errors="replace").splitlines()[-30:]
            lines += [f"--- last lines of {self.log} ---", *tail]
        return lines


class UninstallStep(OdooStep):
    """`click-odoo-uninstall -m <addon>` on an existing database.

    Odoo deletes the addon's records in savepoints and keeps those other
    records still use (a demo product on an invoice line); odoo.sql_db logs
    each such refused DELETE as ERROR "bad query" although the uninstall goes
    on. Those are listed in ``kept``; any other ERROR record fails the step.
    """

    REFUSED = re.compile(r'bad query: b?.DELETE FROM "(\w+)" WHERE id IN \(([\d, ]+)\)')
    FK = re.compile(r'violates foreign key constraint "\w+" on table "(\w+)"')

    def __init__(self, odoo, db, addon):
        argv = ["click-odoo-uninstall", "-m", addon]
        super().__init__(odoo, db, "uninstall", argv)
        self.kept = []

    def parse(self):
        super().parse()
        errors = []
        for record in self.error_lines:  # with the SQL error lines after it
            refused, fk = self.REFUSED.search(record), self.FK.search(record)
            if refused and fk:
                self.kept.append(
                    f"{refused.group(1)} {refused.group(2)} (used by {fk.group(1)})"
                )
            else:
                errors.append(record)
        self.error_lines = errors


def run_pytest(python, odoo, db, args=("tests",), log_name="pytest.log", out=None):
    """pytest-odoo on ``db``; its lines go to ``out`` (a list) or stdout."""

    def emit(line):
        if out is None:
            print(line, flush=True)
        else:
            out.append(line)

    log = LOCAL / "logs" / log_name
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rfE",
        f"--odoo-database={db}",
        f"--odoo-config={odoo.config}",
        "--odoo-http",
        *args,
    ]
    emit(f"[suite] pytest (pytest-odoo) on {' '.join(args)}")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    log.write_text("$ " + shlex.join(cmd) + "\n" + output)
    counts = {}
    summary = [
        line
        for line in output.splitlines()
        if re.search(r"\d+ (passed|failed|errors?|skipped)\b", line)
    ]
    for word in ("passed", "failed", "error", "errors", "skipped"):
        m = re.search(rf"(\d+) {word}\b", summary[-1] if summary else "")
        counts[word] = int(m.group(1)) if m else 0
    errors = counts["error"] + counts["errors"] + counts["skipped"]
    ok = proc.returncode == 0 and counts["passed"] > 0 and not errors
    if not ok and not (counts["failed"] or errors):
        errors = 1  # crashed, collected nothing, or an error outside any test
    tail = output.strip().splitlines()[-25:]
    for line in tail if not ok else tail[-1:]:
        emit("    " + line)
    if proc.returncode == 5:
        emit("[suite] pytest collected no test")
    return ok, counts["passed"], counts["failed"] + errors
