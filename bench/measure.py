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

from measure_offer import OFFER_ROWS

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
    "screen_tickets": (
        "helpdesk.ticket",
        "list",
        "helpdesk_mgmt.helpdesk_ticket_action",
        80,
    ),
}
# the domain of a list screen's action (crm's pipeline shows opportunities)
LIST_DOMAIN = {"crm.lead": [("type", "=", "opportunity")]}
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
            LIST_DOMAIN.get(model, []), state["spec"], limit=page
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


# ----------------------------------------------------------------------
# 7 predictions from the snapshots: transition matrix + churn risk + CLV,
# historical margin, customer x month facts
# ----------------------------------------------------------------------
CUTOFFS = 7  # monthly cut-offs of class history generated for the rows below
MARGIN_SQL = """
    -l.balance - (CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END)
        * l.quantity * COALESCE((pp.standard_price ->> %(ckey)s)::numeric, 0)
"""


def prep_prediction(env, meta):
    """RFM scores and CUTOFFS monthly cut-offs of class history (each
    customer drifting between the classes), generated once in SQL."""
    company = meta["company"]
    if not _sql(env, "SELECT 1 FROM crm_rfm_score LIMIT 1"):
        env["crm.rfm.config"]._get_for_company(env.company).action_recompute()
    dates = _sql(
        env,
        "SELECT COUNT(DISTINCT date) FROM crm_rfm_class_history WHERE company_id = %s",
        company,
    )[0][0]
    if dates < CUTOFFS:
        _sql(env, "DELETE FROM crm_rfm_class_history WHERE company_id = %s", company)
        _sql(
            env,
            """
            INSERT INTO crm_rfm_class_history (
                company_id, date, partner_id, class_id,
                create_uid, create_date, write_uid, write_date)
            SELECT s.company_id, %(today)s::date - 30 * g, s.partner_id,
                   cls.ids[1 + ((s.partner_id::bigint * 7919 + g * (s.partner_id %% 3))
                                %% array_length(cls.ids, 1))],
                   1, NOW(), 1, NOW()
              FROM crm_rfm_score s
             CROSS JOIN generate_series(0, %(n)s - 1) g
             CROSS JOIN (SELECT array_agg(id ORDER BY sequence, id) AS ids
                           FROM crm_rfm_class
                          WHERE active AND (company_id IS NULL
                                            OR company_id = %(company)s)) cls
             WHERE s.company_id = %(company)s AND s.class_id IS NOT NULL
            """,
            today=meta["today"],
            n=CUTOFFS,
            company=company,
        )
    config = env["crm.rfm.config"]._get_for_company(env.company)
    config._get_transition()
    env.cr.commit()
    return config


def _prediction_check(env, meta):
    pairs, churn, clv = _sql(
        env,
        """SELECT t.pair_count,
                  (SELECT ROUND(SUM(churn_risk)::numeric, 2) FROM crm_rfm_score
                    WHERE company_id = %(c)s),
                  (SELECT ROUND(SUM(clv)::numeric, 0) FROM crm_rfm_score
                    WHERE company_id = %(c)s)
             FROM crm_rfm_transition t WHERE t.company_id = %(c)s""",
        c=meta["company"],
    )[0]
    return {"pairs": pairs, "churn": float(churn or 0), "clv": float(clv or 0)}


def ours_prediction(env, meta, config):
    config._recompute_transitions()
    env.flush_all()
    return _prediction_check(env, meta)


