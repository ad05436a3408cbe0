#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fail when a translation of an addon misses or leaves empty a string of its .pot.

Usage: check_po.py [ADDON_DIR or FILE...] [--lang es]
A file stands for the addon that holds it (pre-commit passes the changed
.po/.pot files); without arguments every addon of the repository is checked.
Each addon's ``i18n/<lang>.po`` must translate every msgid of ``i18n/<addon>.pot``
with a non-empty, non-fuzzy msgstr. A word that reads the same in both languages
("ID", "Total") keeps an empty msgstr, as OCA's po-pretty-format wants, and says
so with the translator comment ``# same as msgid``. Standard library only.
"""

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_po(path):
    """Return {msgid: (msgstr, fuzzy)} for the entries of a .po/.pot file.

    An entry marked ``# same as msgid`` counts as translated by its msgid.
    """
    entries = {}
    cur = {"msgid": None, "msgstr": None, "fuzzy": False, "same": False}
    field = None

    def flush():
        if cur["msgid"]:  # the header has an empty msgid
            msgstr = cur["msgstr"] or (cur["msgid"] if cur["same"] else "")
            entries[cur["msgid"]] = (msgstr, cur["fuzzy"])
        cur.update(msgid=None, msgstr=None, fuzzy=False, same=False)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#"):
            if cur["msgstr"] is not None:
                flush()
            if line.startswith("#,") and "fuzzy" in line:
                cur["fuzzy"] = True
            if line == "# same as msgid":
                cur["same"] = True
        elif line.startswith("msgid "):
            if cur["msgstr"] is not None:
                flush()
            cur["msgid"], field = ast.literal_eval(line[6:]), "msgid"
        elif line.startswith("msgstr "):
            cur["msgstr"], field = ast.literal_eval(line[7:]), "msgstr"
        elif line.startswith('"') and field:
            cur[field] += ast.literal_eval(line)
    if cur["msgstr"] is not None:
        flush()
    return entries


def check_addon(addon, lang):
    addon = Path(addon)
    pot = addon / "i18n" / f"{addon.name}.pot"
    po = addon / "i18n" / f"{lang}.po"
    problems = []
    if not pot.is_file():
        return [f"{pot}: missing"]
    if not po.is_file():
        return [f"{po}: missing"]
    template, translated = parse_po(pot), parse_po(po)
    for msgid in template:
        msgstr, fuzzy = translated.get(msgid, ("", False))
        if not msgstr.strip():
            problems.append(f"{po}: untranslated: {msgid!r}")
        elif fuzzy:
            problems.append(f"{po}: fuzzy: {msgid!r}")
    return problems


def addon_dirs(paths):
    """The addon folders (holding a __manifest__.py) of the given paths."""
    if not paths:
        return sorted(p.parent for p in ROOT.glob("*/__manifest__.py"))
    found = []
    for path in map(Path, paths):
        folder = next(
            (d for d in (path, *path.parents) if (d / "__manifest__.py").is_file()),
            path,
        )
        if folder not in found:
            found.append(folder)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--lang", default="es")
    args = parser.parse_args(argv)
    addons = addon_dirs(args.paths)
    problems = [p for addon in addons for p in check_addon(addon, args.lang)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} untranslated string(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
