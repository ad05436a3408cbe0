# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The commands of tools/suite.py (see `python3 tools/suite.py --help`)."""

import argparse
import os
import re
import signal
import subprocess
import threading

import suite

from . import ADDONS, ODOO_SERIES, ROOT, die, peers, run, say
from .bare import BareMachineTask
from .bootstrap import ensure_chromium, ensure_requirements, find_python
from .cluster import Postgres
from .lint import cmd_lint
from .multiworker import wait_http
from .odoo import Odoo, port_in_use, prepare
from .runs import InitDbRun, OdooRun, run_pytest
from .testrun import cmd_test


def cmd_addon(args):
    """Developer loop: one addon alone in a fresh database, its tests only.

    The cluster is left running (other runs may share it); `make stop` stops it.
    """
    unknown = set(args.addons) - set(ADDONS)
    if unknown:
        die(f"unknown addon(s): {', '.join(sorted(unknown))}; one of {ADDONS}")
    _python, _pg, odoo = prepare("test", need_chromium=True)
    name = "_".join(a.split("_", 1)[1] for a in args.addons)
    job = OdooRun(odoo, f"crmdev_{name}", args.addons, [f"/{a}" for a in args.addons])
    job().report()
    return 0 if job.ok else 1


def cmd_pytest(args):
    """Developer loop for tests/: pytest on a database with all four addons.

    The database (``crmdev_all`` by default) is installed once and reused;
    ``--fresh`` reinstalls it. The cluster is left running.
    """
    python, _pg, odoo = prepare("test", need_chromium=True)
    if args.fresh or not odoo.pg.db_exists(args.db):
        job = InitDbRun(odoo, args.db, ADDONS, demo=False)
        job().report()
        if not job.ok:
            return 1
    pytest_args = [a for a in args.pytest_args if a != "--"] or ["tests"]
    ok, _passed, _failed = run_pytest(
        python, odoo, args.db, pytest_args, f"pytest-{args.db}.log"
    )
    return 0 if ok else 1


