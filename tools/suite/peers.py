# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Peer suites: the modules we extend keep their behaviour (see README).

Their own tests run with pytest-odoo on a copy of the all-four database and on
a baseline database with the closure of our manifests' ``depends`` but none of
ours, whose results are cached per suite under <cache>/peer-baseline.
tools/peer_plugin.py records each test's result.
"""

import hashlib
import json
import os
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path

import peer_expected  # tools/

from . import ADDONS, CACHE, LOCAL, ROOT, TOOLS, die, run
from .odoo import prepare
from .runs import InitDbRun, OdooRun
from .tasks import Gate

# module -> its test files (every tests/test_*.py when empty); "-x" leaves x out
SUITES = {
    "crm": (),
    "sale_crm": (),
    "sale": (
        "test_sale_order.py",
        "test_sale_prices.py",
        "test_sale_to_invoice.py",
        "test_taxes_downpayment.py",
        "test_sale_flow.py",
        "test_taxes_global_discount.py",
    ),
    "sale_management": (),
    "sale_mrp": (),
    "contract": (),
    "helpdesk_mgmt": ("-test_js.py",),  # JavaScript unit suites in a browser
    "base_tier_validation": (),
    "sale_tier_validation": (),
}
FORMAT = "peer-2"  # change when the stored results change meaning
TIMEOUT = 3600  # seconds for one pytest run over the suites
RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
VERSIONS_CODE = r"""
import importlib.metadata as md, odoo.release as r
print("odoo " + ".".join(map(str, r.version_info)))
for d in md.distributions():
    n = (d.metadata["Name"] or "").lower().replace("_", "-")
    if n.startswith("odoo-addon-") or n in ("pytest", "pytest-odoo"):
        print(f"{n}=={d.version}")
