# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""`make lint`: ``pre-commit run -a`` with the hooks pinned in
.pre-commit-config.yaml; pre-commit lives in the venv
~/.cache/crm-suite/lint-venv and its hook environments in
~/.cache/crm-suite/pre-commit (PRE_COMMIT_HOME). Without that file, the
same checks as steps of their own (ruff, pylint-odoo, OCA's checks, the .po
completeness)."""

import os
import shutil

from . import ADDONS, CACHE, ROOT, TOOLS, run, say
from .bootstrap import ensure_venv

LINT_VENV = CACHE / "lint-venv"
PRE_COMMIT = ["pre-commit==4.*"]
LINT_REQUIREMENTS = [
    "ruff==0.14.*",
    "pylint-odoo==10.0.*",
    "oca-odoo-pre-commit-hooks==0.2.*",
]


def pre_commit():
    """``pre-commit run -a``; its exit code."""
    ensure_venv(LINT_VENV, PRE_COMMIT, "the lint venv")
    env = dict(os.environ, PRE_COMMIT_HOME=str(CACHE / "pre-commit"))
    say("lint: pre-commit run -a (hooks of .pre-commit-config.yaml)")
    cmd = [str(LINT_VENV / "bin" / "pre-commit"), "run", "-a", "--show-diff-on-failure"]
    return run(cmd, check=False, cwd=ROOT, env=env).returncode


def steps():
    ensure_venv(LINT_VENV, LINT_REQUIREMENTS, "lint tools")
    bindir = LINT_VENV / "bin"
    python = shutil.which("python3")
    pos = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("crm_*/i18n/*.po*"))
    return [
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
        ("es translations complete", [python, str(TOOLS / "check_po.py"), *ADDONS]),
        ("oca-checks-po", [str(bindir / "oca-checks-po"), "--no-verbose", *pos]),
    ]


def cmd_lint(_args=None):
    if (ROOT / ".pre-commit-config.yaml").is_file():
        code = pre_commit()
        say("lint passed" if code == 0 else "lint FAILED: pre-commit run -a")
        return 1 if code else 0
    failed = []
    for label, cmd in steps():
        say(f"lint: {label}")
        if run(cmd, check=False, cwd=ROOT).returncode != 0:
            failed.append(label)
    if failed:
        say("lint FAILED: " + ", ".join(failed))
        return 1
    say("lint passed")
    return 0