def cmd_run(args):
    port = int(os.environ.get("ODOO_PORT") or args.port)
    if port_in_use(port):
        die(
            f"port {port} on 127.0.0.1 is already in use. Set ODOO_PORT to another "
            f"port, e.g. `make run ODOO_PORT={port + 1}`.",
            code=3,
        )
    python, pg, odoo = prepare("run", python=find_python("run"))
    db = os.environ.get("ODOO_DB") or args.db
    extra = []
    if not pg.db_exists(db):
        say(
            f"creating database {db} with the four addons and demo data "
            "(click-odoo-initdb: a copy of a cached template when one fits)"
        )
        job = InitDbRun(odoo, db, ADDONS, demo=True)()
        job.report()
        if not job.ok:
            pg.stop()
            return 1
    else:
        say(f"{db}: updating the addons whose files changed (click-odoo-update)")
        tool = [python, "-m", "click_odoo_contrib.update", "-c", str(odoo.config)]
        if run([*tool, "-d", db, "--ignore-core-addons"], check=False).returncode:
            pg.stop()
            die(f"click-odoo-update of {db} failed (see above)")
    workers = int(os.environ.get("ODOO_WORKERS") or args.workers)
    if workers:
        # prefork, as in production: HTTP workers, one cron worker, and the
        # websocket (bus) on the gevent port, where a proxy sends /websocket
        gevent_port = os.environ.get("ODOO_GEVENT_PORT") or str(port + 3)
        extra += ["--workers", str(workers), "--max-cron-threads", "1"]
        extra += ["--gevent-port", gevent_port]
        say(f"{workers} HTTP workers, 1 cron worker, websocket on port {gevent_port}")
    if os.environ.get("ODOO_PROXY_MODE"):
        extra.append("--proxy-mode")
    if os.environ.get("ODOO_REPLICA"):
        # read-only requests (reports, lists, exports) on a streaming replica
        host, replica_port = pg.start_replica()
        extra += [
            "--db_replica_host",
            str(host),
            "--db_replica_port",
            str(replica_port),
        ]
        say(f"read-only requests served by the replica at {host}:{replica_port}")
    url = f"http://127.0.0.1:{port}/web/login"
    cmd = (odoo.prefork_cmd if workers else odoo.cmd)(
        "-d",
        db,
        "--db-filter",
        f"^{re.escape(db)}$",
        "--http-port",
        str(port),
        "--http-interface",
        os.environ.get("ODOO_HTTP_INTERFACE") or "127.0.0.1",
        *extra,
    )
    print(
        f"\n  Odoo will answer on {url}\n  login: admin   password: admin\n", flush=True
    )
    proc = subprocess.Popen(cmd, cwd=ROOT)

    def announce():
        if wait_http(url, proc, timeout=24 * 3600):
            print(
                f"\n  READY: {url}  (login admin / admin; "
                "Ctrl-C stops Odoo and the embedded PostgreSQL)\n",
                flush=True,
            )

    threading.Thread(target=announce, daemon=True).start()

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    # `kill` (SIGTERM) stops Odoo and the cluster the same way Ctrl-C does
    signal.signal(signal.SIGTERM, interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0
    finally:
        if os.environ.get("ODOO_REPLICA"):
            pg.stop_replica()
        pg.stop()


def cmd_setup(_args):
    python = find_python("setup")
    ensure_requirements(python)
    ensure_chromium()
    say(f"Odoo {ODOO_SERIES}.0 found in {python}; requirements and chromium ready")
    return 0


def cmd_bare(args):
    """The bare-machine check alone (a step of `make test`)."""
    task = BareMachineTask(Odoo(find_python("test"), None), keep=args.keep)()
    task.report()
    print(f"{task.passed} passed, {task.failed} failed", flush=True)
    return 0 if task.ok else 1


def cmd_stop(_args):
    Postgres().stop(force=True)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="suite", description=suite.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="serve Odoo with the four addons and demo data")
    p_run.add_argument("--port", default="8069")
    p_run.add_argument("--db", default="crm_suite")
    p_run.add_argument("--workers", default="0", help="prefork HTTP workers")
    p_test = sub.add_parser("test", help="lint + Odoo tests + pytest tests/")
    p_test.add_argument("--no-lint", action="store_true")
    p_test.add_argument("--jobs", default=os.environ.get("TEST_JOBS", "2"))
    # dev loop: only these steps (upgrade,uninstall,multiworker,replica,
    # loadtest,...) on a reused <prefix>demo database (--fresh reinstalls
    # it); no lint, no other tests
    p_test.add_argument("--only", help=argparse.SUPPRESS)
    p_test.add_argument("--prefix", default="crmt_", help=argparse.SUPPRESS)
    p_test.add_argument("--fresh", action="store_true", help=argparse.SUPPRESS)
    sub.add_parser("lint", help="ruff, ruff format --check, pylint-odoo")
    p_addon = sub.add_parser("addon", help="test addons in a fresh db (dev loop)")
    p_addon.add_argument("addons", nargs="+")
    p_pytest = sub.add_parser(
        "pytest", help="pytest tests/ on a reused all-addons db (dev loop)"
    )
    p_pytest.add_argument("--db", default="crmdev_all")
    p_pytest.add_argument("--fresh", action="store_true")
    p_pytest.add_argument("pytest_args", nargs=argparse.REMAINDER)
    p_peers = sub.add_parser(
        "peers", help="host modules' own tests with and without ours (dev loop)"
    )
    p_peers.add_argument("--suite", action="append", help="one of the suites")
    p_peers.add_argument("--db", default="crmdev_all")
    p_peers.add_argument("--fresh", action="store_true")
    p_peers.add_argument("--rebaseline", action="store_true")
    p_bare = sub.add_parser(
        "bare", help="the bare-machine check: make setup and an addon from nothing"
    )
    p_bare.add_argument("--keep", action="store_true", help="keep its temp folder")
    sub.add_parser("stop", help="stop the embedded PostgreSQL cluster")
    sub.add_parser("setup", help="find Odoo, install requirements and chromium")
    args = parser.parse_args(argv)
    handler = {
        "run": cmd_run,
        "test": cmd_test,
        "lint": cmd_lint,
        "addon": cmd_addon,
        "pytest": cmd_pytest,
        "peers": peers.cmd_peers,
        "stop": cmd_stop,
        "setup": cmd_setup,
        "bare": cmd_bare,
    }[args.command]
    return handler(args)
