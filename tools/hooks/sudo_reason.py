#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fail when a sudo() of addon code has no written reason.

Usage: sudo_reason.py FILE.py...
A call to sudo() needs a comment line starting with ``# sudo`` in the comment
block right above it (``# sudo: <why it cannot widen access>``), or a comment
naming sudo on the same line. tests/test_sudo.py applies this rule
(sudo_sites) to every addon; the hook is its fast path for pre-commit. Files
under a ``tests`` folder are skipped. Standard library only.
"""

import re
import sys
from pathlib import Path

REASON = re.compile(r"# sudo\b")


def sudo_sites(path):
    """(line number, has a reason) of every sudo() call of ``path``."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        code, _hash, comment = line.partition("#")
        if "sudo()" not in code:
            continue
        above = number - 2
        block = []
        while above >= 0 and lines[above].strip().startswith("#"):
            block.append(lines[above].strip())
            above -= 1
        yield number, "sudo" in comment or any(REASON.match(text) for text in block)


def main(argv=None):
    paths = [p for p in (argv or sys.argv[1:]) if "tests" not in Path(p).parts]
    sites = [
        f"{path}:{number}"
        for path in paths
        for number, explained in sudo_sites(path)
        if not explained
    ]
    for site in sites:
        print(f"{site}: sudo() without a '# sudo: <reason>' comment right above")
    return 1 if sites else 0


if __name__ == "__main__":
    sys.exit(main())