"""


def failing(result):
    return bool(result) and result["outcome"] in ("failed", "error")


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def of_suite(results, suite):
    return {k: v for k, v in results.items() if k.startswith(f"{suite}/")}


class Plan:
    """Where the suites are, what the baseline installs, its cache keys."""

    def __init__(self, odoo, suites):
        self.suites = suites
        dirs = self.dirs = {}
        for root in odoo.addons_path():  # computed from odoo.addons.__path__
            for child in sorted(Path(root).iterdir()):
                if (child / "__manifest__.py").is_file():
                    dirs.setdefault(child.name, child)
        # the closure of our manifests' depends, without ours (manifestoo)
        cmd = [odoo.python, "-m", "manifestoo", "--addons-path-python", odoo.python]
        cmd += ["--addons-path", ",".join(odoo.addons_path())]
        cmd += ["--select-addons-dir", str(ROOT), "list-depends", "--transitive"]
        out = run(cmd, capture_output=True, text=True).stdout
        self.host = sorted(set(out.split()) - set(ADDONS))
        out = run([odoo.python, "-c", VERSIONS_CODE], capture_output=True, text=True)
        ours = tuple(f"odoo-addon-{a.replace('_', '-')}==" for a in ADDONS)
        versions = sorted(v for v in out.stdout.split("\n") if not v.startswith(ours))
        self.files, self.keys = {}, {}
        for suite in suites:
            tests, spec = dirs[suite] / "tests", SUITES[suite]
            named = [tests / f for f in spec if not f.startswith("-")]
            if not all(path.is_file() for path in named):
                raise RuntimeError(f"peer suite {suite}: missing one of {named}")
            files = named or sorted(tests.glob("test_*.py"))
            files = self.files[suite] = [f for f in files if f"-{f.name}" not in spec]
            parts = [FORMAT, *versions, *self.host, *(f.name for f in files)]
            for path in sorted(tests.rglob("*.py")):
                parts.append(f"{path.relative_to(tests)}:{sha(path.read_text())}")
            self.keys[suite] = sha("\n".join(parts))

    def cache(self, suite):
        folder = CACHE / "peer-baseline"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{suite}-{self.keys[suite]}.json"

    def run(self, odoo, db, suites, rerun):
        """pytest-odoo over ``suites`` on ``db``: (exit, {node: result}, log).
        The failures ``rerun`` accepts run once more: those passing then are
        load-sensitive (tours, timings), and count as passed but "flaky"."""
        files = [str(f) for suite in suites for f in self.files[suite]]
        code, results, log = pytest(odoo, db, files, db)
        again = [n for n, r in results.items() if failing(r) and rerun(n)]
        if code in (0, 1) and again:
            nodes = [str(self.dirs[n.split("/")[0]].parent / n) for n in again]
            _code, second, _log = pytest(odoo, db, nodes, f"{db}-rerun")
            for node in again:
                if node in second and not failing(second[node]):
                    results[node] = dict(second[node], flaky=results[node]["line"])
        return code, results, log


def pytest(odoo, db, files, name):
    """One pytest-odoo run: (exit code, {node id: result}, log)."""
    sink, log = LOCAL / "logs" / f"{name}.jsonl", LOCAL / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    sink.unlink(missing_ok=True)
    cmd = [odoo.python, "-m", "pytest", "-c", str(ROOT / "pytest.ini"), "--rootdir=/"]
    cmd += ["-p", "peer_plugin", "-q", "--continue-on-collection-errors"]
    cmd += [f"--odoo-database={db}", f"--odoo-config={odoo.config}", "--odoo-http"]
    here = str(TOOLS)  # peer_plugin
    path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, PEER_RESULTS=str(sink), PYTHONPATH=path)
    with open(log, "w") as fh:
        fh.write("$ " + shlex.join(cmd + [str(f) for f in files]) + "\n")
        fh.flush()
        kw = {"stdout": fh, "stderr": subprocess.STDOUT, "cwd": ROOT, "env": env}
        proc = subprocess.Popen(cmd + files, start_new_session=True, **kw)
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session we started, only
            code = f"timeout after {TIMEOUT}s ({proc.wait()})"
    results = {}
    for raw in sink.read_text().splitlines() if sink.is_file() else ():
        rec = json.loads(raw)
        res = results.setdefault(rec["id"], {"outcome": "passed", "seconds": 0.0})
        res["seconds"] = round(res["seconds"] + rec["seconds"], 2)
        if RANK[rec["outcome"]] > RANK[res["outcome"]]:
            res["outcome"] = rec["outcome"]
        if failing(rec) and not res.get("line"):
            res["line"] = rec["line"]
    return code, results, log


def compare(suites, base, ours, expected):
    """Markdown table per suite, notes, tests passing with ours, failures."""
    head = (
        "suite|tests|fail without ours|fail with ours|only with ours|s without|s with"
    )
    table = ["| " + head.replace("|", " | ") + " |", "|---" * 7 + "|"]
    notes, seen, passed, failed = [], set(), 0, 0
    for suite in suites:
        mine, theirs = of_suite(ours, suite), of_suite(base, suite)
        new = [n for n in mine if failing(mine[n]) and not failing(theirs.get(n))]
        passed += sum(not failing(r) for r in mine.values())
        for node in sorted(new):
            seen.add(node)
            if node in expected:
                notes.append(f"expected ({expected[node]}): {node}")
            else:
                failed += 1
                notes.append(f"FAILED only with ours: {node} - {mine[node]['line']}")
        gone = sorted(set(theirs) - set(mine))
        failed += len(gone)
        notes += [f"FAILED not run with ours: {node}" for node in gone]
        notes += [f"not in the baseline: {n}" for n in sorted(set(mine) - set(theirs))]
        flaky = sorted(n for n in mine if mine[n].get("flaky"))
        notes += [f"flaky, passed on rerun: {n} - {mine[n]['flaky']}" for n in flaky]
        fails = [sum(map(failing, x.values())) for x in (theirs, mine)]
        secs = [round(sum(r["seconds"] for r in x.values())) for x in (theirs, mine)]
        cells = [suite, len(mine), *fails, len(new), *secs]
        table.append("| " + " | ".join(map(str, cells)) + " |")
    stale = sorted(set(expected) - seen)
    notes += [f"expected difference not seen (remove it?): {node}" for node in stale]
    return table, notes, passed, failed


class Job:
    """A step run by the harness' pool: called once, then report()ed."""

    title = "peer suites"

    def __init__(self, odoo, db):
        self.odoo, self.db, self.lines = odoo, db, []
        self.passed = self.failed = 0
        self.done = threading.Event()

    @property
    def ok(self):
        return self.passed > 0 and not self.failed

    def say(self, msg):
        self.lines.append(f"[suite] {self.db}: {msg}")

    def fail(self, msg):
        self.failed += 1
        self.say(f"{self.title} FAILED - {msg}")

    def installed(self):
        sql = "SELECT name FROM ir_module_module WHERE state='installed'"
        rows = self.odoo.pg.query(self.db, sql)
        return sorted(r[0] for r in rows if r[0] not in ADDONS)

    def __call__(self):
        started = time.time()
        try:
            self.run()
        except Exception as exc:  # a bug here must not stop the other steps
            self.fail(f"crashed: {exc!r}")
        finally:
            self.done.set()
        self.say(f"{self.title} took {time.time() - started:.0f}s")
        return self

    def report(self):
        print("\n".join(self.lines), flush=True)


