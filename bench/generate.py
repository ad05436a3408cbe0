# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Set-based data generator for the benchmarks.

A handful of records (salespeople, territories, products, pricing rules, one
template of each bulk record) is created through the ORM, so that every
column Odoo fills is filled and every constraint ran once. The bulk rows are
then cloned from those templates with ``INSERT ... SELECT ... FROM
generate_series``: every column is copied from the template except the ones
that make a row what it is (ids, names, partners, dates, amounts), so an
invoice clone is as complete as the posted template it comes from and stays
balanced (its lines are scaled together).

``generate(env, size)`` never commits: the bench commits, the test rolls back.
Run alone: ``python3 bench/generate.py --db <db> --size S`` (commits).
"""

import argparse
import json
import sys
import time
from pathlib import Path

# size -> partners, posted customer invoices, leads, activities
SIZES = {
    "XS": (100, 300, 200, 500),
    "S": (10_000, 30_000, 20_000, 50_000),
    "M": (100_000, 300_000, 200_000, 500_000),
    "L": (1_000_000, 3_000_000, 1_000_000, 2_000_000),
}
BACKLOG = 10_000  # unassigned leads of the routing row (half the leads at most)
QUOTE_LINES = 500  # lines of the quote of the pricing row
REFUND_SHARE = 0.05
DONE_ACTIVITY_SHARE = 0.6  # the rest are open (planned) activities
META_KEY = "crm_bench.meta"
COUNTRIES = ["ES", "FR", "MX", "US", "DE", "AR"]
SALESPEOPLE = 8
CATEGORIES = 12  # leaf product categories of the 24 products (two each)
TICKETS_PER_PARTNER = 0.5  # helpdesk tickets: half the partners' count
CONTRACTS = 10  # customers with a support contract and plan
COVERED_SHARE = 5  # one ticket in this many is under a contract
CLOSED_TICKET_SHARE = 0.8


def sizes(size):
    partners, invoices, leads, activities = SIZES[size]
    return {
        "partners": partners,
        "invoices": invoices,
        "leads": leads,
        "activities": activities,
        "backlog": min(BACKLOG, leads // 2),
        "tickets": int(partners * TICKETS_PER_PARTNER),
        "quote_lines": QUOTE_LINES if size != "XS" else 50,
    }


def _sql(env, query, *args):
    from odoo.tools import SQL  # odoo is imported late on purpose

    return env.execute_query(SQL(query, *args))


def _columns(env, table):
    rows = _sql(
        env,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position",
        table,
    )
    return [r[0] for r in rows]


def _clone(env, table, source, overrides, where):
    """INSERT INTO table SELECT <template columns or overrides> FROM source.

    ``source`` is the FROM clause, where ``t`` is the template row of
    ``table``; ``overrides`` maps a column to an SQL expression.
    """
    from odoo.tools import SQL

    unknown = set(overrides) - set(_columns(env, table))
    assert not unknown, f"{table} has no column {unknown}"
    cols = _columns(env, table)
    exprs = [
        SQL(overrides[c]) if c in overrides else SQL("t.%s", SQL.identifier(c))
        for c in cols
    ]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in cols),
            SQL(", ").join(exprs),
            SQL(source),
            SQL(where),
        )
    )
    return env.cr.rowcount


def _reserve_ids(env, table, count):
    """First id of a block of ``count`` ids nobody else will use."""
    base = _sql(env, f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]
    _sql(env, "SELECT setval(%s, %s)", f"{table}_id_seq", base + count + 1)
    return base


# ----------------------------------------------------------------------
# small ORM part
# ----------------------------------------------------------------------
def _setup(env, n):
    from odoo import Command, fields

    ref = env.ref
    company = env.company
    today = fields.Date.context_today(env["res.partner"])
    countries = env["res.country"].search([("code", "in", COUNTRIES)])
    tags = env["res.partner.category"].create(
        [{"name": f"Bench {name}"} for name in ("VIP", "Reseller", "Public", "Startup")]
    )
    industries = env["res.partner.industry"].search([], limit=8)
    group = ref("sales_team.group_sale_salesman")
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True)
        .create(
            [
                {
                    "name": f"Bench Salesperson {i}",
                    "login": f"crm_bench_sp_{i}",
                    "email": f"crm_bench_sp_{i}@bench.example.com",
                    "group_ids": [Command.link(group.id)],
                }
                for i in range(1, SALESPEOPLE + 1)
            ]
        )
    )
    # core assignment: one team, a daily quota (max / 30) covering the backlog
    per_member = 30 * (n["backlog"] // SALESPEOPLE + 2)
    team = env["crm.team"].create(
        {
            "name": "Bench Team",
            "use_leads": True,
            "use_opportunities": True,
            "crm_team_member_ids": [
                Command.create({"user_id": u.id, "assignment_max": per_member})
                for u in users
            ],
        }
    )
    # our routing: a territory per country, a zip sub-territory in Spain
    Territory = env["crm.territory"]
    territories = Territory
    for i, country in enumerate(countries.sorted("code")):
        members = users[i % SALESPEOPLE : i % SALESPEOPLE + 3] or users[:3]
        territories |= Territory.create(
            {
                "name": f"Bench {country.code}",
                "team_id": team.id,
                "country_ids": [Command.set(country.ids)],
                "member_ids": [
                    Command.create(
                        {
                            "user_id": u.id,
                            "weight": 1.0 + (j % 2),
                            "capacity": 1_000_000_000,
                        }
                    )
                    for j, u in enumerate(members)
                ],
            }
        )
    spain = territories.filtered(lambda t: t.country_ids.code == "ES")
    if spain:
        Territory.create(
            {
                "name": "Madrid",
                "parent_id": spain.id,
                "zip_range_ids": [Command.create({"zip_from": "28"})],
                "member_ids": [
                    Command.create({"user_id": users[-1].id, "capacity": 1_000_000_000})
                ],
            }
        )
    # products and rate card: three families (the pricing rules' categories),
    # each of four leaf categories, so that the next offer has lifts to find
    categs = env["product.category"].create(
        [
            {"name": f"Bench {name}"}
            for name in ("Hardware", "Services", "Subscriptions")
        ]
    )
    leaves = env["product.category"].create(
        [
            {
                "name": f"Bench {categs[i % 3].name[6:]} {i // 3 + 1}",
                "parent_id": categs[i % 3].id,
            }
            for i in range(CATEGORIES)
        ]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench Product {i:02d}",
                "categ_id": leaves[i % CATEGORIES].id,
                "list_price": 10.0 + 37.5 * i,
                "standard_price": (10.0 + 37.5 * i) * 0.6,
                "taxes_id": [Command.clear()],
                "type": "consu",
            }
            for i in range(24)
        ]
    )
    Rule = env["crm.quote.price.rule"]
    Rule.create(
        [
            {"name": "Bench list -5%", "method": "list_discount", "percent": 5.0},
            {
                "name": "Bench hardware breaks",
                "applies_on": "category",
                "categ_id": categs[0].id,
                "method": "qty_break",
                "break_mode": "slab",
                "tier_ids": [
                    Command.create({"min_qty": 0, "max_qty": 10, "discount": 0.0}),
                    Command.create({"min_qty": 10, "max_qty": 50, "discount": 5.0}),
                    Command.create({"min_qty": 50, "max_qty": 0, "discount": 10.0}),
                ],
            },
            {
                "name": "Bench services cost plus",
                "applies_on": "category",
                "categ_id": categs[1].id,
                "method": "cost_markup",
                "percent": 45.0,
                "margin_floor": 20.0,
            },
            {
                "name": "Bench VIP",
                "customer_scope": "tag",
                "partner_tag_id": tags[0].id,
                "method": "tag_adjust",
                "percent": -3.0,
            },
            {
                "name": "Bench fixed",
                "applies_on": "product",
                "product_tmpl_id": products[5].product_tmpl_id.id,
                "method": "fixed",
                "fixed_price": 99.0,
            },
        ]
    )
    pricelist = env["product.pricelist"].create(
        {
            "name": "Bench Pricelist",
            "currency_id": company.currency_id.id,
            "item_ids": [
                Command.create(
                    {
                        "applied_on": "2_product_category",
                        "categ_id": categs[0].id,
                        "compute_price": "percentage",
                        "percent_price": 10.0,
                    }
                ),
                Command.create(
                    {
                        "applied_on": "3_global",
                        "min_quantity": 20,
                        "compute_price": "percentage",
                        "percent_price": 5.0,
                    }
                ),
            ],
        }
    )
    # templates of the bulk rows
    es = countries.filtered(lambda c: c.code == "ES")
    partner = env["res.partner"].create(
        {
            "name": "Bench Customer 0",
            "is_company": True,
            "email": "customer0@bench.example.com",
            "country_id": es.id,
            "zip": "28001",
            "user_id": users[0].id,
            "category_id": [Command.link(tags[0].id)],
        }
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    assert journal, "the bench needs a sales journal (a chart of accounts)"
    moves = env["account.move"].create(
        [
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": today,
                "currency_id": company.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": 100.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product in products[:2]
                ],
            }
            for move_type in ("out_invoice", "out_refund")
        ]
    )
    moves.action_post()
    for move in moves:
        kinds = sorted(move.line_ids.mapped("display_type"))
        assert kinds == ["payment_term", "product", "product"], kinds
    lead = (
        env["crm.lead"]
        .with_context(crm_pipeline_ext_no_routing=True, mail_create_nolog=True)
        .create(
            {
                "name": "Bench lead 0",
                "type": "opportunity",
                "partner_id": partner.id,
                "email_from": "lead0@bench.example.com",
                "user_id": users[0].id,
                "team_id": team.id,
                "expected_revenue": 1000.0,
            }
        )
    )
    call = ref("mail.mail_activity_data_call")
    activity = env["mail.activity"].create(
        {
            "res_model_id": env["ir.model"]._get_id("crm.lead"),
            "res_id": lead.id,
            "activity_type_id": call.id,
            "user_id": users[0].id,
            "date_deadline": today,
            "summary": "Bench call",
        }
    )
    message = lead.message_post(
        body="Bench activity done",
        message_type="notification",
        subtype_xmlid="mail.mt_activities",
        mail_activity_type_id=call.id,
        author_id=users[0].partner_id.id,
    )
    quote = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "pricelist_id": pricelist.id,
            "opportunity_id": lead.id,
            "order_line": [
                Command.create({"product_id": products[0].id, "product_uom_qty": 1})
            ],
        }
    )
    segment = env["crm.segment"].create(
        {
            "name": "Bench: loyal Spanish-speaking customers",
            "country_ids": [
                Command.set(
                    countries.filtered(lambda c: c.code in ("ES", "MX", "AR")).ids
                )
            ],
            "r_min": 3,
            "m_min": 3,
        }
    )
    stages = env["crm.stage"].search([], order="sequence, id")
    helpdesk = _setup_helpdesk(env, today, countries, products)
    env.flush_all()
    return {
        **helpdesk,
        "company": company.id,
        "today": str(today),
        "countries": countries.ids,
        "tags": tags.ids,
        "industries": industries.ids,
        "users": users.ids,
        "user_partners": users.partner_id.ids,
        "team": team.id,
        "territories": territories.ids,
        "products": products.ids,
        "pricelist": pricelist.id,
        "template_partner": partner.id,
        "template_invoice": moves[0].id,
        "template_refund": moves[1].id,
        "template_lead": lead.id,
        "template_activity": activity.id,
        "template_message": message.id,
        "activity_types": [
            ref(x).id
            for x in (
                "mail.mail_activity_data_call",
                "mail.mail_activity_data_meeting",
                "mail.mail_activity_data_email",
                "mail.mail_activity_data_todo",
            )
        ],
        "open_stages": stages.filtered(lambda s: not s.is_won).ids,
        "won_stage": (stages.filtered("is_won")[:1] or stages[-1:]).id,
        "quote": quote.id,
        "segment": segment.id,
    }


def _setup_helpdesk(env, today, countries, products):
    """A support team, customers under a support contract with a plan each
    (no quota: every ticket of theirs is covered), and the template ticket,
    covered by the first plan."""
    from odoo import Command

    service = env["product.product"].create(
        {
            "name": "Bench Support Hour",
            "type": "service",
            "list_price": 80.0,
            "taxes_id": [Command.clear()],
        }
    )
    team = env["helpdesk.ticket.team"].create({"name": "Bench Support"})
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench Contract Customer {i}",
                "is_company": True,
                "email": f"contract{i}@bench.example.com",
                "country_id": countries[i % len(countries)].id,
            }
            for i in range(1, CONTRACTS + 1)
        ]
    )
    # running from more than a year ago: the generated tickets' dates
    start = today.replace(day=1, year=today.year - 2)
    end = today.replace(day=1, year=today.year + 1)
    contracts = env["contract.contract"].create(
        [
            {
                "name": f"Bench Support Contract {i}",
                "partner_id": customer.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "date_start": start,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": service.id,
                            "name": "Bench support subscription",
                            "quantity": 1,
                            "price_unit": 500.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": start,
                            "date_end": end,
                            "recurring_next_date": start,
                        }
                    )
                ],
            }
            for i, customer in enumerate(customers, 1)
        ]
    )
    plans = env["helpdesk.support.plan"].create(
        [
            {
                "name": f"Bench Plan {i}",
                "contract_id": contract.id,
                "period_type": "month",
                "response_hours": 4.0,
                "resolution_hours": 24.0,
                "hourly_rate": 80.0,
                "billable_product_id": service.id,
            }
            for i, contract in enumerate(contracts, 1)
        ]
    )
    ticket = env["helpdesk.ticket"].create(
        {
            "name": "Bench ticket 0",
            "description": "<p>Bench ticket</p>",
            "partner_id": customers[0].id,
            "team_id": team.id,
            "product_id": products[0].id,
        }
    )
    assert ticket.support_plan_id == plans[0], ticket.coverage_state
    stages = env["helpdesk.ticket.stage"].search([], order="sequence, id")
    return {
        "ticket_team": team.id,
        "template_ticket": ticket.id,
        "plans": plans.ids,
        "plan_contracts": [plan.contract_id.id for plan in plans],
        "plan_partners": customers.ids,
        "ticket_open_stages": stages.filtered(lambda st: not st.closed).ids,
        "ticket_closed_stages": stages.filtered("closed").ids,
    }


# ----------------------------------------------------------------------
# bulk part
# ----------------------------------------------------------------------
def _bulk_partners(env, n, meta):
    base = _reserve_ids(env, "res_partner", n["partners"])
    countries, users = _arr(meta["countries"]), _arr(meta["users"])
    industries = _arr(meta["industries"] or [0])
    _clone(
        env,
        "res_partner",
        "res_partner t, generate_series(1, %d) g" % n["partners"],
        {
            "id": f"{base} + g",
            "name": "'Bench Customer ' || g",
            "complete_name": "'Bench Customer ' || g",
            "commercial_company_name": "'Bench Customer ' || g",
            "commercial_partner_id": f"{base} + g",
            "email": "'customer' || g || '@bench.example.com'",
            "email_normalized": "'customer' || g || '@bench.example.com'",
            "country_id": (
                f"({countries})[1 + (g::bigint * 7919) %% {len(meta['countries'])}]"
            ),
            "zip": "lpad(((g::bigint * 104729) %% 52000)::text, 5, '0')",
            "industry_id": (
                f"({industries})[1 + (g::bigint * 31) %% {len(meta['industries'])}]"
                if meta["industries"]
                else "NULL"
            ),
            "user_id": (
                f"CASE WHEN g %% 5 = 0 THEN NULL "
                f"ELSE ({users})[1 + g %% {len(meta['users'])}] END"
            ),
            "ref": "NULL",
            "create_date": "now() AT TIME ZONE 'UTC'",
            "write_date": "now() AT TIME ZONE 'UTC'",
        },
        "t.id = %d" % meta["template_partner"],
    )
    # a third of the customers carry a tag
    _sql(
        env,
        "INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id) "
        "SELECT %s + g, (%s::int[])[1 + g %% %s] FROM generate_series(1, %s) g "
        "WHERE g %% 3 = 0",
        base,
        meta["tags"],
        len(meta["tags"]),
        n["partners"],
    )
    return base


def _arr(ids):
    return "ARRAY[%s]::int[]" % ",".join(str(int(i)) for i in ids)


def _bulk_invoices(env, n, meta, pbase):
    inv = n["invoices"]
    move_base = _reserve_ids(env, "account_move", inv)
    line_base = _reserve_ids(env, "account_move_line", inv * 3)
    products = _arr(meta["products"])
    # per invoice: customer (skewed: some buy often), date, amounts, products
    _sql(
        env,
        f"""
        CREATE TEMP TABLE bench_inv AS
        SELECT g,
               {pbase} + 1 + floor(%s * random() ^ 2)::int AS pid,
               random() < %s AS refund,
               %s::date - floor(random() ^ 1.5 * 730)::int AS d,
               round((20 + random() ^ 2 * 3000)::numeric, 2) AS a1,
               round((20 + random() ^ 2 * 3000)::numeric, 2) AS a2,
               ({products})[1 + floor(random() * %s)::int] AS p1,
               ({products})[1 + floor(random() * %s)::int] AS p2
          FROM generate_series(1, %s) g
        """,
        n["partners"],
        REFUND_SHARE,
        meta["today"],
        len(meta["products"]),
        len(meta["products"]),
        inv,
    )
    _sql(env, "CREATE INDEX ON bench_inv (g)")
    name = (
        "CASE WHEN b.refund THEN 'BRINV/' ELSE 'BINV/' END || lpad(b.g::text, 8, '0')"
    )
    tmpl = "t.id = CASE WHEN b.refund THEN %d ELSE %d END" % (
        meta["template_refund"],
        meta["template_invoice"],
    )
    signed = "(CASE WHEN b.refund THEN -1 ELSE 1 END) * (b.a1 + b.a2)"
    _clone(
        env,
        "account_move",
        "bench_inv b JOIN account_move t ON "
        + tmpl
        + " JOIN res_partner p ON p.id = b.pid",
        {
            "id": f"{move_base} + b.g",
            "name": name,
            "sequence_prefix": "CASE WHEN b.refund THEN 'BRINV/' ELSE 'BINV/' END",
            "sequence_number": "b.g",
            "payment_reference": name,
            "partner_id": "b.pid",
            "commercial_partner_id": "b.pid",
            "partner_shipping_id": "b.pid",
            "invoice_partner_display_name": "p.name",
            "invoice_user_id": "COALESCE(p.user_id, t.invoice_user_id)",
            "date": "b.d",
            "invoice_date": "b.d",
            "invoice_date_due": "b.d",
            "amount_untaxed": "b.a1 + b.a2",
            "amount_total": "b.a1 + b.a2",
            "amount_residual": "b.a1 + b.a2",
            "amount_untaxed_signed": signed,
            "amount_untaxed_in_currency_signed": signed,
            "amount_total_signed": signed,
            "amount_total_in_currency_signed": signed,
            "amount_residual_signed": signed,
            "amount_tax": "0",
            "amount_tax_signed": "0",
            "access_token": "NULL",
            "inalterable_hash": "NULL",
            "secure_sequence_number": "NULL",
            "create_date": "b.d::timestamp",
            "write_date": "b.d::timestamp",
        },
        "TRUE",
    )
    # each template line (product, product, payment term) scaled to the invoice
    amount = "(CASE t.r WHEN 1 THEN b.a1 WHEN 2 THEN b.a2 ELSE b.a1 + b.a2 END)"
    balance = f"(SIGN(t.balance) * {amount})"
    product_line = "t.display_type = 'product'"
    _clone(
        env,
        "account_move_line",
        """bench_inv b JOIN (
                SELECT l.*, ROW_NUMBER() OVER (PARTITION BY l.move_id ORDER BY
                       l.display_type = 'payment_term', l.id) AS r
                  FROM account_move_line l WHERE l.move_id IN (%d, %d)) t
             ON """
        % (meta["template_invoice"], meta["template_refund"])
        + tmpl.replace("t.id", "t.move_id"),
        {
            "id": f"{line_base} + (b.g - 1) * 3 + t.r",
            "move_id": f"{move_base} + b.g",
            "move_name": name,
            "partner_id": "b.pid",
            "date": "b.d",
            "invoice_date": "b.d",
            "date_maturity": "CASE WHEN t.date_maturity IS NULL THEN NULL ELSE b.d END",
            "product_id": (
                "CASE t.r WHEN 1 THEN b.p1 WHEN 2 THEN b.p2 ELSE t.product_id END"
            ),
            "balance": balance,
            "amount_currency": balance,
            "debit": f"GREATEST({balance}, 0)",
            "credit": f"GREATEST(-{balance}, 0)",
            "amount_residual": (
                f"CASE WHEN t.amount_residual <> 0 THEN {balance} ELSE 0 END"
            ),
            "amount_residual_currency": (
                f"CASE WHEN t.amount_residual_currency <> 0 THEN {balance} ELSE 0 END"
            ),
            "price_unit": (
                f"CASE WHEN {product_line} THEN {amount} ELSE t.price_unit END"
            ),
            "price_subtotal": (
                f"CASE WHEN {product_line} THEN {amount} ELSE t.price_subtotal END"
            ),
            "price_total": (
                f"CASE WHEN {product_line} THEN {amount} ELSE t.price_total END"
            ),
            "create_date": "b.d::timestamp",
            "write_date": "b.d::timestamp",
        },
        "TRUE",
    )
    _sql(env, "DROP TABLE bench_inv")
    return move_base


def _bulk_leads(env, n, meta, pbase):
    leads, backlog = n["leads"], n["backlog"]
    base = _reserve_ids(env, "crm_lead", leads)
    users, open_stages = _arr(meta["users"]), _arr(meta["open_stages"])
    # backlog first (ids base+1 .. base+backlog): unassigned, new, open leads
    _sql(
        env,
        f"""
        CREATE TEMP TABLE bench_lead AS
        SELECT g, g <= %s AS backlog,
               CASE WHEN g %% 5 = 0 THEN NULL
                    ELSE {pbase} + 1 + floor(%s * random())::int END AS pid,
               CASE WHEN g <= %s THEN 'pending'
                    WHEN random() < 0.4 THEN
                         CASE WHEN random() < 0.62 THEN 'won' ELSE 'lost' END
                    ELSE 'pending' END AS status,
               ({users})[1 + floor(random() * %s)::int] AS uid,
               (now() AT TIME ZONE 'UTC') - random() * interval '365 days' AS created,
               round((random() * 20000)::numeric, 2) AS revenue,
               (10 + floor(random() * 80))::int AS prob,
               ({open_stages})[1 + floor(random() * %s)::int] AS stage
          FROM generate_series(1, %s) g
        """,
        backlog,
        n["partners"],
        backlog,
        len(meta["users"]),
        len(meta["open_stages"]),
        leads,
    )
    prob = "CASE b.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 ELSE b.prob END"
    closed = (
        "CASE WHEN b.status = 'pending' THEN NULL ELSE LEAST(now() AT TIME ZONE 'UTC', "
        "b.created + (b.prob %% 60) * interval '1 day') END"
    )
    _clone(
        env,
        "crm_lead",
        "bench_lead b JOIN crm_lead t ON t.id = %d "
        "LEFT JOIN res_partner p ON p.id = b.pid" % meta["template_lead"],
        {
            "id": f"{base} + b.g",
            "name": (
                "CASE WHEN b.backlog THEN 'Bench backlog ' ELSE 'Bench lead ' END"
                " || b.g"
            ),
            "partner_id": "b.pid",
            "partner_name": "p.name",
            "contact_name": "NULL",
            "email_from": "'lead' || b.g || '@bench.example.com'",
            "email_normalized": "'lead' || b.g || '@bench.example.com'",
            "email_domain_criterion": "'bench.example.com'",
            "country_id": (
                f"COALESCE(p.country_id, ({_arr(meta['countries'])})"
                f"[1 + b.g %% {len(meta['countries'])}])"
            ),
            "zip": "p.zip",
            "state_id": "NULL",
            "type": "CASE WHEN b.backlog THEN 'lead' ELSE 'opportunity' END",
            "user_id": "CASE WHEN b.backlog THEN NULL ELSE b.uid END",
            "team_id": "CASE WHEN b.backlog THEN NULL ELSE t.team_id END",
            "stage_id": "CASE WHEN b.status = 'won' THEN %d ELSE b.stage END"
            % meta["won_stage"],
            "won_status": "b.status",
            "active": "b.status <> 'lost'",
            "probability": prob,
            "automated_probability": prob,
            "expected_revenue": "b.revenue",
            "prorated_revenue": f"b.revenue * ({prob}) / 100.0",
            "date_closed": closed,
            "date_open": "CASE WHEN b.backlog THEN NULL ELSE b.created END",
            "date_conversion": "CASE WHEN b.backlog THEN NULL ELSE b.created END",
            "date_last_stage_update": "b.created",
            "forecast_category": (
                "CASE WHEN b.status = 'won' THEN 'closed' "
                f"WHEN ({prob}) >= 90 THEN 'commit' "
                f"WHEN ({prob}) >= 50 THEN 'best_case' ELSE 'pipeline' END"
            ),
            "stage_deadline": "NULL",
            "territory_id": "NULL",
            "create_date": "b.created",
            "write_date": f"COALESCE({closed}, b.created)",
        },
        "TRUE",
    )
    return base


def _bulk_activities(env, n, meta, lead_base):
    total = n["activities"]
    done = int(total * DONE_ACTIVITY_SHARE)
    first = lead_base + n["backlog"] + 1  # activities on assigned leads only
    count = n["leads"] - n["backlog"]
    types = _arr(meta["activity_types"])
    _sql(
        env,
        f"""
        CREATE TEMP TABLE bench_act AS
        SELECT g, %s + floor(%s * random())::int AS lead_id,
               ({types})[1 + floor(random() * %s)::int] AS type_id,
               random() AS x
          FROM generate_series(1, %s) g
        """,
        first,
        count,
        len(meta["activity_types"]),
        total,
    )
    msg_base = _reserve_ids(env, "mail_message", done)
    _clone(
        env,
        "mail_message",
        """bench_act b JOIN crm_lead l ON l.id = b.lead_id
           JOIN res_users u ON u.id = l.user_id
           JOIN mail_message t ON t.id = %d"""
        % meta["template_message"],
        {
            "id": f"{msg_base} + b.g",
            "res_id": "b.lead_id",
            "author_id": "u.partner_id",
            "mail_activity_type_id": "b.type_id",
            "date": (
                "LEAST(now() AT TIME ZONE 'UTC', "
                "l.create_date + b.x * interval '30 days')"
            ),
            "message_id": "'<bench-' || b.g || '@bench.example.com>'",
            "create_date": "l.create_date",
            "write_date": "l.create_date",
        },
        "b.g <= %d" % done,
    )
    act_base = _reserve_ids(env, "mail_activity", total - done)
    _clone(
        env,
        "mail_activity",
        """bench_act b JOIN crm_lead l ON l.id = b.lead_id
           JOIN mail_activity t ON t.id = %d"""
        % meta["template_activity"],
        {
            "id": f"{act_base} + b.g - {done}",
            "res_id": "b.lead_id",
            "res_name": "l.name",
            "user_id": "l.user_id",
            "activity_type_id": "b.type_id",
            "date_deadline": "%s::date + floor(b.x * 60)::int - 20"
            % _quote(meta["today"]),
            "create_date": "l.create_date",
            "write_date": "l.create_date",
        },
        "b.g > %d" % done,
    )
    _sql(env, "DROP TABLE bench_act")


def _bulk_tickets(env, n, meta, pbase):
    """Tickets cloned from the template: one in COVERED_SHARE of a contract
    customer, under its plan (its SLA deadlines shifted to the ticket's
    creation), the others of the bulk customers, not covered; most closed."""
    total = n["tickets"]
    base = _reserve_ids(env, "helpdesk_ticket", total)
    plans = len(meta["plans"])
    opened, closed = meta["ticket_open_stages"], meta["ticket_closed_stages"]
    _sql(
        env,
        f"""
        CREATE TEMP TABLE bench_ticket AS
        SELECT g, g %% {COVERED_SHARE} = 0 AS covered,
               1 + (g / {COVERED_SHARE}) %% {plans} AS k,
               {pbase} + 1 + floor(%s * random() ^ 2)::int AS pid,
               (now() AT TIME ZONE 'UTC') - random() * interval '365 days'
                   AS created,
               random() < %s AS done,
               random() AS x
          FROM generate_series(1, %s) g
        """,
        n["partners"],
        CLOSED_TICKET_SHARE,
        total,
    )
    closed_at = "b.created + (1 + b.x * 72) * interval '1 hour'"
    shift = "(b.created - t.sla_start_date)"
    resolution = f"t.sla_resolution_deadline + {shift}"
    response = f"t.sla_response_deadline + {shift}"
    end = f"CASE WHEN b.done THEN {closed_at} ELSE now() AT TIME ZONE 'UTC' END"
    late = f"(b.covered AND {resolution} < {end})"
    _clone(
        env,
        "helpdesk_ticket",
        f"""bench_ticket b JOIN helpdesk_ticket t ON t.id = {meta["template_ticket"]}
            JOIN res_partner p ON p.id = CASE WHEN b.covered
                 THEN ({_arr(meta["plan_partners"])})[b.k] ELSE b.pid END""",
        {
            "id": f"{base} + b.g",
            "number": "'BTCK/' || lpad(b.g::text, 8, '0')",
            "name": "'Bench ticket ' || b.g",
            "partner_id": "p.id",
            "commercial_partner_id": "p.id",
            "partner_name": "p.name",
            "partner_email": "p.email",
            "stage_id": (
                f"CASE WHEN b.done THEN ({_arr(closed)})"
                f"[1 + floor(b.x * {len(closed)})::int] ELSE ({_arr(opened)})"
                f"[1 + floor(b.x * {len(opened)})::int] END"
            ),
            "closed_date": f"CASE WHEN b.done THEN {closed_at} END",
            "last_stage_update": (
                f"CASE WHEN b.done THEN {closed_at} ELSE b.created END"
            ),
            "support_plan_id": (
                f"CASE WHEN b.covered THEN ({_arr(meta['plans'])})[b.k] END"
            ),
            "contract_id": (
                f"CASE WHEN b.covered THEN ({_arr(meta['plan_contracts'])})[b.k] END"
            ),
            "coverage_state": (
                "CASE WHEN b.covered THEN 'covered' ELSE 'not_covered' END"
            ),
            "coverage_note": "NULL",
            "coverage_date": "b.created::date",
            "sla_start_date": "b.created",
            "sla_response_deadline": f"CASE WHEN b.covered THEN {response} END",
            "sla_resolution_deadline": f"CASE WHEN b.covered THEN {resolution} END",
            "first_response_date": (
                "CASE WHEN b.done THEN b.created + b.x * interval '6 hours' END"
            ),
            "sla_response_breached": (
                f"b.covered AND b.done AND b.created + b.x * interval '6 hours' "
                f"> {response}"
            ),
            "sla_resolution_breached": late,
            "sla_breach_count": (
                f"(CASE WHEN b.covered AND b.done AND b.created + b.x * "
                f"interval '6 hours' > {response} THEN 1 ELSE 0 END) + "
                f"(CASE WHEN {late} THEN 1 ELSE 0 END)"
            ),
            "access_token": "NULL",
            "create_date": "b.created",
            "write_date": f"CASE WHEN b.done THEN {closed_at} ELSE b.created END",
        },
        "TRUE",
    )
    _sql(env, "DROP TABLE bench_ticket")
    return base


def _quote(text):
    return "'" + str(text).replace("'", "''") + "'"


def _bulk_quote(env, n, meta):
    """The quote of the pricing row: one line cloned, varied products and quantities."""
    lines = n["quote_lines"] - 1
    base = _reserve_ids(env, "sale_order_line", lines)
    products = _arr(meta["products"])
    _clone(
        env,
        "sale_order_line",
        "sale_order_line t, generate_series(1, %d) g" % lines,
        {
            "id": f"{base} + g",
            "sequence": "10 + g",
            "product_id": f"({products})[1 + g %% {len(meta['products'])}]",
            "product_uom_qty": "1 + (g * 37) %% 120",
        },
        "t.order_id = %d" % meta["quote"],
    )


def generate(env, size, fast=False):
    """Create the data set of ``size`` in env's transaction; return its meta.

    ``fast`` skips PostgreSQL's foreign-key triggers during the bulk inserts
    (``session_replication_role = replica``, until the end of the
    transaction): the ids are reserved and joined by construction. The test
    runs without it, so the same statements are checked with the triggers.
    """
    n = sizes(size)
    started = time.time()
    timings = {}
    meta = _setup(env, n)
    timings["setup"] = time.time() - started
    if fast:
        _sql(env, "SET LOCAL session_replication_role = replica")
    step = time.time()
    pbase = _bulk_partners(env, n, meta)
    timings["partners"] = time.time() - step
    step = time.time()
    meta["move_base"] = _bulk_invoices(env, n, meta, pbase)
    timings["invoices"] = time.time() - step
    step = time.time()
    lead_base = _bulk_leads(env, n, meta, pbase)
    meta["backlog"] = [lead_base + 1, lead_base + n["backlog"]]
    timings["leads"] = time.time() - step
    step = time.time()
    _bulk_activities(env, n, meta, lead_base)
    timings["activities"] = time.time() - step
    step = time.time()
    meta["ticket_base"] = _bulk_tickets(env, n, meta, pbase)
    timings["tickets"] = time.time() - step
    _bulk_quote(env, n, meta)
    _sql(env, "DROP TABLE bench_lead")
    if fast:
        _sql(env, "SET LOCAL session_replication_role = DEFAULT")
    meta.update(size=size, counts=n, partner_base=pbase, lead_base=lead_base)
    meta["timings"] = {k: round(v, 2) for k, v in timings.items()}
    env["ir.config_parameter"].set_param(META_KEY, json.dumps(meta))
    env.invalidate_all()
    return meta


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--config", default=str(Path(".local") / "odoo.cfg"))
    parser.add_argument(
        "--check-fk", action="store_true", help="keep foreign-key triggers on"
    )
    args = parser.parse_args()
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.db, "--log-level=warn"])
    started = time.time()
    with Registry(args.db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        meta = generate(env, args.size, fast=not args.check_fk)
        cr.commit()
        # tools/bench.py then runs VACUUM ANALYZE (not possible in a transaction)
    meta["generation_s"] = round(time.time() - started, 2)
    print(
        json.dumps({"generation_s": meta["generation_s"], "timings": meta["timings"]})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
