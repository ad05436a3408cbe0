# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""pytest plugin of the peer suites (tools/peer_suites.py runs pytest with
``-p peer_plugin --rootdir=/``): one JSON line per test phase in the file
$PEER_RESULTS, with a node id that is the same on every machine,
"<module>/tests/<file>.py::<Class>::<test>", and the first error line."""

import json
import os
from pathlib import Path

_SINK = []


def _record(report, outcome):
    path, sep, rest = report.nodeid.partition("::")
    full, node = Path("/", path), report.nodeid
    for parent in full.parents:
        if (parent / "__manifest__.py").is_file():
            node = f"{full.relative_to(parent.parent)}{sep}{rest}"
            break
    text = [line for line in (report.longreprtext or "").splitlines() if line.strip()]
    first = [line[1:].strip() for line in text if line.startswith("E ")] or text[-1:]
    rec = {"id": node, "outcome": outcome, "line": first[0][:300] if first else ""}
    rec["seconds"] = round(getattr(report, "duration", 0.0), 3)
    _SINK[0].write(json.dumps(rec) + "\n")
    _SINK[0].flush()


def pytest_configure():
    if os.environ.get("PEER_RESULTS") and not _SINK:
        _SINK.append(open(os.environ["PEER_RESULTS"], "a", encoding="utf-8"))


def pytest_collectreport(report):
    if _SINK and report.failed:
        _record(report, "error")


def pytest_runtest_logreport(report):
    if _SINK:
        bad = "failed" if report.when == "call" else "error"
        _record(report, bad if report.failed else report.outcome)