def ref_prediction(env, meta, config):
    """The same results by hand: counts, margins, class margins in SQL; the
    powers of the small class matrix in Python; one UPDATE of the scores."""
    from odoo.addons.crm_segmentation.models.crm_customer_value import (
        lifetime_values,
    )
    from odoo.addons.crm_segmentation.models.crm_rfm_transition import churn_risks

    company = meta["company"]
    periods, horizon, churn_k = (
        config.transition_periods,
        config.clv_horizon,
        config.churn_periods,
    )
    rate, interval = config.clv_discount_rate, config.snapshot_interval
    params = {"c": company, "n": periods + 1, "ckey": str(company)}
    cut = """
        WITH cut AS (
            SELECT date, LEAD(date) OVER (ORDER BY date) AS nxt
              FROM (SELECT DISTINCT date FROM crm_rfm_class_history
                     WHERE company_id = %(c)s ORDER BY date DESC LIMIT %(n)s) d)"""
    cells = _sql(
        env,
        cut
        + """
        SELECT a.class_id, b.class_id, COUNT(*), MIN(cut.date), MAX(cut.nxt),
               COUNT(DISTINCT cut.date)
          FROM cut
          JOIN crm_rfm_class_history a ON a.company_id = %(c)s AND a.date = cut.date
          JOIN crm_rfm_class_history b ON b.company_id = %(c)s AND b.date = cut.nxt
           AND b.partner_id = a.partner_id
         GROUP BY 1, 2""",
        **params,
    )
    _sql(
        env,
        """
        UPDATE crm_rfm_score s SET margin = COALESCE(v.margin, 0)
          FROM crm_rfm_score s2 LEFT JOIN (
              SELECT m.commercial_partner_id AS pid, SUM("""
        + MARGIN_SQL
        + """) AS margin
                FROM account_move m
                JOIN account_move_line l
                  ON l.move_id = m.id AND l.display_type = 'product'
                LEFT JOIN product_product pp ON pp.id = l.product_id
               WHERE m.state = 'posted' AND m.company_id = %(c)s
                 AND m.move_type IN ('out_invoice', 'out_refund')
               GROUP BY 1) v ON v.pid = s2.partner_id
         WHERE s.id = s2.id AND s2.company_id = %(c)s""",
        **params,
    )
    margins = dict(
        _sql(
            env,
            cut
            + """,
        src AS (
            SELECT h.partner_id, h.class_id, cut.date, cut.nxt
              FROM cut JOIN crm_rfm_class_history h
                ON h.company_id = %(c)s AND h.date = cut.date
             WHERE cut.nxt IS NOT NULL),
        mg AS (
            SELECT src.partner_id, src.date, SUM("""
            + MARGIN_SQL
            + """) AS margin
              FROM src
              JOIN account_move m ON m.commercial_partner_id = src.partner_id
               AND m.invoice_date > src.date AND m.invoice_date <= src.nxt
              JOIN account_move_line l
                ON l.move_id = m.id AND l.display_type = 'product'
              LEFT JOIN product_product pp ON pp.id = l.product_id
             WHERE m.state = 'posted' AND m.company_id = %(c)s
               AND m.move_type IN ('out_invoice', 'out_refund')
             GROUP BY 1, 2)
        SELECT src.class_id, AVG(COALESCE(mg.margin, 0))::float8
          FROM src LEFT JOIN mg
            ON mg.partner_id = src.partner_id AND mg.date = src.date
         GROUP BY 1""",
            **params,
        )
    )
    counts = {}
    for src, dst, count, *_rest in cells:
        counts.setdefault(src, {})[dst] = count
    probabilities = {
        (src, dst): count / sum(row.values())
        for src, row in counts.items()
        for dst, count in row.items()
    }
    classes = _sql(
        env,
        "SELECT id, is_lost FROM crm_rfm_class "
        "WHERE company_id IS NULL OR company_id = %s",
        company,
    )
    class_ids = sorted(
        {c for c, _lost in classes} | {c for p in probabilities for c in p}
    )
    lost = {c for c, is_lost in classes if is_lost}
    risks = churn_risks(class_ids, probabilities, lost, churn_k)
    days = interval
    if cells:
        count = max(r[5] for r in cells)
        first = min(r[3] for r in cells)
        last = max(r[4] for r in cells)
        days = (last - first).days / count or interval
    discount = 1 / (1 + rate / 100) ** (days / 365)
    values = lifetime_values(class_ids, probabilities, lost, margins, discount, horizon)
    rows = ", ".join(
        "(%d, %r, %r)" % (cid, float(risks[cid]), float(values[cid][1]))
        for cid in class_ids
    )
    _sql(
        env,
        f"""
        UPDATE crm_rfm_score s SET churn_risk = v.risk, clv = v.clv
          FROM (VALUES {rows}) v(cid, risk, clv)
         WHERE s.company_id = %s AND s.class_id = v.cid""",
        company,
    )
    return {
        "pairs": sum(r[2] for r in cells),
        **{
            k: v
            for k, v in _prediction_check(env, meta).items()
            if k in ("churn", "clv")
        },
    }


def prep_margin(env, meta):
    return prep_prediction(env, meta)


def ours_margin(env, meta, config):
    config._compute_margins()
    env.flush_all()
    return _margin_check(env, meta)


