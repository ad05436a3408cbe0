# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the load test's roles work on, set up over JSON-RPC by the admin.

Standard library only (tools/rpc_client.py): run by the harness with any
Python before locust starts. On a demo database (the four addons with demo
data): two salespeople of their own in a territory of their own (Iceland,
zips 100-199) whose capacity the incoming leads fill, the demo roles' logins
(sales quotes, approver approves, support closes tickets, marketing
recomputes a segment), the customers under a support contract, the closed
stage that bills, a dynamic segment, the crons the admin sets off.
"""

import secrets
import time

from rpc_client import Client, check  # tools/

DEMO_LOGINS = ("sales", "approver", "support", "marketing")


def ref(admin, xmlid):
    module, name = xmlid.split(".")
    rows = admin.search_read(
        "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
    )
    check(rows, f"no record {xmlid}")
    return rows[0]["res_id"]


def setup(url, db, capacity=8, lines=(20, 200), admin_password="admin"):
    """Create the load test's own records; returns the fixture (JSON-able)."""
    admin = Client(url, db, "admin", admin_password)
    tag = f"{time.strftime('%H%M%S')}-{secrets.token_hex(2)}"
    passwords = {login: login for login in DEMO_LOGINS}
    passwords["admin"] = admin_password
    uids = {}
    for login in DEMO_LOGINS:
        rows = admin.search_read("res.users", [("login", "=", login)], ["id"])
        check(rows, f"no demo user {login}: the load test needs the demo data")
        uids[login] = rows[0]["id"]
    salesman = ref(admin, "sales_team.group_sale_salesman")
    salespeople = []
    for i in (1, 2):
        login = f"lt_sales{i}_{tag}"
        passwords[login] = secrets.token_urlsafe(12)
        uids[login] = admin.create(
            "res.users",
            {
                "name": f"Load Sales {i} {tag}",
                "login": login,
                "password": passwords[login],
                "group_ids": [(6, 0, [ref(admin, "base.group_user"), salesman])],
            },
        )
        salespeople.append(login)
    # a second approver, so that two decide on one queue at once
    login = f"lt_approver_{tag}"
    passwords[login] = secrets.token_urlsafe(12)
    approver_groups = [
        ref(admin, "base.group_user"),
        ref(admin, "crm_quote_pricer.group_quote_approver"),
    ]
    uids[login] = admin.create(
        "res.users",
        {
            "name": f"Load Approver {tag}",
            "login": login,
            "password": passwords[login],
            "group_ids": [(6, 0, approver_groups)],
        },
    )
    approvers = ["approver", login]
    # the approvers decide every quote of the load, whatever its margin (at
    # M the generator's costs put most of them below cost)
    authority = {
        "max_discount": 50.0,
        "min_margin": -99.0,
        "allow_below_floor": True,
        "can_approve": True,
        "forbid_self_approval": True,
    }
    for login in approvers:
        rows = admin.search_read(
            "crm.quote.authority", [("user_id", "=", uids[login])], ["id"]
        )
        if rows:
            admin.call("crm.quote.authority", "write", [rows[0]["id"]], authority)
        else:
            admin.create("crm.quote.authority", {"user_id": uids[login], **authority})
    iceland = ref(admin, "base.is")
    parent = admin.create(
        "crm.territory",
        {"name": f"Load North {tag}", "country_ids": [(6, 0, [iceland])]},
    )
    territory = admin.create(
        "crm.territory",
        {
            "name": f"Load Reykjavik {tag}",
            "parent_id": parent,
            "zip_range_ids": [
                (0, 0, {"match_type": "range", "zip_from": "100", "zip_to": "199"})
            ],
            "member_ids": [
                (0, 0, {"user_id": uids[login], "capacity": capacity})
                for login in salespeople
            ],
        },
    )
    # goods sold at a margin (some demo products cost more than their price,
    # which only a sales manager may approve)
    products = [
        row["id"]
        for row in admin.search_read(
            "product.product",
            [
                ("sale_ok", "=", True),
                ("type", "=", "consu"),
                ("company_id", "=", False),
            ],
            ["list_price", "standard_price"],
            limit=100,
        )
        if row["list_price"] > 1.5 * row["standard_price"]
    ][:40]
    check(len(products) >= 5, f"too few products to quote: {products}")
    customers = [
        row["id"]
        for row in admin.search_read(
            "res.partner",
            [("is_company", "=", True), ("customer_rank", ">", 0)],
            ["id"],
            limit=20,
        )
    ]
    check(customers, "no customer to quote")
    plans = admin.search_read(
        "helpdesk.support.plan", [("contract_id", "!=", False)], ["contract_id"]
    )
    contracts = admin.search_read(
        "contract.contract",
        [("id", "in", [p["contract_id"][0] for p in plans])],
        ["partner_id"],
    )
    contract_partners = sorted({c["partner_id"][0] for c in contracts})
    check(contract_partners, "no customer under a support contract")
    stages = admin.search_read(
        "helpdesk.ticket.stage",
        [("closed", "=", True), ("billable_close", "=", True)],
        ["id"],
        limit=1,
    )
    check(stages, "no closed stage that bills")
    segments = admin.search_read(
        "crm.segment", [("segment_type", "=", "dynamic")], ["id"], limit=1
    )
    check(segments, "no dynamic segment")
    configs = admin.search_read("crm.rfm.config", [], ["id"], limit=1)
    rfm = configs[0]["id"] if configs else admin.create("crm.rfm.config", {})
    lost_reason = admin.create("crm.lost.reason", {"name": f"Load test {tag}"})
    return {
        "lost_reason": lost_reason,
        "url": url,
        "db": db,
        "tag": tag,
        "passwords": passwords,
        "uids": uids,
        "salespeople": salespeople,
        "quoters": ["sales"],
        "approvers": approvers,
        "support": ["support"],
        "marketing": ["marketing"],
        "territory": territory,
        "capacity": capacity,
        "country": iceland,
        "zip": "101",
        "products": products,
        "customers": customers,
        "contract_partners": contract_partners,
        "closed_stage": stages[0]["id"],
        "segment": segments[0]["id"],
        "rfm_config": rfm,
        "crons": {
            "route": ref(admin, "crm_pipeline_ext.ir_cron_route_backlog"),
            "sla": ref(admin, "crm_helpdesk_link.ir_cron_helpdesk_sla_check"),
            "rfm": ref(admin, "crm_segmentation.ir_cron_rfm_recompute"),
        },
        "lines": list(lines),
    }
