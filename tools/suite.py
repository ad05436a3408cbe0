#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run, test and lint the CRM suite against a real Odoo 19.0 and PostgreSQL.

Standard library only: this script must start (and fail clearly) on a machine
that has nothing installed yet.  It finds Odoo, installs the PyPI requirements,
starts an embedded throwaway PostgreSQL cluster under ``.local/`` (unless
``PGHOST``/``PGPORT`` point at a server) and drives ``odoo`` and ``pytest``.
"""

import argparse
import base64
import concurrent.futures
import configparser
import hashlib
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import peer_suites  # tools/, beside this script
import upgrade_check

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
ADDONS = [
    "crm_pipeline_ext",
    "crm_quote_pricer",
    "crm_helpdesk_link",
    "crm_segmentation",
]
ODOO_SERIES = 19
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crm-suite"
VENV = CACHE / "venv"
LINT_VENV = CACHE / "lint-venv"
LINT_REQUIREMENTS = [
    "ruff==0.14.*",
    "pylint-odoo==10.0.*",
    "oca-odoo-pre-commit-hooks==0.2.*",
]
# Odoo's own log line: "<date> <time>,<ms> <pid> <LEVEL> <db> <logger>: <msg>"
ODOO_LOG_ERROR = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) \S+ \S+: "
)
ODOO_TEST_RESULT = re.compile(
    r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)

NO_ODOO_HELP = """\
ERROR: Odoo {series}.0 was not found.

This suite runs against a real Odoo {series}.0, which the package registries do not
carry.  Provide it in one of these ways:

  * install it so that `python3 -c "import odoo"` works (a normal source
    install: `pip install -r <odoo>/requirements.txt && pip install -e <odoo>`);
  * or point ODOO_SRC at an Odoo {series}.0 source tree (the folder holding
    odoo-bin); the first run builds a virtualenv in {venv}:
        make {cmd} ODOO_SRC=/path/to/odoo
  * or use Docker, which brings the official odoo:{series}.0 image:
        docker compose up            # make run
        docker compose run --rm test # make test
"""


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------
def say(msg):
    print(f"[suite] {msg}", flush=True)


def die(msg, code=2):
    print(msg if msg.startswith("ERROR") else f"ERROR: {msg}", file=sys.stderr)
    sys.exit(code)


def sha(*parts, n=10):
    h = hashlib.sha256()
    for part in parts:
        h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:n]


def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, **kw)


def odoo_major(python):
    """Return the Odoo major version importable by ``python``, or None."""
    if not python or not Path(python).exists() and not shutil.which(python):
        return None
    try:
        out = subprocess.run(
            [python, "-c", "import odoo.release as r; print(r.version_info[0])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    try:
        return int(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def find_python(cmd):
    """Find a Python where Odoo 19 imports: machine python3, our venv, ODOO_SRC."""
    candidates = []
    if os.environ.get("ODOO_PYTHON"):
        candidates.append(os.environ["ODOO_PYTHON"])
    candidates += [shutil.which("python3"), str(VENV / "bin" / "python")]
    for python in candidates:
        major = odoo_major(python)
        if major == ODOO_SERIES:
            return python
        if major is not None:
            say(f"{python} has Odoo {major}, not {ODOO_SERIES}: ignored")
    src = os.environ.get("ODOO_SRC")
    if src:
        return build_venv_from_source(Path(src).expanduser().resolve(), cmd)
    die(NO_ODOO_HELP.format(series=ODOO_SERIES, venv=VENV, cmd=cmd))


def build_venv_from_source(src, cmd):
    release = src / "odoo" / "release.py"
    if not release.is_file():
        die(
            f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py).\n\n"
            + NO_ODOO_HELP.format(series=ODOO_SERIES, venv=VENV, cmd=cmd)
        )
    text = release.read_text()
    if not re.search(rf"version_info\s*=\s*\(\s*{ODOO_SERIES}\s*,", text):
        die(f"ODOO_SRC={src} is not Odoo {ODOO_SERIES}.0 (see {release}).")
    say(f"building {VENV} from ODOO_SRC={src} (first run only)")
    CACHE.mkdir(parents=True, exist_ok=True)
    if not (VENV / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    python = str(VENV / "bin" / "python")
    reqs = [
        line
        for line in (src / "requirements.txt").read_text().splitlines()
        if "python-ldap" not in line
    ]
    filtered = CACHE / "odoo-requirements.txt"
    filtered.write_text("\n".join(reqs) + "\n")
    run([python, "-m", "pip", "install", "-q", "-r", str(filtered)])
    run([python, "-m", "pip", "install", "-q", "-e", str(src)])
    if odoo_major(python) != ODOO_SERIES:
        die(f"Odoo from {src} does not import in {python}.")
    return python


# Prints the requirement lines (read on stdin) that the interpreter lacks.
REQ_CHECK_CODE = r"""
import importlib.metadata as md, re, sys
missing = []
for raw in sys.stdin:
    line = raw.split("#")[0].strip()
    if not line:
        continue
    m = re.match(r"([A-Za-z0-9_.-]+)\s*(?:==\s*([A-Za-z0-9_.*]+))?", line)
    try:
        have = md.version(m.group(1))
    except md.PackageNotFoundError:
        missing.append(line)
        continue
    want = m.group(2)
    if want and not re.fullmatch(re.escape(want).replace(r"\*", ".*"), have):
        missing.append(line)