def _margin_check(env, meta):
    total = _sql(
        env,
        "SELECT ROUND(SUM(margin)::numeric, 0) FROM crm_rfm_score "
        "WHERE company_id = %s",
        meta["company"],
    )[0][0]
    return {"margin": float(total or 0)}


def ref_margin(env, meta, _config):
    company = meta["company"]
    _sql(
        env,
        """
        UPDATE crm_rfm_score s SET margin = COALESCE(v.margin, 0)
          FROM crm_rfm_score s2 LEFT JOIN (
              SELECT m.commercial_partner_id AS pid, SUM("""
        + MARGIN_SQL
        + """) AS margin
                FROM account_move m
                JOIN account_move_line l
                  ON l.move_id = m.id AND l.display_type = 'product'
                LEFT JOIN product_product pp ON pp.id = l.product_id
               WHERE m.state = 'posted' AND m.company_id = %(c)s
                 AND m.move_type IN ('out_invoice', 'out_refund')
               GROUP BY 1) v ON v.pid = s2.partner_id
         WHERE s.id = s2.id AND s2.company_id = %(c)s""",
        c=company,
        ckey=str(company),
    )
    return _margin_check(env, meta)


def prep_facts(env, meta):
    """No facts frozen yet: the row freezes the last twelve months."""
    config = prep_prediction(env, meta)
    _sql(env, "DELETE FROM crm_customer_month WHERE company_id = %s", meta["company"])
    env.cr.commit()
    return config


def _facts_check(env, meta):
    count, revenue, tickets, breaches, rated, satisfied = _sql(
        env,
        "SELECT COUNT(*), ROUND(SUM(revenue)::numeric, 0), SUM(ticket_count), "
        "SUM(breach_count), SUM(rated_count), SUM(satisfied_count) "
        "FROM crm_customer_month WHERE company_id = %s",
        meta["company"],
    )[0]
    return {
        "rows": count,
        "revenue": float(revenue or 0),
        "tickets": tickets or 0,
        "breaches": breaches or 0,
        "rated": rated or 0,
        "satisfied": satisfied or 0,
    }


def ours_facts(env, meta, config):
    config._freeze_customer_months(meta["today"])
    env.flush_all()
    return _facts_check(env, meta)


