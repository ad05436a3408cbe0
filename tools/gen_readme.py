#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Generate each addon's README.rst and static/description/index.html.

Both come from the addon's ``readme/*.md`` fragments and its manifest, in the
layout of OCA's oca-gen-addon-readme (maintainer-tools), which is not on
PyPI: title, generated-file banner with a digest of the sources, badges,
description, table of contents, the Installation, Configuration, Usage and
Known issues / Roadmap sections, Bug Tracker, and Credits (Authors,
Contributors, Other credits, Maintainers). pandoc (from pypandoc-binary)
turns the GitHub-flavoured markdown into reStructuredText; docutils renders
the HTML page that the Apps menu shows.

Usage: gen_readme.py [--check] [ADDON_DIR or FILE...]
A file stands for the addon that holds it; without arguments every addon of
the repository. Stale files are rewritten (with --check only listed); the exit
code is 1 when any was stale, so the pre-commit hook fails until the new files
are added. Needs pypandoc-binary and docutils (the gen-readme hook installs
them).
"""

import argparse
import ast
import hashlib
import re
import sys
from pathlib import Path

import pypandoc
from docutils.core import publish_string

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = "gfm-raw_html-gfm_auto_identifiers"

# fragment -> (title, level); level 3 fragments sit under Credits
SECTIONS = {
    "CONTEXT": ("Use Cases / Context", 2),
    "INSTALL": ("Installation", 2),
    "CONFIGURE": ("Configuration", 2),
    "USAGE": ("Usage", 2),
    "DEVELOP": ("Development", 2),
    "ROADMAP": ("Known issues / Roadmap", 2),
    "HISTORY": ("Changelog", 2),
}
CREDITS = {"CONTRIBUTORS": "Contributors", "CREDITS": "Other credits"}
STATUS_BADGES = {
    "alpha": ("Alpha", "red"),
    "beta": ("Beta", "yellow"),
    "production/stable": ("Production%2FStable", "green"),
    "mature": ("Mature", "brightgreen"),
}
LICENSE_URLS = {
    "AGPL-3": "http://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "LGPL-3": "http://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "GPL-3": "http://www.gnu.org/licenses/gpl-3.0-standalone.html",
}
STATUS_URL = "https://odoo-community.org/page/development-status"
ALPHA_NOTE = (
    ".. IMPORTANT::\n"
    "   This is an alpha version, the data model and design can change at any time"
    " without warning.\n"
    "   Only for development or testing purpose, do not use in production.\n"
    f"   `More details on development status <{STATUS_URL}>`_\n"
)
# docutils settings of readme_renderer, as oca-gen-addon-readme uses them
HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}
IMAGE = re.compile(r"^(\s*\.\. (?:figure|image)::\s+)(?!https?:)(\S+)\s*$", re.M)


def source_digest(addon):
    """sha256 of the manifest and the fragments: names and contents."""
    digest = hashlib.sha256()
    for path in [addon / "__manifest__.py", *sorted((addon / "readme").rglob("*"))]:
        if path.is_file() and not path.name.startswith("."):
            digest.update(str(path.relative_to(addon)).encode())
            digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()}"


def fragment(addon, name, level, raw_url):
    """The fragment as reStructuredText, or None when the addon has none."""
    path = addon / "readme" / f"{name}.md"
    if not path.is_file() or not path.read_text(encoding="utf-8").strip():
        return None
    rst = pypandoc.convert_text(
        path.read_text(encoding="utf-8"),
        to="rst",
        format=MARKDOWN,
        extra_args=[f"--shift-heading-level-by={level - 2}"],
        sandbox=True,
    )
    # images relative to the addon point at the repository, as on the Apps page
    rst = IMAGE.sub(lambda m: m[1] + raw_url + m[2].replace("../", ""), rst)
    return rst.rstrip("\n") + "\n"


def section(title, body, underline="="):
    return f"{title}\n{underline * len(title)}\n\n{body.rstrip()}\n"


def render(addon):
    """The text of README.rst for ``addon`` (a folder)."""
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text("utf-8"))
    name, branch = addon.name, ".".join(manifest["version"].split(".")[:2])
    org, repo = manifest["website"].rstrip("/").split("/")[-2:]
    tree_url = f"https://github.com/{org}/{repo}/tree/{branch}/{name}"
    raw_url = f"https://raw.githubusercontent.com/{org}/{repo}/{branch}/{name}/"
    status = manifest.get("development_status", "Beta").lower()
    badges = []
    if status in STATUS_BADGES:
        label, color = STATUS_BADGES[status]
        alt = label.replace("%2F", "/")
        badges.append(
            (f"https://img.shields.io/badge/maturity-{label}-{color}.png",)
            + (STATUS_URL, alt)
        )
    if manifest.get("license") in LICENSE_URLS:
        lic = manifest["license"]
        badges.append(
            (f"https://img.shields.io/badge/license-{lic.replace('-', '--')}-blue.png",)
            + (LICENSE_URLS[lic], f"License: {lic}")
        )
    slug = f"{org.replace('-', '--')}%2F{repo.replace('-', '--')}"
    badges.append(
        (f"https://img.shields.io/badge/github-{slug}-lightgray.png?logo=github",)
        + (tree_url, f"{org}/{repo}")
    )
    title = manifest["name"]
    out = [
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n",
        "..\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        "   !! This file is generated by tools/gen_readme.py in the format !!\n"
        "   !! of oca-gen-addon-readme: changes will be overwritten.       !!\n"
        "   !! Edit readme/*.md and __manifest__.py instead.               !!\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"   !! source digest: {source_digest(addon)}\n"
        "   !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
        "".join(
            f".. |badge{i}| image:: {image}\n    :target: {target}\n    :alt: {alt}\n"
            for i, (image, target, alt) in enumerate(badges, 1)
        )
        + "\n"
        + " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1))
        + "\n",
    ]
    description = fragment(addon, "DESCRIPTION", 2, raw_url)
    if description:
        out.append(description)
    if status == "alpha":
        out.append(ALPHA_NOTE)
    out.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    for key, (heading, level) in SECTIONS.items():
        body = fragment(addon, key, level, raw_url)
        if body:
            out.append(section(heading, body))
    issues = f"https://github.com/{org}/{repo}/issues"
    report = (
        f"{issues}/new?body=module:%20{name}%0Aversion:%20{branch}%0A%0A"
        "**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**"
        "%0A%0A**Expected%20behavior**"
    )
    out.append(
        section(
            "Bug Tracker",
            f"Bugs are tracked on `GitHub Issues <{issues}>`_.\n"
            "In case of trouble, please check there if your issue has already "
            "been reported.\nIf you spotted it first, help us to smash it by "
            "providing a detailed and welcomed\n"
            f"`feedback <{report}>`_.\n\n"
            "Do not contact contributors directly about support or help with "
            "technical issues.",
        )
    )
    credits = []
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        credits.append(section("Authors", "".join(f"* {a}\n" for a in authors), "-"))
    for key, heading in CREDITS.items():
        body = fragment(addon, key, 3, raw_url)
        if body:
            credits.append(section(heading, body, "-"))
    maintainers = manifest.get("maintainers", [])
    people = "".join(
        f".. |maintainer-{m}| image:: https://github.com/{m}.png?size=40px\n"
        f"    :target: https://github.com/{m}\n    :alt: {m}\n"
        for m in maintainers
    )
    if maintainers:
        plural = "s" if len(maintainers) > 1 else ""
        people += f"\nCurrent maintainer{plural}:\n\n"
        people += " ".join(f"|maintainer-{m}|" for m in maintainers) + "\n\n"
    people += (
        f"This module is part of the `{org}/{repo} <{tree_url}>`_ project on "
        "GitHub.\n\nYou are welcome to contribute."
    )
    credits.append(section("Maintainers", people, "-"))
    out.append(section("Credits", "\n".join(credits)))
    return "\n".join(out)


def render_html(readme):
    """index.html of the Apps menu: the README rendered by docutils."""
    html = publish_string(
        readme,
        writer_name="html4css1",
        settings_overrides=HTML_SETTINGS,
    ).decode("utf-8")
    # no docutils version in the page, so that an upgrade changes nothing
    return re.sub(r'(<meta name="generator" content="Docutils)[^:"]*', r"\1", html)


def addon_dirs(paths):
    """The addons (folders with a __manifest__.py and readme/DESCRIPTION.md)."""
    if paths:
        found = []
        for path in map(Path, paths):
            parents = (path.resolve(), *path.resolve().parents)
            folder = next(
                (d for d in parents if (d / "__manifest__.py").is_file()), None
            )
            if folder and folder not in found:
                found.append(folder)
    else:
        found = sorted(p.parent for p in ROOT.glob("*/__manifest__.py"))
    return [a for a in found if (a / "readme" / "DESCRIPTION.md").is_file()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true", help="only list stale files")
    args = parser.parse_args(argv)
    stale = []
    for addon in addon_dirs(args.paths):
        readme = render(addon)
        wanted = {
            addon / "README.rst": readme,
            addon / "static" / "description" / "index.html": render_html(readme),
        }
        for path, text in wanted.items():
            if path.is_file() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(path)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "rewritten"
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {verb} (generated from readme/*.md)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
