# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""`make test`: lint, then every step in a pool of TEST_JOBS threads."""

import concurrent.futures
import subprocess
import time

from . import ADDONS, die, peers, say
from .bare import BareMachineTask
from .bootstrap import find_python
from .lint import cmd_lint
from .loadtest import LoadTestTask
from .multiworker import MultiWorkerTask
from .odoo import prepare
from .replica import ReplicaTask
from .runs import OdooRun
from .tasks import Gate, PytestTask, UninstallTask, UpgradeTask
from .twonode import TwoNodeTask


def suite_tasks(odoo, prefix, demo_gate, all_gate, steps):
    """The upgrade and multi-worker steps work on ``<prefix>demo`` (four
    addons with demo data) or a copy of it; the uninstall steps on copies of
    ``<prefix>all`` (four addons without demo data, where the addons' own
    tests pass). Returns (demo tasks, all tasks)."""
    demo_tasks, all_tasks = [], []
    if "multiworker" in steps:
        demo_tasks.append(MultiWorkerTask(odoo, f"{prefix}mw", demo_gate))
    if "replica" in steps:
        demo_tasks.append(ReplicaTask(odoo, f"{prefix}rep", demo_gate))
    if "loadtest" in steps:
        demo_tasks.append(LoadTestTask(odoo, f"{prefix}load", demo_gate))
    if "twonode" in steps:
        demo_tasks.append(TwoNodeTask(odoo, f"{prefix}jobs", demo_gate))
    if "upgrade" in steps:
        demo_tasks.append(UpgradeTask(odoo, f"{prefix}demo", demo_gate))
    if "uninstall" in steps:
        all_tasks += [
            UninstallTask(odoo, f"{prefix}un_{addon.split('_', 1)[1]}", all_gate, addon)
            for addon in ADDONS
        ]
    return demo_tasks, all_tasks


def then_open(job, gate, ok, before_open=None, skip=False):
    """Run ``job`` (unless ``skip``), then open ``gate`` (with the copies made
    by ``before_open``)."""

    def call():
        try:
            if not skip:
                job()
            if ok(job) and before_open:
                before_open()
            gate.open(ok(job))
        except (OSError, subprocess.SubprocessError) as exc:
            say(f"{job.db}: could not copy the database: {exc}")
            gate.open(False)
        finally:
            gate.set()
        return job

    return call


STEPS = (
    "uninstall",
    "multiworker",
    "replica",
    "loadtest",
    "twonode",
    "upgrade",
    "peers",
    "bare",
)


def cmd_test(args):
    started = time.time()
    python = find_python("test")  # first: without Odoo, fail within seconds
    only = args.only.split(",") if args.only else None
    unknown = set(only or []) - set(STEPS)
    if unknown:
        die(f"--only takes {', '.join(STEPS)}; not {', '.join(sorted(unknown))}")
    lint_rc = 0 if args.no_lint or only else cmd_lint(args)
    python, pg, odoo = prepare("test", need_chromium=True, python=python)
    prefix = args.prefix
    # what `make run` installs: all four with demo data; its log must stay clean
    demo = OdooRun(odoo, f"{prefix}demo", ADDONS, None)
    tags = None if only else [f"/{addon}" for addon in ADDONS]
    all_db = OdooRun(odoo, f"{prefix}all", ADDONS, tags, demo=False)
    demo_gate, all_gate = Gate(), Gate()
    demo_tasks, all_tasks = suite_tasks(
        odoo, prefix, demo_gate, all_gate, only or STEPS
    )
    # the host modules' own tests: a baseline (cached) and a copy of all-four
    peer_jobs = []
    if "peers" in (only or STEPS):
        peer_jobs = peers.jobs(odoo, prefix, all_gate)
        all_tasks.insert(0, peer_jobs[1])
    runs = []

    def base(run, gate, tasks):
        """Install ``run`` (the dev loop reuses it), then copy it for tasks."""
        reuse = bool(only) and pg.db_exists(run.db) and not args.fresh
        if reuse:
            run.returncode = 0
        else:
            runs.append(run)

        def copy():
            for task in tasks:
                if task.db != run.db:
                    odoo.clone_db(run.db, task.db)

        return then_open(run, gate, lambda j: j.returncode == 0, copy, skip=reuse)

    jobs_list = []
    if demo_tasks or not only:
        jobs_list.append(base(demo, demo_gate, demo_tasks))
    jobs_list += peer_jobs[:1]
    if not only:
        alone = [OdooRun(odoo, f"{prefix}{a}", [a], [f"/{a}"]) for a in ADDONS]
        runs += alone
        jobs_list += alone
    if all_tasks or not only:
        jobs_list.append(base(all_db, all_gate, all_tasks))
    tasks = list(demo_tasks)
    if not only:
        tasks.append(PytestTask(odoo, all_db.db, all_gate, python))
    tasks += all_tasks
    if "bare" in (only or STEPS):
        # no database of the others: runs beside them, last
        tasks.append(BareMachineTask(odoo))
    jobs_list += tasks
    jobs = max(1, min(int(args.jobs), len(jobs_list)))
    say(
        f"odoo tests: {len(runs)} fresh databases (demo install, each addon "
        "alone, then all four); on the demo database: upgrade, multi-worker "
        "story, reports on a read replica, all roles at once (load test), "
        "batch jobs shared by two nodes; on "
        "copies of the all-four one: uninstall and reinstall of each addon, "
        f"host modules' own tests; the bare-machine check; {jobs} at a time"
    )
    try:
        with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
            for done in pool.map(lambda job: job(), jobs_list):
                done.report()
    finally:
        pg.stop()
    passed = sum(r.total - r.failed - r.errors for r in runs)
    passed += sum(1 for r in runs if r.ok and not r.tags)  # the installs
    passed += sum(t.passed for t in tasks)
    failed = sum(r.failed + r.errors for r in runs) + sum(t.failed for t in tasks)
    failed += sum(1 for r in runs if not r.ok and not (r.failed or r.errors))
    failed += 1 if lint_rc else 0
    ok = not lint_rc and all(r.ok for r in runs) and all(t.ok for t in tasks)
    say(f"finished in {time.time() - started:.0f}s: {'OK' if ok else 'FAILED'}")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if ok else 1