print("\n".join(missing))
"""


def ensure_installed(python, requirements, label):
    """pip install into ``python`` the requirement lines it does not satisfy."""
    missing = run(
        [python, "-c", REQ_CHECK_CODE],
        input="\n".join(requirements),
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    missing = [line for line in missing if line.strip()]
    if not missing:
        return
    say(f"installing {label} into {python} (missing: {', '.join(missing)})")
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run(pip + missing)


def ensure_requirements(python):
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    ensure_installed(python, lines, "requirements.txt")


def ensure_chromium():
    """Browser tours (HttpCase.start_tour) need a Chromium; apt has one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing chromium through apt-get (browser tours need it)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
        return
    die(
        "Chromium is missing and cannot be installed automatically "
        "(needs root and apt-get). Install it: apt-get install chromium"
    )


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------
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
        self.bindir = self._find_bindir()
        self.base = LOCAL / "pg"
        self.data = self.base / "data"
        self.host = f"/tmp/crm-suite-{sha(ROOT, n=8)}"
        self.port = "5432"
        self.user = "odoo"
        self.password = ""
        self.os_user = self._os_user() if os.geteuid() == 0 else None

    @staticmethod
    def _find_bindir():
        found = shutil.which("pg_ctl")
        if found:
            # Debian links pg_ctl into /usr/local/bin; the clients live beside
            # the real binary
            return Path(os.path.realpath(found)).parent
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
            key=lambda p: int(p.parent.parent.name)
            if p.parent.parent.name.isdigit()
            else 0,
        )
        if versions:
            return versions[-1].parent
        die(
            "ERROR: PostgreSQL server binaries (initdb, pg_ctl) were not found.\n"
            "Install them (apt-get install postgresql) or point PGHOST/PGPORT "
            "at a running server."
        )

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

    def _owner_can_reach(self):
        if self.os_user is None:
            return True
        probe = self._as_owner(
            ["test", "-w", str(self.base), "-a", "-x", str(self.base)], check=False
        )
        return probe.returncode == 0

    def start(self):
        if self.external:
            return self
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
        self._as_owner(
            [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
        )

    def psql_env(self):
        env = dict(os.environ, PGHOST=self.host, PGPORT=str(self.port))
        env["PGOPTIONS"] = "-c client_min_messages=warning"
        env["PGUSER"] = self.user
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def _client(self, name):
        if not self.external and (self.bindir / name).exists():
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


# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------
ADDONS_PATH_CODE = r"""
import os, sys
import odoo.addons
seen = []
cands = list(odoo.addons.__path__)
cands += [os.path.join(e, "odoo", "addons") for e in sys.path if e]
import odoo.release
src_root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.release.__file__)))
cands.append(os.path.join(src_root, "addons"))
for p in cands:
    p = os.path.realpath(p)
    if p in seen or not os.path.isdir(p):
        continue
    manifests = (os.path.join(p, d, "__manifest__.py") for d in os.listdir(p))
    if any(os.path.isfile(m) for m in manifests):
        seen.append(p)
print("\n".join(seen))
"""


PREFORK_LAUNCHER = """\
# Generated by tools/suite.py: Odoo started from a script, so that prefork mode
# can start its gevent (websocket) process the same way.
import sys

if sys.argv[1:2] == ["gevent"]:
    # gevent 22.10 (Odoo 19's pin for Python 3.11) loads its own plugin through
    # pkg_resources, which does not find zope.interface/zope.event installed
    # from wheels with normalized dist-info names, and the process dies before
    # serving: load the plugin through importlib.metadata instead.
    from importlib.metadata import entry_points

    import gevent.events

    if hasattr(gevent.events, "iter_entry_points"):
        gevent.events.iter_entry_points = lambda group: entry_points(group=group)

import odoo.cli

odoo.cli.main()
"""


class Odoo:
    def __init__(self, python, pg):
        self.python = python
        self.pg = pg
        self.config = LOCAL / "odoo.cfg"

    def addons_path(self):
        out = run(
            [self.python, "-c", ADDONS_PATH_CODE],
            capture_output=True,
            text=True,
        ).stdout.split()
        return [str(ROOT)] + [p for p in out if p != str(ROOT)]

    def write_config(self):
        """addons.cfg + what only this machine knows -> .local/odoo.cfg."""
        cfg = configparser.ConfigParser(interpolation=None)
        cfg.read(ROOT / "addons.cfg")
        opts = cfg["options"]
        opts["addons_path"] = ",".join(self.addons_path())
        opts["data_dir"] = str(LOCAL / "data")
        opts["db_host"] = str(self.pg.host)
        opts["db_port"] = str(self.pg.port)
        opts["db_user"] = self.pg.user
        if self.pg.password:
            opts["db_password"] = self.pg.password
        LOCAL.mkdir(parents=True, exist_ok=True)
        tmp = self.config.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "w") as fh:
            fh.write("; generated by tools/suite.py from addons.cfg: do not edit\n")
            cfg.write(fh)
        tmp.replace(self.config)  # atomic: several suite commands may run at once
        return self.config

    def cmd(self, *args):
        return [self.python, "-m", "odoo", "server", "-c", str(self.config), *args]

    def filestore(self, db):
        return LOCAL / "data" / "filestore" / db

    def clone_db(self, template, name):
        """A copy of a database and of its filestore (attachments, assets)."""
        self.pg.clone_db(template, name)
        shutil.rmtree(self.filestore(name), ignore_errors=True)
        if self.filestore(template).is_dir():
            shutil.copytree(self.filestore(template), self.filestore(name))

    def drop_clone(self, name):
        self.pg.drop_db(name)
        shutil.rmtree(self.filestore(name), ignore_errors=True)

    def prefork_cmd(self, *args):
        """cmd() through a script: in prefork mode Odoo starts its gevent
        (websocket) process by running sys.argv[0] again, which fails when it
        is odoo/__main__.py (`python -m odoo`)."""
        launcher = LOCAL / "odoo-launcher.py"
        tmp = launcher.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(PREFORK_LAUNCHER)
        tmp.replace(launcher)
        return [self.python, str(launcher), "server", "-c", str(self.config), *args]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def prepare(cmd_name, need_chromium=False, python=None):
    python = python or find_python(cmd_name)
    ensure_requirements(python)
    if need_chromium:
        ensure_chromium()
    pg = Postgres().start()
    odoo = Odoo(python, pg)
    odoo.write_config()
    return python, pg, odoo


