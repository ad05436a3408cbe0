# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark row "next_offer": the next-offer recompute of crm_segmentation
against a hand-written SQL floor: the same lifts and ranks by the plain
customer x rule join, stored in the same table as the floors of rows 7a-7c
store theirs (the old offers deleted, the new ones inserted, committed;
without the source category and support, which it does not compute: a
cheaper floor than the full work). The floor's query alone, read and not
stored, is timed after the row (``read_only_s``). Rows in the shape of
bench/measure.py's ROWS: (prep_ours, ours, prep_ref, ref, after)."""

import time

TOP_OFFERS = 3


def _sql(env, query, *args, **kwargs):
    from odoo.tools import SQL

    return env.execute_query(SQL(query, *args, **kwargs))


def prep_offer(env, meta):
    company = env["res.company"].browse(meta["company"])
    env.cr.commit()
    return company


def ours_offer(env, meta, company):
    env["crm.next.offer"]._recompute(company)
    env.flush_all()
    env.cr.commit()
    return _offer_check(env, company)


# the floor's offers: (customer, category, lift, rank) by the plain join
FLOOR_OFFERS = """
    WITH cp AS (
        SELECT DISTINCT m.commercial_partner_id AS pid, t.categ_id AS cat
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN product_product p ON p.id = l.product_id
          JOIN product_template t ON t.id = p.product_tmpl_id
         WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
           AND l.display_type = 'product' AND m.company_id = %(company)s
    ),
    n AS (SELECT COUNT(DISTINCT pid) AS n FROM cp),
    nc AS (SELECT cat, COUNT(*) AS n FROM cp GROUP BY cat),
    rule AS (
        SELECT a.cat AS ca, b.cat AS cb, COUNT(*) AS nab
          FROM cp a JOIN cp b ON b.pid = a.pid AND b.cat <> a.cat
         GROUP BY 1, 2
    ),
    cand AS (
        SELECT c.pid, r.cb,
               MAX(r.nab::float8 * n.n / (na.n * nb.n)) AS lift
          FROM cp c
          JOIN rule r ON r.ca = c.cat
          JOIN nc na ON na.cat = r.ca
          JOIN nc nb ON nb.cat = r.cb
         CROSS JOIN n
         WHERE NOT EXISTS (SELECT 1 FROM cp x WHERE x.pid = c.pid
                                                AND x.cat = r.cb)
         GROUP BY 1, 2
    ),
    ranked AS (
        SELECT pid, cb, ROUND(lift::numeric, 4) AS lift,
               ROW_NUMBER() OVER (PARTITION BY pid ORDER BY lift DESC) AS rk,
               (SELECT n FROM n) AS customers
          FROM cand WHERE lift > 1 + 1e-9
    )
"""


def _offer_check(env, company):
    count, lift = _sql(
        env,
        "SELECT COUNT(*), ROUND(COALESCE(SUM(lift), 0)::numeric, 2) "
        "FROM crm_next_offer WHERE company_id = %s",
        company.id,
    )[0]
    return {"offers": count, "lift": float(lift)}


def ref_offer(env, meta, company):
    _sql(env, "DELETE FROM crm_next_offer WHERE company_id = %s", company.id)
    _sql(
        env,
        FLOOR_OFFERS
        + """
        INSERT INTO crm_next_offer
               (partner_id, company_id, categ_id, rank, lift, basis_customers,
                basis_date, create_uid, create_date, write_uid, write_date)
        SELECT pid, %(company)s, cb, rk, lift, customers, now() AT TIME ZONE 'UTC',
               %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
          FROM ranked WHERE rk <= %(top)s
        """,
        company=company.id,
        uid=env.uid,
        top=TOP_OFFERS,
    )
    env.cr.commit()
    return _offer_check(env, company)


def after_offer(env, meta, company, side):
    """The floor's query alone, read and not stored (what this row's
    reference was until it stored its offers)."""
    if side != "reference":
        return {}
    started = time.perf_counter()
    count, lift = _sql(
        env,
        FLOOR_OFFERS
        + """
        SELECT COUNT(*), ROUND(COALESCE(SUM(lift), 0), 2)
          FROM ranked WHERE rk <= %(top)s
        """,
        company=company.id,
        top=TOP_OFFERS,
    )[0]
    return {
        "read_only_s": round(time.perf_counter() - started, 4),
        "read_only_check": {"offers": count, "lift": float(lift)},
    }


OFFER_ROWS = {
    "next_offer": (prep_offer, ours_offer, prep_offer, ref_offer, after_offer),
}
