# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark row "next_offer": the next-offer recompute of crm_segmentation
against a hand-written SQL floor (the same lifts and ranks, read, not
stored). Rows in the shape of bench/measure.py's ROWS:
(prep_ours, ours, prep_ref, ref, after)."""

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
    count, lift = _sql(
        env,
        "SELECT COUNT(*), ROUND(COALESCE(SUM(lift), 0)::numeric, 2) "
        "FROM crm_next_offer WHERE company_id = %s",
        company.id,
    )[0]
    return {"offers": count, "lift": float(lift)}


def ref_offer(env, meta, company):
    count, lift = _sql(
        env,
        """
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
            SELECT lift, ROW_NUMBER() OVER (PARTITION BY pid
                                             ORDER BY lift DESC) AS rk
              FROM cand WHERE lift > 1 + 1e-9
        )
        SELECT COUNT(*), ROUND(COALESCE(SUM(ROUND(lift::numeric, 4)), 0), 2)
          FROM ranked WHERE rk <= %(top)s
        """,
        company=company.id,
        top=TOP_OFFERS,
    )[0]
    return {"offers": count, "lift": float(lift)}


OFFER_ROWS = {
    "next_offer": (prep_offer, ours_offer, prep_offer, ref_offer, None),
}