# --------------------------------------------------------------------------
# lint
# --------------------------------------------------------------------------
def cmd_lint(_args):
    python = shutil.which("python3") or sys.executable
    if not (LINT_VENV / "bin" / "python").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run([python, "-m", "venv", str(LINT_VENV)])
    lint_py = str(LINT_VENV / "bin" / "python")
    ensure_installed(lint_py, LINT_REQUIREMENTS, "lint tools")
    bindir = LINT_VENV / "bin"
    steps = [
        ("ruff check", [str(bindir / "ruff"), "check", "."]),
        ("ruff format", [str(bindir / "ruff"), "format", "--check", "."]),
        (
            "pylint-odoo (mandatory)",
            [
                str(bindir / "pylint"),
                "--rcfile=.pylintrc-mandatory",
                "--valid-odoo-versions=19.0",
                *ADDONS,
            ],
        ),
        (
            "oca-checks-odoo-module",
            [str(bindir / "oca-checks-odoo-module"), "--no-verbose", *ADDONS],
        ),
        (
            "es translations complete",
            [python, str(ROOT / "tools" / "check_po.py"), *ADDONS],
        ),
        (
            "oca-checks-po",
            [
                str(bindir / "oca-checks-po"),
                "--no-verbose",
                *sorted(
                    str(p.relative_to(ROOT)) for p in ROOT.glob("crm_*/i18n/*.po*")
                ),
            ],
        ),
    ]
    failed = []
    for label, cmd in steps:
        say(f"lint: {label}")
        if run(cmd, check=False, cwd=ROOT).returncode != 0:
            failed.append(label)
    if failed:
        say("lint FAILED: " + ", ".join(failed))
        return 1
    say("lint passed")
    return 0


