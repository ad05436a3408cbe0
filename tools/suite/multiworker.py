# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The multi-worker step: the story over HTTP against a prefork server."""

import base64
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from . import LOCAL, ROOT
from .odoo import free_port
from .runs import log_errors
from .tasks import Task


class MultiWorkerTask(Task):
    """The e2e story over HTTP against a prefork server (2 HTTP workers and a
    cron worker) on a copy of the demo database."""

    title = "multi-worker story"

    STORY = ROOT / "tools" / "rpc_story.py"
    CALL = re.compile(
        r"^\S+ \S+ (\d+) INFO \S+ werkzeug: .*\"POST /web/dataset/call_kw"
    )
    CRON = re.compile(r"^\S+ \S+ (\d+) INFO \S+ \S+ir_cron: .*recompute RFM")

    def run(self):
        def serve(url, _log, gevent_port):
            self.story(url)
            status = websocket_handshake(gevent_port)
            self.check(
                f"{self.db}: websocket (bus) on the gevent port",
                status.startswith("HTTP/1.1 101"),
                status,
            )

        log = serve_prefork(
            self,
            ["--workers=2", "--max-cron-threads=1", "--log-handler", "werkzeug:INFO"],
            f"{self.db}: server with --workers=2 --max-cron-threads=1",
            serve,
        )
        self.check_log(log)
        if self.ok:
            self.odoo.drop_clone(self.db)

    def story(self, url):
        cmd = [sys.executable, str(self.STORY), "--url", url, "--db", self.db]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=1500, check=False
            )
        except subprocess.TimeoutExpired as exc:
            self.check(f"{self.db}: rpc story", False, f"timed out: {exc}")
            return
        for line in proc.stdout.splitlines():
            if line.startswith("[story] ok - "):
                self.passed += 1
            elif line.startswith("[story] FAILED - "):
                self.failed += 1
            elif "not run" in line and line.startswith("[story] "):
                not_run = int(re.search(r"(\d+) not run", line).group(1))
                self.failed += not_run
            self.lines.append(line)
        if proc.returncode and not self.failed:
            self.check(
                f"{self.db}: rpc story",
                False,
                f"exit {proc.returncode}",
                proc.stderr.splitlines()[-30:],
            )

    def check_log(self, log):
        text = log.read_text(errors="replace").splitlines()
        # a process that dies before logging leaves a bare traceback
        errors = log_errors(self.odoo.python, log)
        errors += [line for line in text if line.startswith("Traceback")]
        self.check(f"{self.db}: server log clean", not errors, str(log), errors)
        http_pids = {m.group(1) for m in map(self.CALL.match, text) if m}
        cron_pids = {m.group(1) for m in map(self.CRON.match, text) if m}
        self.check(
            f"{self.db}: calls spread over HTTP workers, RFM on the cron worker",
            len(http_pids) >= 2 and cron_pids and not cron_pids & http_pids,
            f"HTTP worker pids {sorted(http_pids)}, cron pids {sorted(cron_pids)}",
        )


def serve_prefork(task, args, label, serve, name="server"):
    """Serve ``task.db`` in prefork mode with ``args`` (workers, replica...);
    once it answers (the check ``label``), call ``serve(url, log,
    gevent_port)``; stop it. Returns the server's log file (``name``: one
    per server when a step starts several)."""
    port, gevent_port = free_port(), free_port()
    log = LOCAL / "logs" / f"{task.db}-{name}.log"
    cmd = task.odoo.prefork_cmd(
        *("-d", task.db, "--db-filter", f"^{re.escape(task.db)}$"),
        *("--http-port", str(port), "--gevent-port", str(gevent_port)),
        *args,
    )
    url = f"http://127.0.0.1:{port}"
    with open(log, "w") as fh:
        fh.write("$ " + shlex.join(cmd) + "\n")
        fh.flush()
        proc = subprocess.Popen(
            cmd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
    try:
        if task.check(
            label,
            wait_http(f"{url}/web/login", proc, timeout=300),
            f"{url}, log {log}",
            log.read_text(errors="replace").splitlines()[-30:],
        ):
            serve(url, log, gevent_port)
    finally:
        stop_process(proc)
    return log


def websocket_handshake(port):
    """Status line of a websocket upgrade on /websocket (101 when served)."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(request.encode())
            return sock.recv(1024).split(b"\r\n")[0].decode(errors="replace")
    except OSError as exc:
        return f"no answer: {exc}"


def wait_http(url, proc, timeout):
    """Wait until ``url`` answers 200 while ``proc`` runs.

    One request at a time, left to wait while the registry loads: short
    client timeouts would pile up server threads, each holding a pool
    connection ("PoolError: The Connection Pool Is Full").
    """
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(
                url, timeout=max(1.0, deadline - time.time())
            ) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(2)
    return False


def stop_process(proc, timeout=90):
    """SIGTERM (graceful for a prefork master and its workers), then SIGKILL."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the session we started, only
        proc.wait()
