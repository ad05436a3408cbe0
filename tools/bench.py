#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmarks of the CRM suite against the raw-SQL floor and Odoo core.

``python3 tools/bench.py --size S`` (``make bench SIZE=S``) starts the
embedded cluster, creates ``crmbench_<size>`` with the four addons (no demo),
generates the data set in SQL (bench/generate.py), then measures each row,
ours and the reference, each side in a process of its own (bench/measure.py),
prints a markdown table and JSON, and writes bench/results/<date>-<size>.json.
See bench/README.md.
"""

import argparse
import datetime
import json
import math
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import ADDONS, ROOT, say  # noqa: E402
from suite.odoo import prepare  # noqa: E402
from suite.runs import OdooRun  # noqa: E402

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))
from generate import SIZES, sizes  # noqa: E402

ROW_NAMES = [
    "rfm",
    "segment",
    "routing",
    "pricing",
    "kpi",
    "screen_pipeline",
    "screen_leads",
    "screen_quote",
    "screen_partner",
    "screen_tickets",
    "churn",
    "margin",
    "facts",
    "next_offer",
]
SCREEN_GOAL = 1.2  # the suite adds at most 20% to a core screen's server time
# row -> (title, ratio goal, size the goal is judged at, extra condition)
GOALS = {
    "rfm": ("1 RFM recompute, all customers (vs one SQL)", 2.0, "M"),
    "segment": ("2 dynamic segment recompute (vs one SQL)", 2.0, "M"),
    "routing": (
        "3 territory routing, backlog (vs core _action_assign_leads)",
        0.1,
        None,
    ),
    "pricing": ("4 pricing, quote lines (vs pricelist price per line)", 1.5, None),
    "kpi": ("5 salesperson KPIs, all leads/activities (vs one SQL)", 2.0, "M"),
    "screen_pipeline": (
        "6a screen: pipeline kanban, 80 cards a column (vs core's view)",
        SCREEN_GOAL,
        None,
    ),
    "screen_leads": (
        "6b screen: opportunities list, 80 rows (vs core's view)",
        SCREEN_GOAL,
        None,
    ),
    "screen_quote": (
        "6c screen: quote form, 500 lines, 40 shown (vs core's view)",
        SCREEN_GOAL,
        None,
    ),
    "screen_partner": (
        "6d screen: customer form (vs core's view)",
        SCREEN_GOAL,
        None,
    ),
}
GOALS.update(
    {
        "churn": ("7a transition matrix, churn risk and CLV (vs hand SQL)", 2.0, "M"),
        "margin": ("7b historical margin per customer (vs one SQL)", 2.0, "M"),
        "facts": ("7c customer x month facts at a cut-off (vs one SQL)", 2.0, "M"),
        "next_offer": ("7d next offer, all customers (vs one SQL)", 2.0, "M"),
        "screen_tickets": (
            "6e screen: ticket list with coverage, 80 rows (vs core's view)",
            SCREEN_GOAL,
            None,
        ),
    }
)
# what each row's cost should grow with, for the scaling slope
DRIVER = {"rfm": 1, "segment": 0, "routing": 2, "pricing": 1, "kpi": 3}
# a screen reads one page: its cost should not grow with the leads at all
DRIVER.update(dict.fromkeys(ROW_NAMES[5:], 2))
DRIVER.update({"churn": 0, "margin": 1, "facts": 1, "next_offer": 1})
DRIVER["screen_tickets"] = 0  # one page of tickets: tickets grow with partners
SLOPE_GOAL = 1.1
MET = {True: "yes", False: "NO", None: "-"}
QUERY_GROWTH = 1.25  # queries on all the work / on a tenth of it, at most


def run_json(cmd, log):
    """Run a helper script; return the JSON of its last stdout line."""
    with open(log, "a") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        proc = subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=fh, text=True, check=False
        )
        fh.write(proc.stdout)
    if proc.returncode != 0:
        raise SystemExit(
            f"ERROR: {' '.join(cmd)} failed (exit {proc.returncode}); see {log}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def side_order(row, rounds=None):
    """The order the sides run in, each in a process of its own: ours then
    the reference, and for more rounds turn about (ours, reference,
    reference, ours, ...), so that neither side always comes first to a
    cold cache or second to a warm one. Screens take seconds: two rounds by
    default; the batch rows take minutes at L: one."""
    if rounds is None:
        rounds = 2 if row.startswith("screen_") else 1
    order = []
    for i in range(rounds):
        order += ["ours", "reference"] if i % 2 == 0 else ["reference", "ours"]
    return order


def goal_text(row):
    _title, goal, at = GOALS[row]
    text = f"ratio <= {goal}"
    if row in ("routing", "pricing"):
        text += ", queries independent of size"
    elif row.startswith("screen_") and row != "screen_partner":
        text += ", queries independent of the page size"
    return text + (f" at {at}" if at else "")


def build_row(row, ours, ref, size):
    title, goal, _at = GOALS[row]
    ratio = ours["seconds"] / ref["seconds"] if ref["seconds"] else None
    entry = {
        "name": row,
        "title": title,
        "ours_s": ours["seconds"],
        "reference_s": ref["seconds"],
        "ratio": round(ratio, 3) if ratio is not None else None,
        "goal": goal_text(row),
        "queries": ours["queries"],
        "peak_rss_mb": ours["peak_rss_mb"],
        "reference_queries": ref["queries"],
        "reference_peak_rss_mb": ref["peak_rss_mb"],
        "check_ours": ours["check"],
        "check_reference": ref["check"],
    }
    if "queries_small" in ours:
        entry["queries_small"] = ours["queries_small"]
        entry["small_size"] = ours["small_size"]
    if "read_only_s" in ref:
        # 7d: the floor's query alone, read and not stored (for the record)
        entry["reference_read_only_s"] = ref["read_only_s"]
        entry["ratio_to_read_only"] = round(ours["seconds"] / ref["read_only_s"], 3)
    if "persona_s" in ours:
        # measured after the members, outside the row's ratio
        entry["persona_s"] = ours["persona_s"]
        entry["persona_queries"] = ours["persona_queries"]
    return judge(entry, size)


def judge(entry, size):
    """Set goal_met from the numbers of a row (also for carried rows); None
    where the goal is judged at another size."""
    _title, goal, at = GOALS[entry["name"]]
    if at and at != size:
        entry["goal_met"] = None
        return entry
    met = entry["ratio"] is not None and entry["ratio"] <= goal
    if "queries_small" in entry:
        # a tenth of the work: a per-record query cost would show as 10x;
        # bounded extras (one UPDATE per territory and salesperson) stay
        met = met and entry["queries"] <= QUERY_GROWTH * entry["queries_small"]
    entry["goal_met"] = met
    return entry


def latest(size, exclude=None):
    files = sorted(RESULTS.glob(f"*-{size}.json"))
    files = [f for f in files if f != exclude]
    if not files:
        return None
    return json.loads(files[-1].read_text())


def slopes(current):
    """Log-log slope of our time between the latest results of two sizes."""
    by_size = {current["size"]: current}
    for size in ("S", "M", "L"):
        if size not in by_size:
            found = latest(size)
            if found:
                by_size[size] = found
    out = {}
    for big in ("M", "L"):
        if "S" not in by_size or big not in by_size:
            continue
        small_rows = {r["name"]: r for r in by_size["S"]["rows"]}
        key = f"S->{big}"
        out[key] = {}
        for row in by_size[big]["rows"]:
            name = row["name"]
            if name not in small_rows or not small_rows[name]["ours_s"]:
                continue
            factor = SIZES[big][DRIVER[name]] / SIZES["S"][DRIVER[name]]
            slope = math.log(row["ours_s"] / small_rows[name]["ours_s"]) / math.log(
                factor
            )
            out[key][name] = round(slope, 3)
        out[key]["goal"] = f"<= {SLOPE_GOAL} for every row"
        out[key]["goal_met"] = all(
            v <= SLOPE_GOAL for k, v in out[key].items() if k in ROW_NAMES
        )
    return out


def markdown(result):
    lines = [
        f"### CRM suite benchmarks, size {result['size']} ({result['date']})",
        "",
        "| row | ours (s) | reference (s) | ratio | goal | met | queries "
        "(ref) | peak RSS MB (ref) |",
        "|---|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in result["rows"]:
        small = (
            f" / {r['queries_small']} on {r['small_size']}"
            if "queries_small" in r
            else ""
        )
        title = r["title"] + (" (carried)" if "carried_from" in r else "")
        lines.append(
            f"| {title} | {r['ours_s']:.3f} | {r['reference_s']:.3f} | "
            f"{r['ratio']:.3f} | {r['goal']} | {MET[r['goal_met']]} | "
            f"{r['queries']}{small} ({r['reference_queries']}) | "
            f"{r['peak_rss_mb']} ({r['reference_peak_rss_mb']}) |"
        )
    for key, values in result["slopes"].items():
        text = ", ".join(f"{k} {v}" for k, v in values.items() if k in ROW_NAMES)
        lines.append(f"\nScaling slope {key}: {text} (goal {values['goal']})")
    two = result.get("twonode")
    if two and "one_node" in two and "two_nodes" in two:
        one, both = two["one_node"], two["two_nodes"]
        lines.append(
            f"\nJob queue (RFM, segment, routing {one.get('routing_leads')} leads): "
            f"single process {one.get('single_process_s')}s + routing "
            f"{one.get('routing_single_process_s')}s; as jobs on one node "
            f"{one['jobs_s']}s {one['chunks_per_node']}, on two nodes "
            f"{both['jobs_s']}s {both['chunks_per_node']}; results equal: "
            f"{MET[two['ok']]}"
        )
    rep = result.get("replica")
    if rep and "total_s" in rep:
        lines.append(
            f"\nRead replica: {rep['paths_on_replica']} of {rep['paths']} report "
            f"calls served by the standby, {rep['total_s']}s for the "
            f"{rep['requests']} requests; all checks passed: {MET[rep['ok']]}"
        )
    return "\n".join(lines)


def steps(args, result, odoo, db, previous):
    """The steps on a copy of the database (--twonode, --replica), run now
    or carried from the last run of this size; by default both run with
    every row at M (make bench SIZE=M)."""
    every_row_at_m = args.size == "M" and args.rows == ",".join(ROW_NAMES)
    for name, run in (("twonode", run_twonode), ("replica", run_replica)):
        wanted = getattr(args, name)
        if wanted is None:
            wanted = every_row_at_m
        if wanted:
            result[name] = run_on_copy(odoo, db, name, run(args))
        elif previous and name in previous:
            result[name] = dict(previous[name])
            result[name].setdefault("carried_from", previous["date"])


def run_twonode(args):
    """bench/twonode.py: the job-queue work on one node, then on two."""
    from twonode import BenchTwoNode

    return lambda odoo, copy: BenchTwoNode(odoo, copy, args.twonode_backlog)


def run_replica(_args):
    """bench/replica.py: the reports on a server reading from a standby."""
    from replica import BenchReplica

    return BenchReplica


def run_on_copy(odoo, db, name, make_task):
    """A step's task on a copy of ``db``: its numbers, and whether every
    check passed."""
    copy = f"{db}_{name}"
    say(f"{copy}: copy of {db} for the {name} step")
    odoo.drop_clone(copy)
    odoo.clone_db(db, copy)
    task = make_task(odoo, copy)
    try:
        task()
    finally:
        for line in task.lines:
            print(line)
        odoo.drop_clone(copy)
    out = dict(task.result, passed=task.passed, failed=task.failed, ok=task.ok)
    say(f"{name} step: {json.dumps(out)}")
    return out


def measure_row(row, args, command, log):
    """Both sides of a row, in turns (``side_order``), each in a process of
    its own; the entry built from each side's fastest run. ``command``:
    [python, --db, db, --config, config]."""
    python, *common = command
    runs = {"ours": [], "reference": []}
    for side in side_order(row, args.rounds):
        say(f"{row}: {side} (run {len(runs[side]) + 1})")
        runs[side].append(
            run_json(
                [python, str(BENCH / "measure.py"), *common, "--row", row]
                + ["--side", side, "--backlog", str(args.backlog)],
                log,
            )
        )
    # each side's fastest run: what the side costs without the noise
    sides = {side: min(done, key=lambda r: r["seconds"]) for side, done in runs.items()}
    entry = build_row(row, sides["ours"], sides["reference"], args.size)
    if len(runs["ours"]) > 1:
        entry["rounds"] = len(runs["ours"])
        for side in runs:
            entry[f"{side}_runs_s"] = [r["seconds"] for r in runs[side]]
    if row == "routing":
        entry["backlog"] = args.backlog
    return entry


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument(
        "--keep", action="store_true", help="reuse crmbench_<size> if it has data"
    )
    parser.add_argument(
        "--rows", default=",".join(ROW_NAMES), help="comma-separated subset of rows"
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the database at the end"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not write bench/results"
    )
    parser.add_argument(
        "--backlog",
        type=int,
        default=10_000,
        help="leads routed by the routing row, on both sides (at most the generated "
        "backlog: 10,000, or half the leads at XS)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="runs of each side, turn about (ours, reference, reference, ours, "
        "...); each side's fastest counts (default: 2 for the screens, 1 for "
        "the other rows)",
    )
    parser.add_argument(
        "--twonode",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run the job-queue work (RFM, segment, routing chunks) on a copy "
        "of the database, on one node and then on two (bench/twonode.py); by "
        "default at M when every row runs (make bench SIZE=M)",
    )
    parser.add_argument(
        "--replica",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also open the suite's reports on a server reading from a streaming "
        "replica, on a copy of the database (bench/replica.py); by default at M "
        "when every row runs (make bench SIZE=M)",
    )
    parser.add_argument(
        "--twonode-backlog",
        type=int,
        default=10_000,
        help="leads put back in the backlog and routed as jobs by the two-node step",
    )
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = set(rows) - set(ROW_NAMES)
    if unknown:
        parser.error(f"unknown rows {sorted(unknown)}; choose from {ROW_NAMES}")
    python, pg, odoo = prepare("bench")
    db = f"crmbench_{args.size.lower()}"
    log = ROOT / ".local" / "logs" / f"bench-{db}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cfg = str(odoo.config)
    generation_s = None
    if not (args.keep and pg.db_exists(db)):
        say(f"{db}: installing {', '.join(ADDONS)} (no demo data)")
        job = OdooRun(odoo, db, ADDONS, None, demo=False)
        job().report()
        if not job.ok:
            return 1
    has_data = pg.query(
        db, "SELECT 1 FROM ir_config_parameter WHERE key = 'crm_bench.meta'"
    ) == [["1"]]
    if not has_data:
        say(
            f"{db}: generating size {args.size} {SIZES[args.size]} (partners, "
            "invoices, leads, activities)"
        )
        started = time.time()
        gen = run_json(
            [
                python,
                str(BENCH / "generate.py"),
                "--db",
                db,
                "--size",
                args.size,
                "--config",
                cfg,
            ],
            log,
        )
        # as autovacuum would soon do on a server: statistics, and the
        # visibility map that lets index-only scans skip the table pages
        pg.query(
            db,
            "VACUUM ANALYZE res_partner, account_move, account_move_line, "
            "crm_lead, mail_message, mail_activity, sale_order_line, helpdesk_ticket",
        )
        generation_s = round(time.time() - started, 1)
        say(f"{db}: generated in {generation_s}s (steps: {gen['timings']})")
    result = {
        "size": args.size,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "counts": dict(
            zip(
                ["partners", "invoices", "leads", "activities"],
                SIZES[args.size],
                strict=True,
            )
        ),
        "tickets": sizes(args.size)["tickets"],
        "generation_s": generation_s,
        "routing_backlog": args.backlog,
        "load_average": [round(x, 2) for x in __import__("os").getloadavg()],
        "rows": [],
        "slopes": {},
    }
    for row in rows:
        entry = measure_row(row, args, [python, "--db", db, "--config", cfg], log)
        say(
            f"{row}: ours {entry['ours_s']}s, reference {entry['reference_s']}s, "
            f"ratio {entry['ratio']}"
        )
        result["rows"].append(entry)
    # rows not measured this time: carried from the latest run of this size
    previous = latest(args.size)
    if previous and set(rows) != set(ROW_NAMES):
        for entry in previous["rows"]:
            if entry["name"] not in rows:
                carried = dict(entry)
                carried.setdefault("carried_from", previous["date"])
                result["rows"].append(judge(carried, args.size))
    result["rows"].sort(key=lambda r: ROW_NAMES.index(r["name"]))
    # the backlog of the routing row shown, measured now or carried
    routing = [r for r in result["rows"] if r["name"] == "routing"]
    if routing and "carried_from" in routing[0]:
        result["routing_backlog"] = routing[0].get(
            "backlog", previous.get("routing_backlog")
        )
    elif not routing:
        result.pop("routing_backlog")
    steps(args, result, odoo, db, previous)
    # rows of both sizes only (L may be run without some rows)
    result["slopes"] = slopes(result)
    print(markdown(result))
    print(json.dumps(result, indent=1))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{datetime.date.today().isoformat()}-{args.size}.json"
        if path.exists():
            # appended: the newest run on top, the earlier ones of the day kept
            old = json.loads(path.read_text())
            result["previous_runs"] = old.pop("previous_runs", []) + [old]
        path.write_text(json.dumps(result, indent=1) + "\n")
        say(f"results written to {path.relative_to(ROOT)}")
    if args.drop:
        pg.drop_db(db)
        say(f"{db} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