# --------------------------------------------------------------------------
# test
# --------------------------------------------------------------------------
class OdooRun:
    """One `odoo --test-enable --stop-after-init` run on a fresh database.

    Without ``tags`` it only installs (with demo data, as `make run` does) and
    checks the log: no test is expected then.
    """

    fresh = True  # drop the database first

    def __init__(self, odoo, db, install, tags, demo=None):
        self.demo = tags is None if demo is None else demo
        self.odoo = odoo
        self.db = db
        self.install = install
        self.tags = tags
        self.log = LOCAL / "logs" / f"{db}.log"
        self.returncode = None
        self.failed = self.errors = self.total = 0
        self.error_lines = []
        self.seconds = 0.0

    def odoo_args(self):
        """What this run does to the database (here: install the addons)."""
        return ["-i", ",".join(self.install)] if self.install else []

    def command(self):
        mode = ["--with-demo"] if self.demo else []
        if self.tags:
            mode += ["--test-enable", "--test-tags", ",".join(self.tags)]
        return self.odoo.cmd(
            "-d",
            self.db,
            *self.odoo_args(),
            *mode,
            "--stop-after-init",
            "--http-port",
            str(free_port()),
            "--log-level=test",
            "--max-cron-threads=0",
        )

    def __call__(self):
        start = time.time()
        if self.fresh:
            self.odoo.pg.drop_db(self.db)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        with open(self.log, "w") as fh:
            fh.write("$ " + shlex.join(cmd) + "\n")
            fh.flush()
            proc = subprocess.run(
                cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, check=False
            )
        self.returncode = proc.returncode
        self.seconds = time.time() - start
        self.parse()
        return self

    def parse(self):
        found = False
        for line in self.log.read_text(errors="replace").splitlines():
            if ODOO_LOG_ERROR.match(line):
                self.error_lines.append(line)
            m = ODOO_TEST_RESULT.search(line)
            if m:
                found = True
                self.failed += int(m.group(1))
                self.errors += int(m.group(2))
                self.total += int(m.group(3))
        if not found and self.tags:
            self.error_lines.append(f"no test result line in {self.log}")

    @property
    def ok(self):
        return (
            self.returncode == 0
            and not self.error_lines
            and (self.total > 0 or not self.tags)
            and not self.failed
            and not self.errors
        )

    def report(self):
        status = "ok" if self.ok else "FAILED"
        if not self.tags:
            say(
                f"{self.db}: {status} - installed {', '.join(self.install)} "
                f"{'with' if self.demo else 'without'} demo data "
                f"({self.seconds:.0f}s, exit {self.returncode}, log {self.log})"
            )
            self._explain()
            return
        passed = self.total - self.failed - self.errors
        say(
            f"{self.db}: {status} - {passed} passed, {self.failed} failed, "
            f"{self.errors} errors of {self.total} tests "
            f"({self.seconds:.0f}s, exit {self.returncode}, log {self.log})"
        )
        self._explain()

    def _explain(self):
        if not self.ok:
            if self.total == 0 and self.tags:
                say(f"{self.db}: ran no test")
            for line in self.error_lines[:60]:
                print("    " + line)
            if self.returncode:
                print(f"    --- last lines of {self.log} ---")
                tail = self.log.read_text(errors="replace").splitlines()[-40:]
                for line in tail:
                    print("    " + line)


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


