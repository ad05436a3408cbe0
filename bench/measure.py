# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Measure one side of one benchmark row, in a process of its own.

``python3 bench/measure.py --db crmbench_s --row rfm --side ours`` loads the
registry, prepares what the row needs (not timed), then times the work and
prints one JSON line: seconds, SQL queries (Odoo's global query counter) and
the peak RSS of the timed part (VmHWM, reset with /proc/self/clear_refs just
before it starts, so it includes the loaded registry but no earlier peak).
Each side runs once untimed first (warm caches), except routing.
"""

import argparse
import json
import sys
import time
from pathlib import Path

META_KEY = "crm_bench.meta"
KPI_AGGREGATES = [
    "lead_count:sum",
    "activity_count:sum",
    "call_count:sum",
    "meeting_count:sum",
    "email_count:sum",
    "quote_count:sum",
    "won_count:sum",
    "won_amount:sum",
    "lost_count:sum",
    "closed_count:sum",
    "conversion_rate:sum",
    "avg_cycle_days:sum",
    "avg_first_activity_hours:sum",
    "revenue_per_activity:sum",
]


def _sql(env, query, *args, **kwargs):
    from odoo.tools import SQL

    return env.execute_query(SQL(query, *args, **kwargs))


# ----------------------------------------------------------------------
# 1 RFM
# ----------------------------------------------------------------------
def prep_rfm(env, meta):
    config = env["crm.rfm.config"]._get_for_company(env.company)
    env.cr.commit()
    return config


def ours_rfm(env, meta, config):
    config.action_recompute()
    env.flush_all()
    env.cr.commit()
    count, total, r, f, m = _sql(
        env,
        "SELECT COUNT(*), ROUND(SUM(monetary), 2), SUM(r_score), SUM(f_score), "
        "SUM(m_score) FROM crm_rfm_score WHERE company_id = %s",
        meta["company"],
    )[0]
    return {"customers": count, "monetary": float(total or 0), "scores": [r, f, m]}


def ref_rfm(env, meta, _prep):
    rows = _sql(
        env,
        """
        WITH inv AS (
            SELECT m.commercial_partner_id AS pid,
                   COUNT(*) FILTER (WHERE m.move_type = 'out_invoice') AS frequency,
                   COUNT(*) FILTER (WHERE m.move_type = 'out_refund') AS refunds,
                   COALESCE(SUM(m.amount_untaxed_signed), 0) AS monetary,
                   MIN(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                       AS first_date,
                   MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice')
                       AS last_date
              FROM account_move m
             WHERE m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.company_id = %(company)s
             GROUP BY m.commercial_partner_id),
        so AS (
            SELECT p.commercial_partner_id AS pid, MAX(o.date_order)::date AS last
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' AND o.company_id = %(company)s
             GROUP BY p.commercial_partner_id)
        SELECT inv.pid, inv.frequency, inv.refunds, inv.monetary, inv.first_date,
               inv.last_date, GREATEST(so.last, inv.last_date),
               CURRENT_DATE - inv.last_date AS recency,
               CASE WHEN inv.last_date IS NULL THEN 1 ELSE
               1 + FLOOR(5.0 * (RANK() OVER (ORDER BY CURRENT_DATE - inv.last_date
                                             DESC NULLS FIRST) - 1)
                         / COUNT(*) OVER ())::int END,
               1 + FLOOR(5.0 * (RANK() OVER (ORDER BY inv.frequency NULLS FIRST) - 1)
                         / COUNT(*) OVER ())::int,
               1 + FLOOR(5.0 * (RANK() OVER (ORDER BY inv.monetary NULLS FIRST) - 1)
                         / COUNT(*) OVER ())::int
          FROM inv LEFT JOIN so ON so.pid = inv.pid
        """,
        company=meta["company"],
    )
    return {
        "customers": len(rows),
        "monetary": round(float(sum(r[3] for r in rows)), 2),
        "scores": [sum(r[i] for r in rows) for i in (8, 9, 10)],
    }


# ----------------------------------------------------------------------
# 2 segment
# ----------------------------------------------------------------------
def prep_segment(env, meta):
    has_scores = _sql(env, "SELECT 1 FROM crm_rfm_score LIMIT 1")
    if not has_scores:
        env["crm.rfm.config"]._get_for_company(env.company).action_recompute()
        env.cr.commit()
    return env["crm.segment"].browse(meta["segment"])


def ours_segment(env, meta, segment):
    segment._compute_members()
    env.flush_all()
    env.cr.commit()
    return {"members": segment.member_count}


def ref_segment(env, meta, segment):
    countries = segment.country_ids.ids  # not timed: read before the clock
    rows = _sql(
        env,
        """
        SELECT p.id FROM res_partner p
          JOIN crm_rfm_score s ON s.partner_id = p.id AND s.company_id = %s
         WHERE p.active AND p.parent_id IS NULL AND p.country_id = ANY(%s)
           AND s.r_score BETWEEN 3 AND 5 AND s.m_score BETWEEN 3 AND 5
        """,
        meta["company"],
        countries,
    )
    return {"members": len(rows)}


def after_segment(env, meta, segment, side):
    """The persona, refreshed after the members by the button and the
    scheduler: timed on its own (not part of the row's ratio)."""
    from odoo import sql_db

    if side != "ours":
        return {}
    env.invalidate_all()
    before = sql_db.sql_counter
    started = time.perf_counter()
    segment._compute_persona()
    env.flush_all()
    env.cr.commit()
    return {
        "persona_s": round(time.perf_counter() - started, 4),
        "persona_queries": sql_db.sql_counter - before,
    }


def prep_segment_ref(env, meta):
    segment = prep_segment(env, meta)
    segment.country_ids.ids  # noqa: B018 (prefetch outside the clock)
    return segment


# ----------------------------------------------------------------------
# 3 routing
# ----------------------------------------------------------------------
def backlog_range(meta):
    """The backlog: its first ``--backlog`` leads (all of them by default)."""
    low, high = meta["backlog"]
    limit = meta.get("backlog_limit") or 0
    return low, min(high, low + limit - 1) if limit > 0 else high


def reset_backlog(env, meta):
    """Put the backlog back as generated: unassigned new leads, no trace.

    Generated backlog leads beyond ``--backlog`` are given to the first
    salesperson, so that core's assignment sees the same leads as ours."""
    low, high = meta["backlog"]
    _low, used = backlog_range(meta)
    env.flush_all()
    stage = meta["open_stages"][0]
    _sql(
        env,
        "DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id "
        "BETWEEN %s AND %s AND mail_activity_type_id IS NULL",
        low,
        high,
    )
    _sql(
        env,
        "DELETE FROM mail_followers WHERE res_model = 'crm.lead' AND res_id "
        "BETWEEN %s AND %s",
        low,
        high,
    )
    _sql(
        env,
        "DELETE FROM crm_lead_stage_history WHERE lead_id BETWEEN %s AND %s",
        low,
        high,
    )
    _sql(
        env,
        """UPDATE crm_lead SET user_id = NULL, team_id = NULL, territory_id = NULL,
                  date_open = NULL, date_conversion = NULL, type = 'lead',
                  stage_id = %s, write_date = create_date
            WHERE id BETWEEN %s AND %s""",
        stage,
        low,
        used,
    )
    _sql(
        env,
        """UPDATE crm_lead SET user_id = %s, team_id = %s, type = 'opportunity',
                  date_open = create_date
            WHERE id > %s AND id <= %s""",
        meta["users"][0],
        meta["team"],
        used,
        high,
    )
    env.cr.commit()
    env.invalidate_all()


def prep_routing(env, meta):
    reset_backlog(env, meta)
    low, high = backlog_range(meta)
    return env["crm.lead"].search([("id", ">=", low), ("id", "<=", high)]).ids


def _assigned(env, meta):
    low, high = backlog_range(meta)
    return _sql(
        env,
        "SELECT COUNT(*) FROM crm_lead WHERE id BETWEEN %s AND %s "
        "AND user_id IS NOT NULL",
        low,
        high,
    )[0][0]


def ours_routing(env, meta, ids):
    env["crm.territory"]._route_leads(env["crm.lead"].browse(ids))
    env.flush_all()
    env.cr.commit()
    return {"leads": len(ids), "assigned": _assigned(env, meta)}


def ref_routing(env, meta, _ids):
    team = env["crm.team"].browse(meta["team"])
    team._action_assign_leads(force_quota=True, creation_delta_days=0)
    env.flush_all()
    env.cr.commit()
    return {"leads": len(_ids), "assigned": _assigned(env, meta)}


def after_routing(env, meta, ids, side):
    """Queries on a tenth of the backlog: the count must not change."""
    from odoo import sql_db

    reset_backlog(env, meta)
    small = ids[: max(1, len(ids) // 10)]
    before = sql_db.sql_counter
    if side == "ours":
        env["crm.territory"]._route_leads(env["crm.lead"].browse(small))
        env.flush_all()
    queries = sql_db.sql_counter - before
    env.cr.rollback()
    reset_backlog(env, meta)
    return (
        {"queries_small": queries, "small_size": len(small)} if side == "ours" else {}
    )


# ----------------------------------------------------------------------
# 4 pricing
# ----------------------------------------------------------------------
def prep_pricing(env, meta):
    order = env["sale.order"].browse(meta["quote"])
    ids = order.order_line.ids
    env.invalidate_all()
    return ids


def ours_pricing(env, meta, ids):
    results = env["crm.quote.price.rule"]._pricer_compute(
        env["sale.order.line"].browse(ids)
    )
    return {
        "lines": len(results),
        "total": round(sum(r["price"] for r in results.values()), 2),
    }


def ref_pricing(env, meta, ids):
    prices = [
        line._get_pricelist_price() for line in env["sale.order.line"].browse(ids)
    ]
    return {"lines": len(prices), "total": round(sum(prices), 2)}


def after_pricing(env, meta, ids, side):
    from odoo import sql_db

    if side != "ours":
        return {}
    env.invalidate_all()
    small = ids[: max(1, len(ids) // 10)]
    before = sql_db.sql_counter
    env["crm.quote.price.rule"]._pricer_compute(env["sale.order.line"].browse(small))
    return {"queries_small": sql_db.sql_counter - before, "small_size": len(small)}


# ----------------------------------------------------------------------
# 5 KPIs
# ----------------------------------------------------------------------
def prep_none(env, meta):
    return None


def prep_kpi(env, meta):
    """The report is a view: rebuild it from the code being measured."""
    env["crm.salesperson.kpi.report"].init()
    env.cr.commit()


def ours_kpi(env, meta, _prep):
    groups = env["crm.salesperson.kpi.report"]._read_group(
        [], ["user_id"], KPI_AGGREGATES
    )
    return {
        "salespeople": len(groups),
        "leads": int(sum(g[1] for g in groups)),
        "activities": int(sum(g[2] for g in groups)),
        "won": int(sum(g[7] for g in groups)),
    }


def ref_kpi(env, meta, _prep):
    rows = _sql(
        env,
        """
        WITH fa AS (
            SELECT res_id, MIN(date) AS first_date FROM mail_message
             WHERE model = 'crm.lead' AND mail_activity_type_id IS NOT NULL
             GROUP BY res_id),
        au AS (SELECT partner_id, MIN(id) AS uid FROM res_users GROUP BY partner_id),
        l AS (
            SELECT COALESCE(l.user_id, 0) AS k,
                   COUNT(*) AS leads,
                   COUNT(*) FILTER (WHERE l.won_status = 'won') AS won,
                   COALESCE(SUM(l.expected_revenue)
                            FILTER (WHERE l.won_status = 'won'), 0) AS won_amount,
                   COUNT(*) FILTER (WHERE l.won_status = 'lost') AS lost,
                   COALESCE(SUM(EXTRACT(EPOCH FROM COALESCE(l.date_closed,
                            l.write_date) - l.create_date) / 86400.0)
                            FILTER (WHERE l.won_status = 'won'), 0) AS cycle,
                   COALESCE(SUM(EXTRACT(EPOCH FROM fa.first_date - l.create_date)
                            / 3600.0), 0) AS fah,
                   COUNT(fa.first_date) AS fac
              FROM crm_lead l LEFT JOIN fa ON fa.res_id = l.id
             GROUP BY 1),
        a AS (
            SELECT COALESCE(au.uid, l.user_id, 0) AS k, COUNT(*) AS acts,
                   COUNT(*) FILTER (WHERE t.category = 'phonecall') AS calls,
                   COUNT(*) FILTER (WHERE t.category = 'meeting') AS meetings,
                   COUNT(*) FILTER (WHERE t.id IN (
                       SELECT res_id FROM ir_model_data
                        WHERE model = 'mail.activity.type' AND module = 'mail'
                          AND name = 'mail_activity_data_email')) AS emails
              FROM mail_message m
              JOIN crm_lead l ON m.model = 'crm.lead' AND m.res_id = l.id
              JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
              LEFT JOIN au ON au.partner_id = m.author_id
             GROUP BY 1),
        q AS (
            SELECT COALESCE(user_id, 0) AS k, COUNT(*) AS quotes FROM sale_order
             WHERE opportunity_id IS NOT NULL AND state IN ('sent', 'sale')
             GROUP BY 1)
        SELECT COALESCE(l.k, a.k, q.k), COALESCE(l.leads, 0), COALESCE(a.acts, 0),
               COALESCE(a.calls, 0), COALESCE(a.meetings, 0), COALESCE(a.emails, 0),
               COALESCE(q.quotes, 0), COALESCE(l.won, 0), COALESCE(l.won_amount, 0),
               COALESCE(l.lost, 0), COALESCE(l.won + l.lost, 0),
               COALESCE(l.won * 100.0 / NULLIF(l.won + l.lost, 0), 0),
               COALESCE(l.cycle / NULLIF(l.won, 0), 0),
               COALESCE(l.fah / NULLIF(l.fac, 0), 0),
               COALESCE(l.won_amount / NULLIF(a.acts, 0), 0)
          FROM l FULL JOIN a ON a.k = l.k FULL JOIN q ON q.k = COALESCE(l.k, a.k)
        """,
    )
    return {
        "salespeople": len(rows),
        "leads": int(sum(r[1] for r in rows)),
        "activities": int(sum(r[2] for r in rows)),
        "won": int(sum(r[7] for r in rows)),
    }


# ----------------------------------------------------------------------
# 6 screens: the calls the web client makes to open a screen
# ----------------------------------------------------------------------
# row -> (model, view type, action whose view is opened, page size)
SCREENS = {
    "screen_pipeline": ("crm.lead", "kanban", "crm.crm_lead_action_pipeline", 80),
    "screen_leads": ("crm.lead", "list", "crm.crm_lead_action_pipeline", 80),
    "screen_quote": ("sale.order", "form", "sale.action_quotations", 40),
    "screen_partner": ("res.partner", "form", "account.res_partner_action_customer", 0),
}
# the suite's addons, read from the repository's manifests
SUITE = sorted(
    p.parent.name for p in Path(__file__).resolve().parents[1].glob("*/__manifest__.py")
)
SCREEN_USER = 2  # the admin user: record rules apply, as for any user


def _field_nodes(node):
    """The <field> nodes of a view, not those of its fields' own sub-views."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "field":
            yield child
        else:
            yield from _field_nodes(child)


def _spec(node, model, models, page):
    """The read specification the web client builds from a view."""
    fields = models[model]["fields"]
    spec = {}
    for child in _field_nodes(node):
        name = child.get("name")
        info = fields.get(name)
        if info is None:
            continue
        if info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many"):
            sub = next(
                (
                    v
                    for v in child
                    if isinstance(v.tag, str) and v.tag in ("list", "kanban")
                ),
                None,
            )
            if sub is not None and info["relation"] in models:
                spec[name] = {
                    "fields": _spec(sub, info["relation"], models, page),
                    "limit": page or 40,
                }
            else:
                spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def prep_screen(env, meta, row, suite=True):
    """The screen's view as the user gets it, with the suite's own views
    (``suite``) or without them (the same database, the suite's inherited
    views switched off in this transaction: the core screen)."""
    from lxml import etree

    model, view_type, action_xmlid, page = SCREENS[row]
    user_env = env(user=SCREEN_USER)
    if not suite:
        views = env["ir.model.data"].search(
            [("model", "=", "ir.ui.view"), ("module", "in", SUITE)]
        )
        # by SQL: a write would validate each view again, not the point here
        _sql(
            env,
            "UPDATE ir_ui_view SET active = FALSE WHERE id = ANY(%s)",
            views.mapped("res_id"),
        )
        env["ir.ui.view"].invalidate_model(["active"])
    # the views as they are now in this transaction, not as cached before
    env.registry.clear_cache("templates")
    action = env.ref(action_xmlid)
    view_id = next(
        (v for v, t in action._get_action_dict()["views"] if t == view_type), False
    )
    views = user_env[model].get_views([(view_id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    spec = _spec(arch, model, views["models"], page)
    if model == "sale.order":
        ids = [meta["quote"]]
    elif model == "res.partner":
        ids = [meta["template_partner"]]
    else:
        ids = []
    return {
        "env": user_env,
        "model": model,
        "type": view_type,
        "spec": spec,
        "ids": ids,
        "page": page,
        "arch": arch,
    }


def open_screen(state, page=None):
    env, model = state["env"], state["model"]
    page = state["page"] if page is None else page
    Model = env[model]
    if state["type"] == "kanban":
        result = Model.web_read_group(
            [("type", "=", "opportunity")],
            ["stage_id"],
            ["expected_revenue:sum"],
            auto_unfold=True,
            unfold_read_specification=state["spec"],
            unfold_read_default_limit=page,
        )
        Model.read_progress_bar(
            [("type", "=", "opportunity")],
            "stage_id",
            {
                "field": "activity_state",
                "colors": {
                    "planned": "success",
                    "today": "warning",
                    "overdue": "danger",
                },
            },
        )
        return {"groups": result["length"]}
    if state["type"] == "list":
        result = Model.web_search_read(
            [("type", "=", "opportunity")], state["spec"], limit=page
        )
        return {"records": len(result["records"]), "length": result["length"]}
    spec = state["spec"]
    if page:
        spec = {k: dict(v, limit=page) if "limit" in v else v for k, v in spec.items()}
    (record,) = Model.browse(state["ids"]).web_read(spec)
    return {"fields": len(record)}


def screen_row(row):
    def prep_ours(env, meta):
        return prep_screen(env, meta, row)

    def prep_core(env, meta):
        return prep_screen(env, meta, row, suite=False)

    def work(env, meta, state):
        result = open_screen(state)
        state["env"].invalidate_all()
        return result

    def after(env, meta, state, side):
        """Queries at a tenth of the page: a per-record query shows as 10x."""
        from odoo import sql_db

        if side != "ours" or not state["page"]:
            return {}
        small = max(1, state["page"] // 10)
        state["env"].invalidate_all()
        before = sql_db.sql_counter
        open_screen(state, small)
        return {"queries_small": sql_db.sql_counter - before, "small_size": small}

    return (prep_ours, work, prep_core, work, after)


REPEAT = dict.fromkeys(SCREENS, 7)  # timed runs of a row (median kept)
ROWS = {
    "rfm": (prep_rfm, ours_rfm, prep_rfm, ref_rfm, None),
    "segment": (
        prep_segment,
        ours_segment,
        prep_segment_ref,
        ref_segment,
        after_segment,
    ),
    "routing": (prep_routing, ours_routing, prep_routing, ref_routing, after_routing),
    "pricing": (prep_pricing, ours_pricing, prep_pricing, ref_pricing, after_pricing),
    "kpi": (prep_kpi, ours_kpi, prep_none, ref_kpi, None),
    **{row: screen_row(row) for row in SCREENS},
}


def peak_rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    return None


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # older kernels: the peak then includes the registry load


def measure(env, meta, row, side):
    from odoo import sql_db

    prep_ours, ours, prep_ref, ref, after = ROWS[row]
    prep, work = (prep_ours, ours) if side == "ours" else (prep_ref, ref)
    if row != "routing":
        # one untimed run first, on both sides, as a running server would be
        # warm (Odoo's caches, PostgreSQL's buffers); the routing backlog
        # would have to be reset and core takes minutes: both sides cold there
        work(env, meta, prep(env, meta))
        env.cr.rollback()
        env.invalidate_all()
    state = prep(env, meta)
    reset_peak()
    # a screen takes milliseconds: the median of several openings, so that
    # one scheduling hiccup of a shared machine is not the result
    times = []
    for _run in range(REPEAT.get(row, 1)):
        queries = sql_db.sql_counter
        started = time.perf_counter()
        check = work(env, meta, state)
        times.append(time.perf_counter() - started)
    seconds = sorted(times)[len(times) // 2]
    result = {
        "seconds": round(seconds, 4),
        "queries": sql_db.sql_counter - queries,
        "peak_rss_mb": peak_rss_mb(),
        "check": check,
    }
    if after:
        result.update(after(env, meta, state, side))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--row", choices=sorted(ROWS), required=True)
    parser.add_argument("--side", choices=["ours", "reference"], required=True)
    parser.add_argument("--config", default=str(Path(".local") / "odoo.cfg"))
    parser.add_argument(
        "--backlog", type=int, default=0, help="route only this many backlog leads"
    )
    args = parser.parse_args()
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.db, "--log-level=warn"])
    with Registry(args.db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        meta = json.loads(env["ir.config_parameter"].get_param(META_KEY))
        meta["backlog_limit"] = args.backlog
        result = measure(env, meta, args.row, args.side)
        if args.row in SCREENS:
            cr.rollback()  # the core side switched the suite's views off
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
