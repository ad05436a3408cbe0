# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The two-node step: batch work on the job queue, shared by two Odoo nodes.

Two prefork servers on one copy of the demo database, each loading
``queue_job`` as a server-wide module with a ``[queue_job]`` section
(.local/odoo-twonode.cfg, as README "Several nodes" shows). One job runner
holds the database (queue_job's advisory lock) and sends each job to the
``host:port`` of that section: a round-robin proxy on loopback in front of
both nodes, as a load balancer is in production. The step computes the RFM
scores and the segments' members once in a single process (the path of the
scheduled actions) and takes a snapshot of every segment, wipes them, runs
them again as chunked jobs (the glue addons crm_*_queue), and checks that
both nodes ran chunks (queue_job's ``worker_pid`` against each node's worker
pids) and that the results are the same.
"""

import configparser
import itertools
import json
import re
import socket
import threading
import time

import rpc_client  # tools/

from . import LOCAL
from .multiworker import serve_prefork
from .runs import log_errors
from .tasks import Task

# odoo/service/server.py: a prefork worker announces its pid
WORKER = re.compile(
    r" INFO \S+ odoo\.service\.server: Worker WorkerHTTP \((\d+)\) alive"
)
RUN = "crm.segmentation.job.run"
RFM_ROWS = (
    "SELECT partner_id, company_id, frequency, monetary, r_score, f_score, "
    "m_score, rfm_code, class_id FROM crm_rfm_score ORDER BY 1, 2"
)
MEMBER_ROWS = (
    "SELECT segment_id, partner_id FROM crm_segment_member m "
    "JOIN crm_segment s ON s.id = m.segment_id "
    "WHERE s.segment_type = 'dynamic' ORDER BY 1, 2"
)
# what a snapshot (a cut-off) writes, without its own ids
SNAPSHOT_ROWS = {
    "lines": "SELECT segment_id, partner_id, class_id, rfm_code, r_score, "
    "f_score, m_score, recency_days, frequency, monetary "
    "FROM crm_segment_snapshot_line WHERE snapshot_id = {snap} ORDER BY 1, 2",
    "classes": "SELECT partner_id, class_id FROM crm_rfm_class_history "
    "WHERE company_id = {company} AND date = '{date}' ORDER BY 1",
    "customer months": "SELECT partner_id, month, class_id, revenue, margin, "
    "invoice_count, order_count, ticket_count, activity_count, breach_count, "
    "rated_count, satisfied_count FROM crm_customer_month "
    "WHERE company_id = {company} AND cutoff_date = '{date}' ORDER BY 1, 2",
    "transitions": "SELECT from_class_id, to_class_id, pair_count, probability "
    "FROM crm_rfm_transition_line WHERE company_id = {company} ORDER BY 1, 2",
}


class RoundRobinProxy(threading.Thread):
    """A TCP proxy on loopback that sends each connection to the next
    backend port in turn: the load balancer in front of the nodes."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.backends = []
        self.turn = itertools.count()

    def run(self):
        while True:
            try:
                client, _addr = self.sock.accept()
            except OSError:
                return  # closed by stop()
            if not self.backends:
                client.close()
                continue
            port = self.backends[next(self.turn) % len(self.backends)]
            threading.Thread(
                target=self.relay, args=(client, port), daemon=True
            ).start()

    @staticmethod
    def relay(client, port):
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=600)
        except OSError:
            client.close()
            return

        def pipe(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
                # the client is done sending: the node still answers
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join(timeout=600)
        client.close()
        upstream.close()

    def stop(self):
        self.sock.close()


class TwoNodeTask(Task):
    """RFM and segment recomputes, a snapshot and routing as jobs, shared by
    two nodes."""

    title = "two nodes share the job queue"
    CHANNELS = "root:4"
    TIMEOUT = 300  # seconds for one run's jobs

    def run(self):
        proxy = RoundRobinProxy()
        proxy.start()
        args = ["-c", str(self.write_config(proxy.port))]
        args += ["--workers=2", "--max-cron-threads=0"]
        self.nodes = {}

        def node_a(url_a, log_a, _gevent_port):
            proxy.backends.append(int(url_a.rsplit(":", 1)[1]))
            self.nodes["A"] = log_a

            def node_b(url_b, log_b, _gevent_port):
                proxy.backends.append(int(url_b.rsplit(":", 1)[1]))
                self.nodes["B"] = log_b
                self.work(url_a)

            serve_prefork(
                self,
                args,
                f"{self.db}: node B, same database and configuration",
                node_b,
                name="node-b",
            )

        try:
            serve_prefork(
                self,
                args,
                f"{self.db}: node A, queue_job server-wide, channels {self.CHANNELS}",
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
        if self.ok:
            self.odoo.drop_clone(self.db)

    def write_config(self, proxy_port):
        """.local/odoo.cfg plus what the job runner needs: queue_job loaded
        server-wide, and the [queue_job] section: channels, and the proxy in
        front of the nodes, where the runner sends the jobs."""
        cfg = configparser.ConfigParser(interpolation=None)
        cfg.read(self.odoo.config)
        cfg["options"]["server_wide_modules"] = "base,rpc,web,queue_job"
        cfg["queue_job"] = {
            "channels": self.CHANNELS,
            "scheme": "http",
            "host": "127.0.0.1",
            "port": str(proxy_port),
        }
        path = LOCAL / f"{self.db}-twonode.cfg"
        with open(path, "w") as fh:
            fh.write("; generated by tools/suite/twonode.py: do not edit\n")
            cfg.write(fh)
        return path

    def work(self, url):
        admin = rpc_client.Client(url, self.db, "admin", "admin")
        config = max(
            admin.search_read("crm.rfm.config", [], ["company_id", "run_total"]),
            key=lambda row: self.customers(row["company_id"][0]),
        )
        customers = self.customers(config["company_id"][0])
        # about eight chunks at the demo data's size
        batch = max(1, -(-customers // 8))
        admin.call("crm.rfm.config", "write", [config["id"]], {"batch_size": batch})
        segments = [
            row["id"]
            for row in admin.search_read(
                "crm.segment", [("segment_type", "=", "dynamic")], ["id"]
            )
        ]
        # one process, as the scheduled actions compute them
        started = time.time()
        admin.call("crm.rfm.config", "action_recompute", [config["id"]])
        admin.call("crm.segment", "action_compute", segments)
        single = time.time() - started
        rfm_ref, members_ref = self.query(RFM_ROWS), self.query(MEMBER_ROWS)
        self.query(
            f"DELETE FROM crm_rfm_score WHERE company_id = {config['company_id'][0]};"
            "DELETE FROM crm_segment_member;"
        )
        # the same work as jobs, spread over the two nodes
        started = time.time()
        rfm_run = self.start(admin, "crm.rfm.config", [config["id"]])
        rfm_done = self.wait(rfm_run)
        seg_run = self.start(admin, "crm.segment", segments)
        seg_done = self.wait(seg_run)
        queued = time.time() - started
        self.check(
            f"{self.db}: RFM recompute as jobs finished",
            rfm_done,
            f"{customers} customers, chunks of {batch}",
        )
        self.check(
            f"{self.db}: segment recompute as jobs finished",
            seg_done,
            f"{len(segments)} dynamic segments",
        )
        rfm, members = self.query(RFM_ROWS), self.query(MEMBER_ROWS)
        self.check(
            f"{self.db}: RFM scores as jobs equal the single-process run",
            rfm == rfm_ref and rfm,
            f"{len(rfm)} scores",
            [f"single {len(rfm_ref)} rows, jobs {len(rfm)} rows"],
        )
        self.check(
            f"{self.db}: segment members as jobs equal the single-process run",
            members == members_ref and members,
            f"{len(members)} members",
            [f"single {len(members_ref)} rows, jobs {len(members)} rows"],
        )
        single_snap, queued_snap, snap_run = self.snapshot(
            admin, config["company_id"][0]
        )
        single_route, queued_route = self.routing(admin)
        self.spread(
            [rfm_run, seg_run, snap_run],
            single + single_snap + single_route,
            queued + queued_snap + queued_route,
        )

    def snapshot(self, admin, company):
        """A snapshot of every segment taken in one process, its cut-off
        rows wiped, then taken again as chunks of customers: the same lines,
        classes, customer months and transition matrix."""

        def rows(snap):
            return {
                name: self.query(
                    sql.format(snap=int(snap), company=int(company), date=date)
                )
                for name, sql in SNAPSHOT_ROWS.items()
            }

        def forget(date):
            # the cut-off's insert-only rows, as before any snapshot that day
            self.query(
                f"DELETE FROM crm_rfm_class_history WHERE company_id = {company} "
                f"AND date = '{date}'; DELETE FROM crm_customer_month "
                f"WHERE company_id = {company} AND cutoff_date = '{date}'"
            )

        Snapshot = "crm.segment.snapshot"
        single_id = admin.call(Snapshot, "create", {"company_id": company})
        (date,) = self.query(
            f"SELECT date FROM crm_segment_snapshot WHERE id = {int(single_id)}"
        )[0]
        forget(date)
        started = time.time()
        admin.call(Snapshot, "action_take", [single_id])
        single = time.time() - started
        reference = rows(single_id)
        self.query(f"DELETE FROM crm_segment_snapshot WHERE id = {int(single_id)}")
        forget(date)
        queued_id = admin.call(Snapshot, "create", {"company_id": company})
        started = time.time()
        action = admin.call(Snapshot, "action_take_queue", [queued_id])
        run = action["params"]["next"]["domain"][0][2][0]
        done = self.wait(run)
        queued = time.time() - started
        (chunks,) = self.query(
            f"SELECT chunk_total FROM crm_segmentation_job_run WHERE id = {int(run)}"
        )[0]
        self.check(
            f"{self.db}: snapshot as jobs finished",
            done,
            f"{chunks} chunks of customers",
        )
        got = rows(queued_id)
        for name, ref in reference.items():
            self.check(
                f"{self.db}: snapshot {name} as jobs equal the single-process take",
                got[name] == ref and (ref or name == "transitions"),
                f"{len(ref)} rows",
                [f"single {len(ref)} rows, jobs {len(got[name])} rows"],
            )
        return single, queued, run

    def routing(self, admin, backlog=48):
        """A backlog of unassigned leads routed by the cron (one process),
        reset, then routed as chained jobs: the same assignments."""
        (cron,) = admin.search_read(
            "ir.model.data",
            [
                ("module", "=", "crm_pipeline_ext"),
                ("name", "=", "ir_cron_route_backlog"),
            ],
            ["res_id"],
        )
        # the demo's own backlog first, so that both runs start from the same
        admin.call("ir.cron", "method_direct_trigger", [cron["res_id"]])
        rows = self.query(
            "SELECT id, team_id, territory_id FROM crm_lead WHERE active AND "
            "won_status = 'pending' AND type = 'lead' AND user_id IS NOT NULL "
            f"ORDER BY id DESC LIMIT {int(backlog)}"
        )
        ids = ",".join(row[0] for row in rows)

        def reset():
            values = ",".join(
                f"({row[0]}, {row[1] or 'NULL'}::int, {row[2] or 'NULL'}::int)"
                for row in rows
            )
            self.query(
                "UPDATE crm_lead l SET user_id = NULL, team_id = v.team, "
                f"territory_id = v.territory FROM (VALUES {values}) "
                "AS v(id, team, territory) WHERE l.id = v.id"
            )

        sql = f"SELECT id, user_id, territory_id FROM crm_lead WHERE id IN ({ids})"
        reset()
        started = time.time()
        admin.call("ir.cron", "method_direct_trigger", [cron["res_id"]])
        single = time.time() - started
        reference = self.query(sql + " ORDER BY id")
        reset()
        chunk = max(1, -(-len(rows) // 6))
        started = time.time()
        admin.call("crm.territory", "action_route_backlog_queue", [], chunk_size=chunk)
        deadline = time.time() + self.TIMEOUT
        jobs = "SELECT state FROM queue_job WHERE method_name LIKE '_queue_route_%'"
        while time.time() < deadline:
            states = {row[0] for row in self.query(jobs)}
            if states == {"done"}:
                break
            time.sleep(1)
        queued = time.time() - started
        self.check(
            f"{self.db}: routing as chained jobs finished",
            states == {"done"},
            f"{len(rows)} leads put back in the backlog, chunks of {chunk}",
            [f"job states {sorted(states)}"],
        )
        routed = self.query(sql + " ORDER BY id")
        assigned = sum(1 for row in routed if row[1])
        self.check(
            f"{self.db}: routing as jobs equals the cron's",
            routed == reference and assigned,
            f"{assigned} of {len(rows)} leads assigned",
            [f"{a} != {b}" for a, b in zip(reference, routed, strict=True) if a != b],
        )
        return single, queued

    def customers(self, company_id):
        return int(
            self.query(
                "SELECT COUNT(DISTINCT commercial_partner_id) FROM account_move "
                "WHERE state = 'posted' AND move_type IN ('out_invoice', "
                f"'out_refund') AND company_id = {int(company_id)}"
            )[0][0]
        )

    def start(self, client, model, ids):
        action = client.call(model, "action_recompute_queue", ids)
        return action["params"]["next"]["domain"][0][2][0]

    def wait(self, run_id):
        deadline = time.time() + self.TIMEOUT
        while time.time() < deadline:
            rows = self.query(
                f"SELECT state FROM crm_segmentation_job_run WHERE id = {int(run_id)}"
            )
            if rows and rows[0][0] == "done":
                return True
            time.sleep(1)
        return False

    def spread(self, run_ids, single, queued):
        """Which node ran each chunk: queue_job's worker_pid among the
        worker pids each node's log announces."""
        pids = {}
        for name, log in self.nodes.items():
            for line in log.read_text(errors="replace").splitlines():
                found = WORKER.search(line)
                if found:
                    pids[found.group(1)] = name
        rows = self.query(
            "SELECT j.worker_pid, j.state, j.method_name FROM queue_job j "
            "LEFT JOIN crm_segmentation_job_run r ON r.graph_uuid = j.graph_uuid "
            f"WHERE r.id IN ({','.join(map(str, map(int, run_ids)))}) "
            "OR j.method_name LIKE '_queue_route_%'"
        )
        per_node = {name: 0 for name in self.nodes}
        per_kind = {}
        unknown = []
        for pid, state, method in rows:
            if not method.endswith("_chunk"):
                continue
            if pid in pids:
                per_node[pids[pid]] += 1
                kind = per_kind.setdefault(method, dict.fromkeys(self.nodes, 0))
                kind[pids[pid]] += 1
            else:
                unknown.append(f"chunk {method} pid {pid} state {state}")
        states = sorted({row[1] for row in rows})
        self.check(
            f"{self.db}: every job of the runs done",
            states == ["done"],
            f"{len(rows)} jobs",
            [f"states {states}"],
        )
        self.check(
            f"{self.db}: both nodes ran chunks",
            all(per_node.values()) and not unknown,
            ", ".join(f"node {k}: {v} chunks" for k, v in sorted(per_node.items()))
            + f"; single process {single:.1f}s, as jobs on two nodes {queued:.1f}s",
            unknown,
        )
        self.lines.append(
            "[suite] "
            + json.dumps(
                {
                    "chunks_per_node": per_node,
                    "chunks_per_method_and_node": per_kind,
                    "single_s": round(single, 1),
                    "jobs_s": round(queued, 1),
                }
            )
        )