def run_pytest(python, odoo, db, args=("tests",), log_name="pytest.log", out=None):
    """pytest-odoo on ``db``; its lines go to ``out`` (a list) or stdout."""

    def emit(line):
        if out is None:
            print(line, flush=True)
        else:
            out.append(line)

    log = LOCAL / "logs" / log_name
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rfE",
        f"--odoo-database={db}",
        f"--odoo-config={odoo.config}",
        "--odoo-http",
        *args,
    ]
    emit(f"[suite] pytest (pytest-odoo) on {' '.join(args)}")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    log.write_text("$ " + shlex.join(cmd) + "\n" + output)
    counts = {}
    summary = [
        line
        for line in output.splitlines()
        if re.search(r"\d+ (passed|failed|errors?|skipped)\b", line)
    ]
    for word in ("passed", "failed", "error", "errors", "skipped"):
        m = re.search(rf"(\d+) {word}\b", summary[-1] if summary else "")
        counts[word] = int(m.group(1)) if m else 0
    errors = counts["error"] + counts["errors"] + counts["skipped"]
    ok = proc.returncode == 0 and counts["passed"] > 0 and not errors
    if not ok and not (counts["failed"] or errors):
        errors = 1  # crashed, collected nothing, or an error outside any test
    tail = output.strip().splitlines()[-25:]
    for line in tail if not ok else tail[-1:]:
        emit("    " + line)
    if proc.returncode == 5:
        emit("[suite] pytest collected no test")
    return ok, counts["passed"], counts["failed"] + errors


def cmd_pytest(args):
    """Developer loop for tests/: pytest on a database with all four addons.

    The database (``crmdev_all`` by default) is installed once and reused;
    ``--fresh`` reinstalls it. The cluster is left running.
    """
    python, _pg, odoo = prepare("test", need_chromium=True)
    if args.fresh or not odoo.pg.db_exists(args.db):
        job = OdooRun(odoo, args.db, ADDONS, None, demo=False)
        job().report()
        if not job.ok:
            return 1
    pytest_args = [a for a in args.pytest_args if a != "--"] or ["tests"]
    ok, _passed, _failed = run_pytest(
        python, odoo, args.db, pytest_args, f"pytest-{args.db}.log"
    )
    return 0 if ok else 1


# --------------------------------------------------------------------------
# test: upgrade, uninstall and reinstall, multi-worker story
# --------------------------------------------------------------------------
class Gate(threading.Event):
    """Set when a database other steps work on is ready (``ok``) or failed."""

    ok = False

    def open(self, ok):
        self.ok = ok
        self.set()