def ref_facts(env, meta, _config):
    company = meta["company"]
    # tickets, SLA breaches and ratings too when a helpdesk (with
    # crm_helpdesk_link's breach flags) is installed, as ours counts them
    helpdesk = "helpdesk.ticket" in env
    breach_flags = helpdesk and (
        "sla_response_breached" in env["helpdesk.ticket"]._fields
    )
    tickets = (
        """
        tk AS (
            SELECT p.commercial_partner_id AS pid,
                   date_trunc('month', t.create_date)::date AS mon, COUNT(*) AS n,
                   """
        + (
            "COUNT(*) FILTER (WHERE t.sla_response_breached"
            " OR t.sla_resolution_breached)"
            if breach_flags
            else "0"
        )
        + """ AS breaches
              FROM helpdesk_ticket t JOIN res_partner p ON p.id = t.partner_id, b
             WHERE t.company_id = %(c)s
               AND t.create_date >= b.m0 AND t.create_date < b.d + 1
             GROUP BY 1, 2),"""
        if helpdesk
        else "tk AS (SELECT NULL::int AS pid, NULL::date AS mon, 0 AS n,"
        " 0 AS breaches WHERE false),"
    )
    ratings = (
        """
        rt AS (
            SELECT pid, mon, COUNT(*) AS rated,
                   COUNT(*) FILTER (WHERE rating >= 4) AS satisfied
              FROM (SELECT DISTINCT ON (r.res_id,
                               date_trunc('month', COALESCE(r.rated_on, r.write_date)))
                           tp.commercial_partner_id AS pid,
                           date_trunc('month', COALESCE(r.rated_on, r.write_date))
                               ::date AS mon,
                           r.rating
                      FROM rating_rating r
                      JOIN helpdesk_ticket t ON t.id = r.res_id
                      JOIN res_partner tp ON tp.id = t.partner_id
                      JOIN res_partner rp ON rp.id = r.partner_id, b
                     WHERE r.res_model = 'helpdesk.ticket' AND r.consumed
                       AND r.rating >= 1 AND t.company_id = %(c)s
                       AND rp.commercial_partner_id = tp.commercial_partner_id
                       AND COALESCE(r.rated_on, r.write_date) >= b.m0
                       AND COALESCE(r.rated_on, r.write_date) < b.d + 1
                     ORDER BY r.res_id,
                              date_trunc('month', COALESCE(r.rated_on, r.write_date)),
                              COALESCE(r.rated_on, r.write_date) DESC, r.id DESC) x
             GROUP BY 1, 2),"""
        if helpdesk and "rating.rating" in env
        else "rt AS (SELECT NULL::int AS pid, NULL::date AS mon, 0 AS rated,"
        " 0 AS satisfied WHERE false),"
    )
    _sql(
        env,
        """
        WITH b AS (SELECT %(d)s::date AS d,
                          (date_trunc('month', %(d)s::date)
                           - interval '11 months')::date AS m0),
        inv AS (
            SELECT m.commercial_partner_id AS pid,
                   date_trunc('month', m.invoice_date)::date AS mon,
                   SUM(-l.balance) AS revenue, SUM("""
        + MARGIN_SQL
        + """) AS margin,
                   COUNT(DISTINCT m.id) FILTER (WHERE m.move_type = 'out_invoice')
                       AS invoices
              FROM account_move m, b
              JOIN account_move_line l ON true
              LEFT JOIN product_product pp ON pp.id = l.product_id
             WHERE l.move_id = m.id AND l.display_type = 'product'
               AND m.state = 'posted' AND m.company_id = %(c)s
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND m.invoice_date >= b.m0 AND m.invoice_date <= b.d
             GROUP BY 1, 2),
        so AS (
            SELECT p.commercial_partner_id AS pid,
                   date_trunc('month', o.date_order)::date AS mon, COUNT(*) AS orders
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id, b
             WHERE o.state = 'sale' AND o.company_id = %(c)s
               AND o.date_order >= b.m0 AND o.date_order < b.d + 1
             GROUP BY 1, 2),
        act AS (
            SELECT p.commercial_partner_id AS pid,
                   date_trunc('month', msg.date)::date AS mon, COUNT(*) AS activities
              FROM mail_message msg
              LEFT JOIN crm_lead ld ON msg.model = 'crm.lead' AND ld.id = msg.res_id
              JOIN res_partner p ON p.id = CASE WHEN msg.model = 'res.partner'
                                                THEN msg.res_id ELSE ld.partner_id END,
                   b
             WHERE msg.mail_activity_type_id IS NOT NULL
               AND msg.model IN ('res.partner', 'crm.lead')
               AND msg.date >= b.m0 AND msg.date < b.d + 1
             GROUP BY 1, 2),"""
        + tickets
        + ratings
        + """
        k AS (SELECT pid, mon FROM inv UNION SELECT pid, mon FROM so
              UNION SELECT pid, mon FROM act UNION SELECT pid, mon FROM tk
              UNION SELECT pid, mon FROM rt)
        INSERT INTO crm_customer_month (
            company_id, cutoff_date, month, partner_id, class_id, revenue, margin,
            invoice_count, order_count, ticket_count, activity_count,
            breach_count, rated_count, satisfied_count,
            create_uid, create_date, write_uid, write_date)
        SELECT %(c)s, %(d)s, k.mon, k.pid, s.class_id, COALESCE(inv.revenue, 0),
               COALESCE(inv.margin, 0), COALESCE(inv.invoices, 0),
               COALESCE(so.orders, 0), COALESCE(tk.n, 0),
               COALESCE(act.activities, 0), COALESCE(tk.breaches, 0),
               COALESCE(rt.rated, 0), COALESCE(rt.satisfied, 0),
               1, NOW(), 1, NOW()
          FROM k
          LEFT JOIN inv ON inv.pid = k.pid AND inv.mon = k.mon
          LEFT JOIN so ON so.pid = k.pid AND so.mon = k.mon
          LEFT JOIN act ON act.pid = k.pid AND act.mon = k.mon
          LEFT JOIN tk ON tk.pid = k.pid AND tk.mon = k.mon
          LEFT JOIN rt ON rt.pid = k.pid AND rt.mon = k.mon
          LEFT JOIN crm_rfm_score s ON s.partner_id = k.pid AND s.company_id = %(c)s
        """,
        c=company,
        ckey=str(company),
        d=meta["today"],
    )
    return _facts_check(env, meta)


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
    "churn": (prep_prediction, ours_prediction, prep_prediction, ref_prediction, None),
    "margin": (prep_margin, ours_margin, prep_margin, ref_margin, None),
    "facts": (prep_facts, ours_facts, prep_facts, ref_facts, None),
    **OFFER_ROWS,
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
