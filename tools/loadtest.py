#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""`make loadtest`: every role of the suite at once against a prefork server.

``python3 tools/loadtest.py --size S`` starts the embedded cluster, installs
``crmload_demo`` (the four addons with demo data, as `make run`) the first
time, copies it, and runs the load test of tools/suite/loadtest.py on the
copy: 10 users for 120 s by default. At M the copy is first enlarged with
the bench generator (bench/generate.py --size M: 100k partners, 300k posted
invoices, 200k leads, 500k activities), kept as ``crmload_m_base``. Prints a
markdown table per action and writes bench/results/loadtest/<date>-<size>.json
with the machine's load. See bench/README.md, "Load test".
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import ADDONS, ROOT, say  # noqa: E402
from suite.loadtest import LoadTestTask, markdown  # noqa: E402
from suite.odoo import prepare  # noqa: E402
from suite.runs import OdooRun  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "loadtest"


def uptime():
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


def enlarge(odoo, python, pg, db, size):
    """The bench generator on a copy of the demo database, then statistics."""
    say(f"{db}: generating size {size} (bench/generate.py)")
    started = time.time()
    cmd = [python, str(ROOT / "bench" / "generate.py"), "--db", db, "--size", size]
    proc = subprocess.run(
        [*cmd, "--config", str(odoo.config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"ERROR: bench/generate.py failed:\n{proc.stderr[-3000:]}")
    pg.query(
        db,
        "VACUUM ANALYZE res_partner, account_move, account_move_line, "
        "crm_lead, mail_message, mail_activity, sale_order_line",
    )
    say(f"{db}: generated in {time.time() - started:.0f}s")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="loadtest", description=__doc__)
    parser.add_argument("--size", choices=("S", "M"), default="S")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--run-time", type=int, default=120, help="seconds")
    parser.add_argument(
        "--base", default="crmload_demo", help="demo database to copy (made if missing)"
    )
    parser.add_argument(
        "--shared-queue",
        action="store_true",
        help="both approvers pick from the whole queue (see the locustfile)",
    )
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    python, pg, odoo = prepare("bench")
    if not pg.db_exists(args.base):
        say(f"{args.base}: installing {', '.join(ADDONS)} with demo data")
        job = OdooRun(odoo, args.base, ADDONS, None)
        job().report()
        if not job.ok:
            return 1
    source = args.base
    if args.size == "M":
        source = "crmload_m_base"
        if not pg.db_exists(source):
            odoo.clone_db(args.base, source)
            enlarge(odoo, python, pg, source, "M")
    db = f"crmload_{args.size.lower()}"
    odoo.drop_clone(db)
    odoo.clone_db(source, db)
    load_before = uptime()
    say(f"{db}: {args.users} users for {args.run_time}s; {load_before}")
    task = LoadTestTask(
        odoo,
        db,
        users=args.users,
        run_time=args.run_time,
        shared_queue=args.shared_queue,
    )()
    task.report()
    result = {
        "size": args.size,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": f"copy of {source}"
        + (" (demo + bench/generate.py M)" if args.size == "M" else " (demo)"),
        "server": "prefork, --workers=2 --max-cron-threads=1",
        "uptime_before": load_before,
        "uptime_after": uptime(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "checks_passed": task.passed,
        "checks_failed": task.failed,
        **task.result,
    }
    if task.result.get("actions"):
        print(
            f"\n### Load test, size {args.size} ({result['date']}), "
            f"{args.users} users for {args.run_time}s\n\n{markdown(result)}\n\n"
            f"load: {load_before} -> {result['uptime_after']}",
            flush=True,
        )
        if not args.no_save:
            RESULTS.mkdir(parents=True, exist_ok=True)
            out = RESULTS / f"{result['date'][:10]}-{args.size}.json"
            out.write_text(json.dumps(result, indent=1) + "\n")
            say(f"results in {out.relative_to(ROOT)}")
    say("load test " + ("passed" if task.ok else "FAILED"))
    return 0 if task.ok else 1


if __name__ == "__main__":
    sys.exit(main())