class OdooStep(OdooRun):
    """One Odoo run on an existing database: upgrade, uninstall, tests, install.

    ``argv`` starting with "module" runs `odoo module <sub> ...` (uninstall).
    """

    fresh = False

    def __init__(self, odoo, db, label, argv, tags=None):
        super().__init__(odoo, db, [], tags, demo=False)
        self.argv = argv
        self.log = LOCAL / "logs" / f"{db}-{label}.log"

    def command(self):
        if self.argv[:1] == ["module"]:
            return [
                self.odoo.python,
                "-m",
                "odoo",
                *self.argv[:2],
                "-c",
                str(self.odoo.config),
                "-d",
                self.db,
                *self.argv[2:],
            ]
        return super().command()

    def odoo_args(self):
        return self.argv

    def where(self):
        return f"{self.seconds:.0f}s, exit {self.returncode}, log {self.log}"

    def explain(self):
        lines = list(self.error_lines[:40])
        if self.returncode:
            tail = self.log.read_text(errors="replace").splitlines()[-30:]
            lines += [f"--- last lines of {self.log} ---", *tail]
        return lines


class UninstallStep(OdooStep):
    """`odoo module uninstall <addon>` on an existing database.

    Odoo deletes the addon's records in savepoints and keeps those other
    records still use (a demo product on an invoice line); odoo.sql_db logs
    each such refused DELETE as ERROR "bad query" although the uninstall goes
    on. Those are listed in ``kept``; any other ERROR line fails the step.
    """

    REFUSED = re.compile(r'bad query: b?.DELETE FROM "(\w+)" WHERE id IN \(([\d, ]+)\)')
    FK = re.compile(r'violates foreign key constraint "\w+" on table "(\w+)"')

    def __init__(self, odoo, db, addon):
        super().__init__(odoo, db, "uninstall", ["module", "uninstall", addon])
        self.kept = []

    def parse(self):
        super().parse()
        lines = self.log.read_text(errors="replace").splitlines()
        following = {line: lines[i + 1 : i + 3] for i, line in enumerate(lines)}
        errors = []
        for line in self.error_lines:
            refused = self.REFUSED.search(line)
            fk = self.FK.search(" ".join(following.get(line, [])))
            if refused and fk:
                self.kept.append(
                    f"{refused.group(1)} {refused.group(2)} (used by {fk.group(1)})"
                )
            else:
                errors.append(line)
        self.error_lines = errors


class Task:
    """A step of `make test` made of checks, each one passed or failed in the
    summary. Its lines are kept and printed by report(), in the pool's order."""

    title = "checks"

    def __init__(self, odoo, db, gate=None):
        self.odoo = odoo
        self.db = db
        self.gate = gate
        self.passed = self.failed = 0
        self.lines = []

    @property
    def ok(self):
        return self.passed > 0 and not self.failed

    def query(self, sql):
        return self.odoo.pg.query(self.db, sql)

    def check(self, label, ok, detail="", explain=()):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        status = "ok" if ok else "FAILED"
        self.lines.append(
            f"[suite] {label}: {status}" + (f" - {detail}" if detail else "")
        )
        if not ok:
            self.lines += ["    " + str(line) for line in list(explain)[:60]]
        return ok

    def count_tests(self, step, label):
        passed = step.total - step.failed - step.errors
        self.passed += passed
        self.failed += step.failed + step.errors
        if not step.ok and not (step.failed or step.errors):
            self.failed += 1
        self.lines.append(
            f"[suite] {label}: {'ok' if step.ok else 'FAILED'} - {passed} passed, "
            f"{step.failed} failed, {step.errors} errors of {step.total} tests "
            f"({step.where()})"
        )
        if not step.ok:
            self.lines += ["    " + line for line in step.explain()]

    def __call__(self):
        started = time.time()
        if self.gate is not None:
            self.gate.wait()
            if not self.gate.ok:
                self.check(f"{self.db}", False, "its source database is missing")
                return self
        try:
            self.run()
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            self.check(f"{self.db}", False, f"crashed: {exc}")
        self.lines.append(
            f"[suite] {self.db}: {self.title} took {time.time() - started:.0f}s"
        )
        return self

    def run(self):
        raise NotImplementedError

    def report(self):
        for line in self.lines:
            print(line, flush=True)


