# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bench step "twonode": the job-queue work of tools/suite/twonode.py (RFM
recompute, segment recompute, routing the backlog, as queue_job chunks) on a
copy of a bench database, run on one node, then on two nodes sharing it.

The first node serves alone behind the round-robin proxy: the work runs once
in a single process (the path of the scheduled actions, the reference of the
results), then as jobs on that node. The second node then joins the proxy and
the same jobs run again, shared. Each pass wipes the scores and members (and
puts the routed leads back in the backlog) and must give the reference's rows
again. ``tools/bench.py --size M --twonode`` runs it and saves the numbers in
the results file under ``twonode``.
"""

import subprocess
import time

import rpc_client
from suite.multiworker import serve_prefork
from suite.runs import log_errors
from suite.twonode import MEMBER_ROWS, RFM_ROWS, WORKER, RoundRobinProxy, TwoNodeTask

PREPARE_COPY = """
import sys
import odoo
from odoo.modules.registry import Registry
from odoo.tools import config
config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2], "--log-level=warn"])
with Registry(sys.argv[2]).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env.ref("base.user_admin").password = "admin"
"""


def prepare_copy(odoo, db, more=""):
    """On a copy of a bench database (no demo users): the administrator's
    password set to "admin", then ``more`` (lines run with ``env``, indented
    by four spaces), committed."""
    subprocess.run(
        [odoo.python, "-c", PREPARE_COPY + more, str(odoo.config), db],
        check=True,
        capture_output=True,
    )


class BenchTwoNode(TwoNodeTask):
    """The two-node step on bench data: one node, then two."""

    title = "job queue on one node, then two, bench data"
    TIMEOUT = 1800

    def __init__(self, odoo, db, backlog):
        super().__init__(odoo, db)
        self.backlog = backlog
        self.result = {}
        self.reference = None

    def run(self):
        prepare_copy(self.odoo, self.db)
        proxy = RoundRobinProxy()
        proxy.start()
        args = ["-c", str(self.write_config(proxy.port))]
        args += ["--workers=2", "--max-cron-threads=0"]
        self.nodes = {}

        def node_a(url_a, log_a, _gevent_port):
            proxy.backends.append(int(url_a.rsplit(":", 1)[1]))
            self.nodes["A"] = log_a
            admin = rpc_client.Client(url_a, self.db, "admin", "admin")
            self.result["one_node"] = self.passes(admin, "one node")

            def node_b(url_b, log_b, _gevent_port):
                proxy.backends.append(int(url_b.rsplit(":", 1)[1]))
                self.nodes["B"] = log_b
                self.result["two_nodes"] = self.passes(admin, "two nodes")

            serve_prefork(
                self,
                args,
                f"{self.db}: node B joins, same database and configuration",
                node_b,
                name="node-b",
            )

        try:
            serve_prefork(
                self,
                args,
                f"{self.db}: node A alone, queue_job server-wide, "
                f"channels {self.CHANNELS}",
                node_a,
                name="node-a",
            )
        finally:
            proxy.stop()
        for name, log in sorted(self.nodes.items()):
            errors = log_errors(self.odoo.python, log)
            self.check(
                f"{self.db}: node {name} log clean", not errors, str(log), errors
            )

    def passes(self, admin, label):
        """RFM and segments as jobs, then routing as jobs: seconds, chunks per
        node, and whether the rows equal the single-process run's."""
        config = max(
            admin.search_read("crm.rfm.config", [], ["company_id"]),
            key=lambda row: self.customers(row["company_id"][0]),
        )
        company = config["company_id"][0]
        customers = self.customers(company)
        batch = max(1, -(-customers // 8))
        admin.call("crm.rfm.config", "write", [config["id"]], {"batch_size": batch})
        segments = [
            row["id"]
            for row in admin.search_read(
                "crm.segment", [("segment_type", "=", "dynamic")], ["id"]
            )
        ]
        out = {"customers": customers, "rfm_chunk": batch}
        if self.reference is None:
            started = time.time()
            admin.call("crm.rfm.config", "action_recompute", [config["id"]])
            admin.call("crm.segment", "action_compute", segments)
            out["single_process_s"] = round(time.time() - started, 2)
            self.reference = (self.query(RFM_ROWS), self.query(MEMBER_ROWS))
        first_job = int(self.query("SELECT COALESCE(MAX(id), 0) FROM queue_job")[0][0])
        # the members emptied first, by TRUNCATE: crm_segment_member.score_id
        # has no index, so each deleted score's ON DELETE SET NULL scans the
        # members table, dead rows included (minutes at M)
        self.query(
            "TRUNCATE crm_segment_member;"
            f"DELETE FROM crm_rfm_score WHERE company_id = {int(company)};"
        )
        started = time.time()
        rfm_done = self.wait(self.start(admin, "crm.rfm.config", [config["id"]]))
        out["rfm_jobs_s"] = round(time.time() - started, 2)
        started = time.time()
        seg_done = self.wait(self.start(admin, "crm.segment", segments))
        out["segment_jobs_s"] = round(time.time() - started, 2)
        rfm, members = self.query(RFM_ROWS), self.query(MEMBER_ROWS)
        out["rfm_equal"] = bool(rfm_done and rfm and rfm == self.reference[0])
        out["members_equal"] = bool(
            seg_done and members and members == self.reference[1]
        )
        out["scores"], out["members"] = len(rfm), len(members)
        self.check(
            f"{self.db}: {label}: RFM scores as jobs equal the single-process run",
            out["rfm_equal"],
            f"{len(rfm)} scores in {out['rfm_jobs_s']}s",
        )
        self.check(
            f"{self.db}: {label}: segment members as jobs equal the single run",
            out["members_equal"],
            f"{len(members)} members in {out['segment_jobs_s']}s",
        )
        single_route, queued_route = self.routing(admin, backlog=self.backlog)
        out["routing_leads"] = self.backlog
        out["routing_jobs_s"] = round(queued_route, 2)
        if "single_process_s" in out:
            out["routing_single_process_s"] = round(single_route, 2)
        out["jobs_s"] = round(
            out["rfm_jobs_s"] + out["segment_jobs_s"] + out["routing_jobs_s"], 2
        )
        out["chunks_per_node"] = self.chunks(first_job)
        if label == "two nodes":
            self.check(
                f"{self.db}: both nodes ran chunks",
                all(out["chunks_per_node"].get(n) for n in ("A", "B")),
                str(out["chunks_per_node"]),
            )
        return out

    def chunks(self, after_id):
        """Chunks run by each node since the job ``after_id``."""
        pids = {}
        for name, log in self.nodes.items():
            for line in log.read_text(errors="replace").splitlines():
                found = WORKER.search(line)
                if found:
                    pids[found.group(1)] = name
        per_node = {}
        for pid, _method in self.query(
            "SELECT worker_pid, method_name FROM queue_job "
            f"WHERE id > {after_id} AND method_name LIKE '%_chunk'"
        ):
            node = pids.get(pid, "unknown")
            per_node[node] = per_node.get(node, 0) + 1
        return per_node
