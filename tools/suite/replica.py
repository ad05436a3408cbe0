# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The replica step: the suite's reports are served by a read-only replica.

A hot standby streams the embedded cluster's WAL (``pg_basebackup -R``); a
prefork Odoo server is given it as ``--db_replica_host/--db_replica_port``.
Odoo opens a read-only request (``readonly`` route, or an ``@api.readonly``
method over call_kw) on the replica, and logs each request's cursor: ``ro``
(the replica), ``rw`` (the primary), ``ro->rw`` (a read-only request that
tried to write and was run again on the primary). The step calls the suite's
reports as the users whose job they are, and checks the log and the standby.
"""

import json
import re
import time
import urllib.parse
import urllib.request

import rpc_client  # tools/

from .multiworker import serve_prefork
from .runs import log_errors
from .tasks import Task

# "POST /web/dataset/call_kw/<model>/<method> HTTP/1.1" 200 - <queries> <s> <s> ro
REQUEST = re.compile(
    r'werkzeug: .*"(?:GET|POST) (\S+) HTTP/[\d.]+" \d+ .* (ro->rw|ro|rw)$'
)
KPI = "crm.salesperson.kpi.report"
ACCURACY = "crm.forecast.accuracy.report"


class ReplicaTask(Task):
    """Reports over HTTP on a server reading from a streaming replica."""

    title = "read replica"
    # (login, password) of the salesperson and the manager who open the
    # reports: the demo data's users
    SALES = ("sales", "sales")
    MANAGER = ("admin", "admin")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # what the reports' calls were, the cursor each was served by, and
        # their seconds: (what, seconds)
        self.paths, self.modes, self.timings = [], {}, []

    def run(self):
        pg = self.odoo.pg
        host, port = pg.start_replica()
        try:
            self.check(
                f"{self.db}: streaming replica (hot standby) of the cluster",
                self.wait_standby(pg),
                f"{host}:{port}",
            )
            self.serve(host, port)
        finally:
            pg.stop_replica()
        if self.ok:
            self.odoo.drop_clone(self.db)

    def wait_standby(self, pg, timeout=120):
        """The standby accepts read-only queries on the copied database."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                rows = pg.replica_query(self.db, "SELECT pg_is_in_recovery()")
                return rows == [["t"]]
            except RuntimeError:
                time.sleep(2)
        return False

    def serve(self, host, port):
        log = serve_prefork(
            self,
            [
                *("--workers=2", "--max-cron-threads=0"),
                *("--db_replica_host", str(host), "--db_replica_port", str(port)),
                *("--log-handler", "werkzeug:INFO"),
            ],
            f"{self.db}: server with --db_replica_host/--db_replica_port",
            lambda url, log, _gevent_port: self.reports(url, log),
        )
        errors = log_errors(self.odoo.python, log)
        self.check(f"{self.db}: server log clean", not errors, str(log), errors)

    def standby_commits(self):
        rows = self.odoo.pg.replica_query(
            "postgres",
            # a read-only request's transaction is rolled back, not committed
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            f"WHERE datname = '{self.db}'",
        )
        return int(rows[0][0]) if rows else 0

    def reports(self, url, log):
        """The reports as their users open them; then one write, for contrast."""
        before = self.standby_commits()
        start = len(log.read_text(errors="replace").splitlines())
        try:
            paths, lead_id = self.calls(url)
        except rpc_client.RpcError as exc:
            self.check(f"{self.db}: the reports answer", False, str(exc))
            return
        self.check(f"{self.db}: the reports answer", True, f"{len(paths)} requests")
        self.paths = paths
        time.sleep(1)  # the workers' last log lines
        lines = log.read_text(errors="replace").splitlines()[start:]
        modes = {}
        for line in lines:
            found = REQUEST.search(line)
            if found:
                path = re.split(r"[?#]", found.group(1))[0]
                modes.setdefault(path, set()).add(found[2])
        self.modes = modes
        for path in paths:
            self.check(
                f"{self.db}: {path} served by the replica",
                modes.get(path) == {"ro"},
                f"cursor {sorted(modes.get(path, {'not logged'}))}",
            )
        retried = [line for line in lines if "retrying with a read/write" in line]
        self.check(
            f"{self.db}: no read-only request tried to write",
            not retried,
            f"{len(retried)} retried on the primary",
            retried,
        )
        write = "/web/dataset/call_kw/crm.lead/write"
        self.check(
            f"{self.db}: a write goes to the primary",
            modes.get(write) == {"rw"},
            f"cursor {sorted(modes.get(write, {'not logged'}))}",
        )
        # a backend left idle in Odoo's pool reports its counts to
        # pg_stat_database within PostgreSQL's idle interval (10 s), not at once
        deadline = time.time() + 30
        after = self.standby_commits()
        while after - before < len(paths) and time.time() < deadline:
            time.sleep(2)
            after = self.standby_commits()
        self.check(
            f"{self.db}: the standby ran the reports' transactions",
            after - before >= len(paths),
            f"{after - before} transactions on the standby",
        )
        self.check(
            f"{self.db}: the write reached the replica by streaming",
            self.wait_replayed(lead_id),
            "crm.lead description read back on the standby",
        )

    def wait_replayed(self, lead_id, timeout=60):
        sql = f"SELECT description FROM crm_lead WHERE id = {int(lead_id)}"
        deadline = time.time() + timeout
        while time.time() < deadline:
            rows = self.odoo.pg.replica_query(self.db, sql)
            if rows and "replica step" in rows[0][0]:
                return True
            time.sleep(1)
        return False

    def calls(self, url):
        """The reports of the suite, each as the demo user whose job it is.
        Returns the request paths that must be read-only, and a lead id."""
        paths = []

        def timed(what, call, *args, **kwargs):
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.timings.append((what, round(time.perf_counter() - started, 3)))

        def kw(client, model, method, *args, **kwargs):
            paths.append(f"/web/dataset/call_kw/{model}/{method}")
            return timed(
                f"{model}.{method}", client.call, model, method, *args, **kwargs
            )

        def button(client, model, method, ids):
            path = f"/web/dataset/call_button/{model}/{method}"
            paths.append(path)
            return timed(
                f"{model}.{method}",
                client.post,
                path,
                {"model": model, "method": method, "args": [ids], "kwargs": {}},
            )

        sales = rpc_client.Client(url, self.db, *self.SALES)
        admin = rpc_client.Client(url, self.db, *self.MANAGER)
        # Sales > Reporting > Salesperson KPIs: list, pivot, workbook
        spec = {"user_id": {}, "date": {}, "won_count": {}, "won_amount": {}}
        rows = kw(sales, KPI, "web_search_read", [], spec, limit=80)["records"]
        kw(sales, KPI, "web_read_group", [], ["user_id"], ["won_amount:sum"])
        action = button(sales, KPI, "action_export_xlsx", [r["id"] for r in rows])
        self.download(url, sales, action, [r["id"] for r in rows], paths)
        # Sales > Reporting > Forecast Accuracy, as the sales manager
        kw(admin, ACCURACY, "web_read_group", [], ["user_id"], ["actual_revenue:sum"])
        # Helpdesk > Reporting > Service Levels, as the helpdesk manager
        kw(
            admin,
            "helpdesk.service.level.report",
            "web_read_group",
            [],
            ["team_id"],
            ["ticket_count:sum", "breach_count:sum"],
        )
        # Marketing: the segment, its persona, its members' workbook
        segment = kw(sales, "crm.segment", "search_read", [], ["name"], limit=1)
        seg_id = segment[0]["id"]
        kw(sales, "crm.segment", "web_read", [seg_id], {"persona_size": {}})
        button(sales, "crm.segment", "action_view_persona_chart", [seg_id])
        kw(
            sales,
            "crm.segment.persona.line",
            "web_read_group",
            [("segment_id", "=", seg_id)],
            ["kind"],
            ["__count"],
        )
        report = {"report_name": "crm_segmentation.segment_members_xlsx"}
        self.download(url, sales, report, [seg_id], paths)
        # a write, for contrast: the salesperson notes something on a lead
        leads = sales.search_read("crm.lead", [], ["id"], limit=1)
        note = {"description": "replica step"}
        sales.call("crm.lead", "write", [leads[0]["id"]], note)
        return paths, leads[0]["id"]

    def download(self, url, client, action, ids, paths):
        """/report/download of an XLSX report, as the web client posts it."""
        page = client.opener.open(f"{url}/odoo", timeout=client.timeout).read()
        token = re.search(rb'csrf_token: "([^"]+)"', page)
        if not token:
            raise rpc_client.RpcError("no csrf_token in the web client's page")
        report_url = f"/report/xlsx/{action['report_name']}/{','.join(map(str, ids))}"
        body = urllib.parse.urlencode(
            {
                "data": json.dumps([report_url, "xlsx"]),
                "context": json.dumps({"lang": "en_US"}),
                "token": "replica",
                "csrf_token": token.group(1).decode(),
            }
        ).encode()
        paths.append("/report/download")
        started = time.perf_counter()
        with client.opener.open(
            urllib.request.Request(f"{url}/report/download", data=body),
            timeout=client.timeout,
        ) as response:
            content = response.read()
        self.timings.append(
            (action["report_name"], round(time.perf_counter() - started, 3))
        )
        if not content.startswith(b"PK"):
            raise rpc_client.RpcError(f"{report_url}: not a workbook: {content[:200]}")