class UpgradeTask(Task):
    """`-u` the four addons on the demo database: the suite's data is unchanged."""

    title = "upgrade"

    def run(self):
        before = upgrade_check.take(self.query)
        step = OdooStep(self.odoo, self.db, "upgrade", ["-u", ",".join(ADDONS)])()
        self.check(
            f"{self.db}: -u {','.join(ADDONS)}", step.ok, step.where(), step.explain()
        )
        after = upgrade_check.take(self.query)
        diff = upgrade_check.compare(before, after)
        self.check(
            f"{self.db}: suite data unchanged by the upgrade",
            not diff,
            upgrade_check.summary(before),
            diff,
        )


class UninstallTask(Task):
    """On a copy of the all-four database: uninstall one addon, the others'
    tests still pass, then reinstall it."""

    def __init__(self, odoo, db, gate, addon):
        super().__init__(odoo, db, gate)
        self.addon = addon
        self.title = f"uninstall and reinstall {addon}"

    def run(self):
        addon, db = self.addon, self.db
        others = [a for a in ADDONS if a != addon]
        meta = upgrade_check.Snapshot(self.query).metadata()
        step = UninstallStep(self.odoo, db, addon)()
        kept = f"; kept, still in use: {', '.join(step.kept)}" if step.kept else ""
        if not self.check(
            f"{db}: uninstall {addon}", step.ok, step.where() + kept, step.explain()
        ):
            return
        left, kept = upgrade_check.leftovers(self.query, addon, meta)
        kept = f"kept in use: {'; '.join(kept)}" if kept else ""
        self.check(f"{db}: nothing else of {addon} left", not left, kept, left)
        tests = OdooStep(self.odoo, db, "tests", [], [f"/{a}" for a in others])()
        self.count_tests(tests, f"{db}: tests of the others without {addon}")
        step = OdooStep(self.odoo, db, "reinstall", ["-i", addon])()
        (state,) = self.query(
            f"SELECT state FROM ir_module_module WHERE name='{addon}'"
        )
        self.check(
            f"{db}: reinstall {addon}",
            step.ok and state[0] == "installed",
            f"state {state[0]}, {step.where()}",
            step.explain(),
        )
        if self.ok:
            self.odoo.drop_clone(db)


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
        port, gevent_port = free_port(), free_port()
        log = LOCAL / "logs" / f"{self.db}-server.log"
        cmd = self.odoo.prefork_cmd(
            "-d",
            self.db,
            "--db-filter",
            f"^{re.escape(self.db)}$",
            "--http-port",
            str(port),
            "--gevent-port",
            str(gevent_port),
            "--workers=2",
            "--max-cron-threads=1",
            "--log-handler",
            "werkzeug:INFO",
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
            if self.check(
                f"{self.db}: server with --workers=2 --max-cron-threads=1",
                wait_http(f"{url}/web/login", proc, timeout=300),
                f"{url}, log {log}",
                log.read_text(errors="replace").splitlines()[-30:],
            ):
                self.story(url)
                status = websocket_handshake(gevent_port)
                self.check(
                    f"{self.db}: websocket (bus) on the gevent port",
                    status.startswith("HTTP/1.1 101"),
                    status,
                )
        finally:
            stop_process(proc)
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
        errors = [
            line
            for line in text
            if ODOO_LOG_ERROR.match(line) or line.startswith("Traceback")
        ]
        self.check(f"{self.db}: server log clean", not errors, str(log), errors)
        http_pids = {m.group(1) for m in map(self.CALL.match, text) if m}
        cron_pids = {m.group(1) for m in map(self.CRON.match, text) if m}
        self.check(
            f"{self.db}: calls spread over HTTP workers, RFM on the cron worker",
            len(http_pids) >= 2 and cron_pids and not cron_pids & http_pids,
            f"HTTP worker pids {sorted(http_pids)}, cron pids {sorted(cron_pids)}",
        )


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


class PytestTask(Task):
    """pytest tests/ on the all-addons database, once it is installed."""

    title = "pytest"

    def __init__(self, odoo, db, gate, python):
        super().__init__(odoo, db, gate)
        self.python = python

    def run(self):
        _ok, passed, failed = run_pytest(
            self.python, self.odoo, self.db, out=self.lines
        )
        self.passed += passed
        self.failed += failed


def suite_tasks(odoo, prefix, demo_gate, all_gate, steps):
    """The upgrade and multi-worker steps work on ``<prefix>demo`` (four
    addons with demo data) or a copy of it; the uninstall steps on copies of
    ``<prefix>all`` (four addons without demo data, where the addons' own
    tests pass). Returns (demo tasks, all tasks)."""
    demo_tasks, all_tasks = [], []
    if "multiworker" in steps:
        demo_tasks.append(MultiWorkerTask(odoo, f"{prefix}mw", demo_gate))
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


STEPS = ("uninstall", "multiworker", "upgrade", "peers")


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
    peers = []
    if "peers" in (only or STEPS):
        peers = peer_suites.jobs(sys.modules[__name__], odoo, prefix, all_gate)
        all_tasks.insert(0, peers[1])
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
    jobs_list += peers[:1]
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
    jobs_list += tasks
    jobs = max(1, min(int(args.jobs), len(jobs_list)))
    say(
        f"odoo tests: {len(runs)} fresh databases (demo install, each addon "
        "alone, then all four); on the demo database: upgrade, multi-worker "
        f"story; on copies of the all-four one: uninstall and reinstall of each "
        f"addon, host modules' own tests; {jobs} at a time"
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


# --------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------
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
    installed = pg.db_exists(db)
    if not installed:
        say(f"creating database {db} with the four addons and demo data")
        extra = ["-i", ",".join(ADDONS), "--with-demo"]
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
        pg.stop()


def cmd_setup(_args):
    python = find_python("setup")
    ensure_requirements(python)
    ensure_chromium()
    say(f"Odoo {ODOO_SERIES}.0 found in {python}; requirements and chromium ready")
    return 0


def cmd_stop(_args):
    Postgres().stop(force=True)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="suite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="serve Odoo with the four addons and demo data")
    p_run.add_argument("--port", default="8069")
    p_run.add_argument("--db", default="crm_suite")
    p_run.add_argument("--workers", default="0", help="prefork HTTP workers")
    p_test = sub.add_parser("test", help="lint + Odoo tests + pytest tests/")
    p_test.add_argument("--no-lint", action="store_true")
    p_test.add_argument("--jobs", default=os.environ.get("TEST_JOBS", "2"))
    # dev loop: only these steps (upgrade,uninstall,multiworker) on a reused
    # <prefix>demo database (--fresh reinstalls it); no lint, no other tests
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
    sub.add_parser("stop", help="stop the embedded PostgreSQL cluster")
    sub.add_parser("setup", help="find Odoo, install requirements and chromium")
    args = parser.parse_args(argv)
    handler = {
        "run": cmd_run,
        "test": cmd_test,
        "lint": cmd_lint,
        "addon": cmd_addon,
        "pytest": cmd_pytest,
        "peers": lambda a: peer_suites.cmd_peers(sys.modules[__name__], a),
        "stop": cmd_stop,
        "setup": cmd_setup,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
