# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Find or get Odoo 19.0, and keep venvs and their requirements up to date.

Odoo is looked for in this order: ``ODOO_PYTHON``, the machine's ``python3``,
the venv ~/.cache/crm-suite/venv, ``ODOO_SRC`` (a source tree the venv is
built from); failing all, a shallow clone of the 19.0 branch of
``ODOO_GIT_URL`` (the official repository by default; a mirror or a local
path works) into ~/.cache/crm-suite/odoo-19.0, which the venv is built from.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import CACHE, ODOO_SERIES, ROOT, VENV, die, run, say

BRANCH = f"{ODOO_SERIES}.0"
# what the harness itself runs with Odoo's python (see README, "Harness")
HARNESS = Path(__file__).with_name("requirements.txt")
OFFICIAL_GIT_URL = "https://github.com/odoo/odoo.git"
CLONE = CACHE / f"odoo-{BRANCH}"

CLONE_FAILED = """\
ERROR: could not clone Odoo {branch} from {url} (git exit {code}).

What to do:
  * check the network (the clone is about 400 MB of download), then run the
    same command again: it starts over;
  * or point ODOO_GIT_URL at a mirror or a local clone that has the branch
    {branch}:   make {cmd} ODOO_GIT_URL=/path/to/odoo.git
  * or point ODOO_SRC at an Odoo {branch} source tree (the folder holding
    odoo-bin):  make {cmd} ODOO_SRC=/path/to/odoo
  * or use Docker, which brings the official odoo:{branch} image:
        docker compose up            # make run
        docker compose run --rm test # make test
"""

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
    """A Python where Odoo 19 imports; built from ODOO_SRC or a clone if none."""
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
        return build_venv(Path(src).expanduser().resolve(), "ODOO_SRC", cmd)
    return build_venv(clone_odoo(cmd), "the clone", cmd)


def check_release(src, origin):
    """Die unless ``src`` is an Odoo 19.0 source tree."""
    release = src / "odoo" / "release.py"
    if not release.is_file():
        die(
            f"{origin} {src} is not an Odoo source tree (no odoo/release.py). "
            "Set ODOO_SRC to the folder holding odoo-bin, or unset it to let "
            f"the harness clone Odoo {BRANCH}."
        )
    text = release.read_text()
    if not re.search(rf"version_info\s*=\s*\(\s*{ODOO_SERIES}\s*,\s*0\s*,", text):
        die(f"{origin} {src} is not Odoo {BRANCH} (see {release}).")


def clone_odoo(cmd):
    """A shallow clone of Odoo's 19.0 branch in the cache (first run only)."""
    if (CLONE / "odoo" / "release.py").is_file():
        return CLONE
    git = shutil.which("git")
    if not git:
        die("git is needed to get Odoo (apt-get install git), or set ODOO_SRC.")
    url = os.environ.get("ODOO_GIT_URL") or OFFICIAL_GIT_URL
    partial = CLONE.with_name(CLONE.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    # a local repository is cloned with hard links, where --depth does not apply
    depth = [] if Path(url).is_dir() else ["--depth", "1"]
    say(
        f"Odoo {BRANCH} is not installed: cloning branch {BRANCH} of {url} into "
        f"{CLONE} (first run only; set ODOO_GIT_URL for a mirror, ODOO_SRC "
        "for a source tree you have)"
    )
    argv = [git, "clone", *depth, "--branch", BRANCH, "--single-branch"]
    proc = run([*argv, "--progress", url, str(partial)], check=False)
    if proc.returncode:
        shutil.rmtree(partial, ignore_errors=True)
        die(CLONE_FAILED.format(branch=BRANCH, url=url, code=proc.returncode, cmd=cmd))
    check_release(partial, f"the clone of {url}")
    partial.rename(CLONE)
    return CLONE


def odoo_requirements(src):
    """Odoo's requirements.txt, as pip can install it on a bare machine:
    no python-ldap (a C build for an optional feature), psycopg2 as the
    psycopg2-binary wheel of the same version (no compiler, no libpq)."""
    lines = []
    for line in (src / "requirements.txt").read_text().splitlines():
        if "python-ldap" in line:
            continue
        lines.append(re.sub(r"^psycopg2(?=\s*==)", "psycopg2-binary", line))
    return lines


def build_venv(src, origin, cmd):
    """The venv ~/.cache/crm-suite/venv with Odoo installed from ``src``."""
    check_release(src, origin)
    say(f"building {VENV} from {origin} {src} (first run only)")
    CACHE.mkdir(parents=True, exist_ok=True)
    if not (VENV / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    python = str(VENV / "bin" / "python")
    filtered = CACHE / "odoo-requirements.txt"
    filtered.write_text("\n".join(odoo_requirements(src)) + "\n")
    pip_install(python, ["-r", str(filtered)], "Odoo's requirements")
    # its dependencies are the requirements above (psycopg2 by another name)
    pip_install(python, ["--no-deps", "-e", str(src)], f"Odoo from {src}")
    if odoo_major(python) != ODOO_SERIES:
        die(f"Odoo from {src} does not import in {python} (see {cmd} output above).")
    return python


def pip_install(python, args, label):
    """pip install with a short progress report; the full output in a log."""
    log = CACHE / "logs" / f"pip-{re.sub(r'[^A-Za-z0-9]+', '-', label)[:40]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [python, "-m", "pip", "install", "--disable-pip-version-check"]
    cmd += ["--progress-bar", "off", *args]
    say(f"pip: installing {label} (full output in {log})")
    collected = 0
    with open(log, "w") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        env = dict(os.environ, PYTHONUNBUFFERED="1")  # lines as they come
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        for line in proc.stdout:
            fh.write(line)
            if line.startswith("Collecting "):
                collected += 1
                if collected % 10 == 1:
                    say(f"pip: {collected} collected ({line.split()[1]} ...)")
            elif line.startswith(("Building wheel for", "Installing collected")):
                names = line.split(":", 1)[-1].split(",")
                what = f"{len(names)} packages" if "collected" in line else ""
                say(f"pip: {what or line.strip()[:100]}")
            elif line.startswith("Successfully installed"):
                say(f"pip: {label}: {len(line.split()) - 2} installed")
        code = proc.wait()
    if code:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        print("\n".join("    " + line for line in tail), file=sys.stderr)
        die(f"pip could not install {label} (exit {code}); full output in {log}")


def ensure_installed(python, requirements, label):
    """pip install into ``python`` the requirement lines it does not satisfy."""
    missing = run(
        [python, "-c", REQ_CHECK_CODE],
        input="\n".join(requirements),
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    missing = [line for line in missing if line.strip()]
    if missing:
        names = [re.split(r"[=<>~ ;\[]", line)[0] for line in missing]
        more = f" and {len(names) - 3} more" if len(names) > 3 else ""
        pip_install(python, missing, f"{label} ({', '.join(names[:3])}{more})")


def ensure_venv(path, requirements, label):
    """A venv at ``path`` (built with the machine's python3) holding
    ``requirements``; returns its python."""
    python = path / "bin" / "python"
    if not python.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        base = shutil.which("python3") or sys.executable
        run([base, "-m", "venv", str(path)])
    ensure_installed(str(python), requirements, label)
    return str(python)


def ensure_requirements(python):
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    lines += HARNESS.read_text().splitlines()
    ensure_installed(python, lines, "requirements.txt and the harness' tools")


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
