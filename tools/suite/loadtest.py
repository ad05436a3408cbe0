# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The load-test step: the suite's roles at once against a prefork server.

A prefork server (``--workers=2 --max-cron-threads=1``) on a copy of the demo
database; bench/loadtest/fixture.py sets up what the roles work on, locust
(in its own venv, ~/.cache/crm-suite/locust-venv: its gevent and werkzeug
pins are not Odoo's) runs bench/loadtest/locustfile.py for a fixed time, and
bench/loadtest/checks.py checks by SQL that the data are consistent after.
Any failed call fails the step: a serialization failure or lock wait that
Odoo did not absorb, or any error a user would see.
"""

import csv
import json
import os
import re
import subprocess
import sys
import time

import rpc_client  # tools/

from . import CACHE, LOCAL, ROOT
from .bootstrap import ensure_venv
from .multiworker import serve_prefork
from .runs import log_errors
from .tasks import Task

sys.path.insert(0, str(ROOT / "bench" / "loadtest"))
import checks  # noqa: E402  bench/loadtest/
import fixture  # noqa: E402  bench/loadtest/

LOCUST_VENV = CACHE / "locust-venv"
LOCUST = ["locust==2.*"]
LOCUSTFILE = ROOT / "bench" / "loadtest" / "locustfile.py"
# odoo/service/model.py, retrying(): a concurrency error Odoo ran again
RETRIED = re.compile(r"INFO \S+ odoo\.service\.model: .* tries left, try again in")
GAVE_UP = "maximum number of tries reached"
# Odoo logs the statement a concurrency error interrupted at ERROR ("bad
# query"), then retries the request: such a record is counted, not failed
CONCURRENCY_QUERY = (
    r"odoo\.sql_db: bad query: [\s\S]*^ERROR: +(could not serialize access"
    r"|deadlock detected|could not obtain lock)"
)


class LoadTestTask(Task):
    """Users of every role at once for ``run_time`` seconds."""

    title = "load test"

    def __init__(
        self,
        odoo,
        db,
        gate=None,
        users=8,
        run_time=60,
        lines=(20, 200),
        shared_queue=False,
    ):
        super().__init__(odoo, db, gate)
        self.shared_queue = shared_queue
        self.users = users
        self.run_time = run_time
        self.quote_lines = lines
        self.result = {}

    def run(self):
        locust = ensure_venv(LOCUST_VENV, LOCUST, "the load-test venv (locust)")
        log = serve_prefork(
            self,
            ["--workers=2", "--max-cron-threads=1"],
            f"{self.db}: server with --workers=2 --max-cron-threads=1",
            lambda url, _log, _gevent_port: self.load(locust, url),
        )
        text = log.read_text(errors="replace")
        errors = log_errors(self.odoo.python, log, ignore=(CONCURRENCY_QUERY,))
        errors += [line for line in text.splitlines() if line.startswith("Traceback")]
        self.check(f"{self.db}: server log clean", not errors, str(log), errors)
        interrupted = len(log_errors(self.odoo.python, log)) - len(errors)
        retried = len(RETRIED.findall(text))
        self.result.update(
            concurrency_errors=interrupted,
            retried_requests=retried,
            gave_up_retrying=text.count(GAVE_UP),
        )
        self.check(
            f"{self.db}: concurrency errors absorbed by Odoo's retries",
            not self.result["gave_up_retrying"] and interrupted <= retried,
            f"{interrupted} statements interrupted, {retried} requests retried, "
            f"{self.result['gave_up_retrying']} past the last try",
        )
        if self.ok:
            self.odoo.drop_clone(self.db)

    def load(self, locust, url):
        try:
            fix = fixture.setup(url, self.db, lines=self.quote_lines)
        except (rpc_client.RpcError, AssertionError, OSError) as exc:
            self.check(f"{self.db}: load test set-up", False, str(exc))
            return
        path = LOCAL / "logs" / f"loadtest-{self.db}.json"
        path.write_text(json.dumps(fix, indent=1))
        prefix = LOCAL / "logs" / f"loadtest-{self.db}"
        argv = [
            str(LOCUST_VENV / "bin" / "locust"),
            *("-f", str(LOCUSTFILE), "--headless", "--host", url),
            *("--users", str(self.users), "--spawn-rate", str(self.users)),
            *("--run-time", f"{self.run_time}s", "--stop-timeout", "120"),
            *("--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"),
        ]
        env = dict(os.environ, LOADTEST_FIXTURE=str(path))
        env["LOADTEST_SHARED_QUEUE"] = "1" if self.shared_queue else "0"
        started = time.time()
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=self.run_time + 300,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            self.check(f"{self.db}: locust", False, f"timed out: {exc}")
            return
        (LOCAL / "logs" / f"loadtest-{self.db}-locust.log").write_text(
            proc.stdout + proc.stderr
        )
        rows, total = read_stats(f"{prefix}_stats.csv")
        failures = read_failures(f"{prefix}_failures.csv")
        self.result.update(
            users=self.users,
            run_time_s=self.run_time,
            wall_s=round(time.time() - started, 1),
            quote_lines=list(self.quote_lines),
            approvers_share_queue=self.shared_queue,
            actions=rows,
            total=total,
            failures=failures,
        )
        if not self.check(
            f"{self.db}: locust ran {self.users} users for {self.run_time}s",
            bool(rows) and total.get("requests", 0) > 0,
            f"exit {proc.returncode}, {total.get('requests', 0)} requests",
            (proc.stdout + proc.stderr).splitlines()[-30:],
        ):
            return
        for line in markdown(self.result).splitlines():
            self.lines.append("    " + line)
        self.check(
            f"{self.db}: no user saw an error",
            total["failures"] == 0,
            f"{total['failures']} failed of {total['requests']} requests",
            [f"{f['occurrences']}x {f['name']}: {f['error']}" for f in failures],
        )
        admin = rpc_client.Client(url, self.db, "admin", fix["passwords"]["admin"])
        for label, ok, detail, explain in checks.consistency(self.query, fix, admin):
            self.check(f"{self.db}: {label}", ok, detail, explain)


def read_stats(path):
    """Locust's per-request stats CSV -> rows per action, and the total."""
    rows, total = [], {}
    try:
        with open(path, newline="") as fh:
            for rec in csv.DictReader(fh):
                row = {
                    "action": rec["Name"],
                    "requests": int(rec["Request Count"]),
                    "failures": int(rec["Failure Count"]),
                    "rps": round(float(rec["Requests/s"]), 3),
                    "median_ms": float(rec["Median Response Time"] or 0),
                    "p95_ms": float(rec["95%"] or 0) if rec["95%"] != "N/A" else 0.0,
                    "max_ms": round(float(rec["Max Response Time"] or 0)),
                }
                if rec["Name"] == "Aggregated":
                    total = row
                else:
                    rows.append(row)
    except OSError:
        pass
    return rows, total


def read_failures(path):
    try:
        with open(path, newline="") as fh:
            return [
                {
                    "name": rec["Name"],
                    "error": rec["Error"],
                    "occurrences": int(rec["Occurrences"]),
                }
                for rec in csv.DictReader(fh)
            ]
    except OSError:
        return []


def markdown(result):
    lines = [
        "| action | requests | req/s | median ms | p95 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*result["actions"], {**result["total"], "action": "all"}]:
        lines.append(
            f"| {row['action']} | {row['requests']} | {row['rps']:.2f} | "
            f"{row['median_ms']:.0f} | {row['p95_ms']:.0f} | {row['max_ms']} | "
            f"{row['failures']} |"
        )
    return "\n".join(lines)