class Baseline(Job):
    """The suites' results without our addons: from the cache, or from a
    fresh database with the host modules only (then cached, per suite)."""

    title = "peer suites baseline"

    def __init__(self, odoo, db, suites, fresh=False):
        super().__init__(odoo, db)
        self.suites, self.fresh = suites, fresh
        self.plan, self.results, self.modules = None, {}, None

    def run(self):
        self.plan = plan = Plan(self.odoo, self.suites)
        todo = [s for s in self.suites if self.fresh or not plan.cache(s).is_file()]
        for suite in set(self.suites) - set(todo):
            data = json.loads(plan.cache(suite).read_text())
            self.results.update(data["results"])
            self.modules = data["modules"]
        self.passed = len(self.suites) - len(todo)
        folder = plan.cache(self.suites[0]).parent
        self.say(f"{self.passed} of {len(self.suites)} suites from the cache {folder}")
        if not todo:
            return
        build = OdooRun(self.odoo, self.db, plan.host, None, demo=False)()
        self.say(f"build {build.seconds:.0f}s: {len(plan.host)} modules")
        if not build.ok:
            return self.fail(f"install failed, log {build.log}")
        self.modules, started = self.installed(), time.time()
        code, results, log = plan.run(self.odoo, self.db, todo, lambda n: True)
        took = time.time() - started
        self.say(f"run {took:.0f}s of {', '.join(todo)} (exit {code}, {log})")
        for suite in todo:
            mine = of_suite(results, suite)
            if code not in (0, 1) or not mine:
                return self.fail(f"no result of {suite} (exit {code}, log {log})")
            data = {"results": mine, "modules": self.modules, "suite": suite}
            for stale in plan.cache(suite).parent.glob(f"{suite}-*.json"):
                stale.unlink()  # results of older versions
            plan.cache(suite).write_text(json.dumps(data, indent=0, sort_keys=True))
            self.results.update(mine)
            self.passed += 1
        self.odoo.drop_clone(self.db)


class PeerTask(Job):
    """The suites on a copy of the all-four database, against the baseline."""

    def __init__(self, odoo, db, gate, baseline):
        super().__init__(odoo, db)
        self.gate, self.baseline = gate, baseline

    def run(self):
        self.gate.wait()
        self.baseline.done.wait()
        if not self.gate.ok:
            return self.fail("its source database is missing")
        if not self.baseline.ok:
            return self.fail(f"no baseline (see {self.baseline.db} above)")
        plan, started = self.baseline.plan, time.time()
        base = self.baseline.results
        code, ours, log = plan.run(
            self.odoo, self.db, plan.suites, lambda n: not failing(base.get(n))
        )
        self.say(f"with-ours run {time.time() - started:.0f}s (exit {code}, {log})")
        if code not in (0, 1):
            self.fail(f"pytest exit {code}, log {log}")
        mods, base_mods = self.installed(), self.baseline.modules
        if mods != base_mods:
            diff = sorted(set(mods) ^ set(base_mods or ()))
            self.fail(f"host modules differ from the baseline's: {diff}")
        table, notes, passed, failed = compare(
            plan.suites, base, ours, peer_expected.EXPECTED
        )
        self.passed, self.failed = self.passed + passed, self.failed + failed
        out = LOCAL / "logs" / "peer-suites.md"
        out.write_text("\n".join(table + [""] + notes) + "\n")
        self.lines += ["[suite] peer suites (host modules' own tests):", *table]
        self.lines += ["    " + note for note in notes]
        self.say(f"table in {out}")
        if self.ok:
            self.odoo.drop_clone(self.db)


def jobs(odoo, prefix, gate, suites=None, fresh=False):
    """The baseline job (run it early) and the task on ``<prefix>peer``, a
    copy of the all-four database made before ``gate`` opens."""
    baseline = Baseline(odoo, f"{prefix}peerbase", suites or list(SUITES), fresh)
    return baseline, PeerTask(odoo, f"{prefix}peer", gate, baseline)


def cmd_peers(args):
    """Dev loop: the peer suites on a copy of a reused all-four database."""
    unknown = set(args.suite or ()) - set(SUITES)
    if unknown:
        die(f"unknown suite(s) {sorted(unknown)}; one of {list(SUITES)}")
    _python, pg, odoo = prepare("test", need_chromium=True)
    if args.fresh or not pg.db_exists(args.db):
        job = InitDbRun(odoo, args.db, ADDONS, demo=False)
        job().report()
        if not job.ok:
            return 1
    gate = Gate()
    baseline, task = jobs(odoo, "crmdev_", gate, args.suite, args.rebaseline)
    odoo.clone_db(args.db, task.db)
    gate.open(True)
    baseline().report()
    task().report()
    print(f"{task.passed} passed, {task.failed} failed", flush=True)
    return 0 if task.ok else 1
