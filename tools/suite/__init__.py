# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run, test and lint the CRM suite against a real Odoo 19.0 and PostgreSQL.

Standard library only: this package must start (and fail clearly) on a
machine that has nothing installed yet. It gets Odoo (``bootstrap``), starts
an embedded PostgreSQL cluster (``cluster``), and drives ``odoo``, ``pytest``
and the tools it installs into venvs under ~/.cache/crm-suite. Entry point:
``python3 tools/suite.py`` (``cli``).

Modules, by job: bootstrap (find or get Odoo, venvs, requirements), cluster
(PostgreSQL), odoo (server config and command lines), lint, runs (one Odoo
run and its log), tasks (upgrade, uninstall, pytest steps), multiworker,
replica, loadtest (every role at once under locust), peers (host modules'
own tests), bare (the bare-machine check), testrun (`make test`) and cli
(the commands).
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TOOLS = ROOT / "tools"
LOCAL = ROOT / ".local"
# the suite's addons: every folder of the repository with a manifest
ADDONS = sorted(p.parent.name for p in ROOT.glob("*/__manifest__.py"))
ODOO_SERIES = 19
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crm-suite"
VENV = CACHE / "venv"


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
