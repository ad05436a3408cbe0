#!/usr/bin/env python3
# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's end-to-end story over HTTP, as the web client does it.

Meant for a server in prefork mode (``--workers=2 --max-cron-threads=1``): each
role logs in through ``/web/session/authenticate`` and calls models through
``/web/dataset/call_kw``, so consecutive calls land on any worker and the
session lives in the shared session store, not in a process. The RFM
recompute is handed to the cron worker. Nothing here keeps state between
calls but the session cookie and the ids the server returned.

Roles are the demo users (sales, approver, production, billing, support,
marketing; password = login) when the database has them; otherwise the
admin creates its own role users first.

Usage: rpc_story.py --url http://127.0.0.1:8069 --db DB [--admin-password admin]
Prints one ``ok``/``FAILED`` line per step and exits non-zero on a failure.
Standard library only.
"""

import argparse
import datetime
import http.cookiejar
import importlib.util
import itertools
import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# role of the story -> roles of tests/access_table.py (the suite's one roles
# table) that its user gets when the database has no demo user of that login
STORY_ROLES = {
    "sales": ("employee", "salesperson"),
    "approver": ("employee", "approver"),
    "production": ("employee", "production_user"),
    "billing": ("employee", "billing_user"),
    "support": ("employee", "helpdesk_user"),
    "marketing": ("employee", "salesperson", "marketing_user", "segmentation_manager"),
}


def role_groups():
    """role of the story -> group xml ids, read from tests/access_table.py."""
    path = Path(__file__).resolve().parent.parent / "tests" / "access_table.py"
    spec = importlib.util.spec_from_file_location("access_table", path)
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    return {role: table.groups_of(*roles) for role, roles in STORY_ROLES.items()}


class RpcError(Exception):
    pass


class Client:
    """One user's web session (its cookie), JSON-RPC over HTTP."""

    _ids = itertools.count(1)

    def __init__(self, url, db, login, password, timeout=300):
        self.url = url.rstrip("/")
        self.login = login
        self.timeout = timeout
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar)
        )
        info = self.post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = info.get("uid")
        if not self.uid:
            raise RpcError(f"login {login} refused")

    def post(self, path, params):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": params,
                "id": next(self._ids),
            }
        ).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as exc:
            raise RpcError(f"{path}: HTTP {exc.code}") from exc
        if reply.get("error"):
            error = reply["error"]
            data = error.get("data") or {}
            raise RpcError(
                f"{path} as {self.login}: {data.get('name', '')}: "
                f"{data.get('message') or error.get('message')}"
            )
        return reply.get("result")

    def call(self, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def create(self, model, vals):
        return self.call(model, "create", [vals])[0]

    def read(self, model, rec_id, fields):
        (row,) = self.call(model, "read", [rec_id], fields)
        return row

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, "search_read", domain, fields, **kwargs)

    def read_one(self, model, domain, fields, what):
        """The one record of ``domain``; fails the story on none or several."""
        rows = self.search_read(model, domain, fields)
        check(len(rows) == 1, f"{what}: {rows}")
        return rows[0]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def m2o_id(value):
    return value[0] if value else False


class Story:
    def __init__(self, args):
        self.args = args
        self.tag = f"{time.strftime('%H%M%S')}-{secrets.token_hex(2)}"
        self.passed = 0
        self.failed = 0
        self.data = {}
        self.users = {}

    # -- helpers ------------------------------------------------------------
    def client(self, login, password):
        return Client(self.args.url, self.args.db, login, password)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.admin.search_read(
            "ir.model.data",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        check(rows, f"no record {xmlid}")
        return rows[0]["res_id"]

    def step(self, label, func):
        started = time.time()
        try:
            detail = func()
        except (AssertionError, RpcError, OSError, KeyError, ValueError) as exc:
            self.failed += 1
            print(f"[story] FAILED - {label}: {exc}", flush=True)
            return False
        self.passed += 1
        extra = f": {detail}" if detail else ""
        print(f"[story] ok - {label}{extra} ({time.time() - started:.1f}s)", flush=True)
        return True

    # -- steps --------------------------------------------------------------
    def login_roles(self):
        self.admin = self.client("admin", self.args.admin_password)
        used = []
        for role, groups in role_groups().items():
            try:
                self.users[role] = self.client(role, role)
                used.append(f"{role} (demo)")
                continue
            except RpcError:
                pass
            login = f"story_{role}_{self.tag}"
            password = secrets.token_urlsafe(12)
            self.admin.create(
                "res.users",
                {
                    "name": f"Story {role.title()} {self.tag}",
                    "login": login,
                    "password": password,
                    "group_ids": [(6, 0, [self.ref(g) for g in groups])],
                },
            )
            self.users[role] = self.client(login, password)
            used.append(f"{role} (created)")
        return ", ".join(used)

    def setup_master_data(self):
        """Admin: territory, customer, MTO product with BoM, rule, authority."""
        admin, tag = self.admin, self.tag
        sales_uid = self.users["sales"].uid
        iceland = self.ref("base.is")
        parent = admin.create(
            "crm.territory",
            {"name": f"Story North {tag}", "country_ids": [(6, 0, [iceland])]},
        )
        territory = admin.create(
            "crm.territory",
            {
                "name": f"Story Reykjavik {tag}",
                "parent_id": parent,
                "zip_range_ids": [
                    (0, 0, {"match_type": "range", "zip_from": "100", "zip_to": "199"})
                ],
                "member_ids": [(0, 0, {"user_id": sales_uid, "capacity": 1000})],
            },
        )
        customer = admin.create(
            "res.partner",
            {
                "name": f"Story Customer {tag}",
                "is_company": True,
                "email": f"story-{tag}@example.com",
                "country_id": iceland,
                "zip": "101",
            },
        )
        mto = self.ref("stock.route_warehouse0_mto")
        admin.call("stock.route", "action_unarchive", [mto])
        routes = [mto, self.ref("mrp.route_warehouse0_manufacture")]
        component = admin.create(
            "product.product",
            {"name": f"Story tube {tag}", "is_storable": True, "standard_price": 50.0},
        )
        product = admin.create(
            "product.product",
            {
                "name": f"Story press {tag}",
                "is_storable": True,
                "list_price": 1000.0,
                "standard_price": 300.0,
                "invoice_policy": "delivery",
                "taxes_id": [(6, 0, [])],
                "route_ids": [(6, 0, routes)],
            },
        )
        tmpl = admin.read("product.product", product, ["product_tmpl_id"])
        admin.create(
            "mrp.bom",
            {
                "product_tmpl_id": tmpl["product_tmpl_id"][0],
                "product_qty": 1,
                "bom_line_ids": [(0, 0, {"product_id": component, "product_qty": 4})],
            },
        )
        admin.create(
            "crm.quote.price.rule",
            {
                "name": f"Story presses {tag}",
                "sequence": 25,
                "applies_on": "product",
                "product_tmpl_id": tmpl["product_tmpl_id"][0],
                "method": "list_discount",
                "percent": 10.0,
                "down_payment_percent": 30.0,
            },
        )
        approver_uid = self.users["approver"].uid
        rows = admin.search_read(
            "crm.quote.authority", [("user_id", "=", approver_uid)], ["id"]
        )
        authority = {
            "max_discount": 50.0,
            "min_margin": 0.0,
            "allow_below_floor": True,
            "can_approve": True,
            "forbid_self_approval": True,
        }
        if rows:
            admin.call("crm.quote.authority", "write", [rows[0]["id"]], authority)
        else:
            admin.create("crm.quote.authority", {"user_id": approver_uid, **authority})
        self.data.update(
            territory=territory, customer=customer, product=product, iceland=iceland
        )

    def route_lead(self):
        """A lead from Reykjavik lands and is routed to the territory's rep."""
        lead = self.admin.create(
            "crm.lead",
            {
                "name": f"Story lead {self.tag}",
                "type": "opportunity",
                "partner_id": self.data["customer"],
                "country_id": self.data["iceland"],
                "zip": "101",
                "expected_revenue": 2000.0,
            },
        )
        self.data["lead"] = lead
        row = self.users["sales"].read(
            "crm.lead", lead, ["user_id", "territory_id", "stage_id"]
        )
        check(
            m2o_id(row["territory_id"]) == self.data["territory"],
            f"lead routed to territory {row['territory_id']}",
        )
        check(
            m2o_id(row["user_id"]) == self.users["sales"].uid,
            f"lead assigned to {row['user_id']}",
        )
        return f"lead {lead} -> {row['territory_id'][1]} / {row['user_id'][1]}"

    def move_stages(self):
        sales = self.users["sales"]
        lead = self.data["lead"]
        row = sales.read("crm.lead", lead, ["team_id", "stage_id"])
        team = m2o_id(row["team_id"])
        stages = sales.search_read(
            "crm.stage",
            [("is_won", "=", False), ("team_ids", "in", [team, False])]
            if team
            else [("is_won", "=", False)],
            ["name", "sequence"],
            order="sequence, id",
        )
        current = m2o_id(row["stage_id"])
        path = [s for s in stages if s["id"] != current][:2]
        check(path, "no stage to move to")
        gated = []
        for stage in path:
            vals = {"stage_id": stage["id"]}
            items = sales.read("crm.stage", stage["id"], ["checklist_item_ids"])
            if items["checklist_item_ids"]:
                # the server enforces the stage gate, whichever worker answers
                try:
                    sales.call("crm.lead", "write", [lead], vals)
                except RpcError as exc:
                    check("cannot enter" in str(exc), f"unexpected refusal {exc}")
                else:
                    raise AssertionError(f"gate of {stage['name']} not enforced")
                vals["checklist_done_ids"] = [
                    (4, item) for item in items["checklist_item_ids"]
                ]
                gated.append(stage["name"])
            sales.call("crm.lead", "write", [lead], vals)
        history = sales.search_read(
            "crm.lead.stage.history", [("lead_id", "=", lead)], ["stage_to_id"]
        )
        reached = {m2o_id(h["stage_to_id"]) for h in history}
        check(
            all(s["id"] in reached for s in path),
            f"stage history {history} misses a move",
        )
        gates = f", gate of {', '.join(gated)} enforced" if gated else ""
        return " -> ".join(s["name"] for s in path) + gates

    def price_quote(self):
        sales = self.users["sales"]
        order = sales.create(
            "sale.order",
            {
                "partner_id": self.data["customer"],
                "opportunity_id": self.data["lead"],
                "order_line": [
                    (0, 0, {"product_id": self.data["product"], "product_uom_qty": 2})
                ],
            },
        )
        self.data["order"] = order
        sales.call("sale.order", "action_pricer_price", [order])
        (line,) = sales.search_read(
            "sale.order.line",
            [("order_id", "=", order)],
            ["price_unit", "pricer_waterfall", "id"],
        )
        steps = line["pricer_waterfall"] or []
        check(
            any(f"Story presses {self.tag}" == s.get("rule") for s in steps),
            f"the story rule is not in the waterfall {steps}",
        )
        check(
            abs(steps[-1]["after"] - line["price_unit"]) < 0.01,
            "price is not the last waterfall step",
        )
        # a hand discount beyond the salesperson's authority
        sales.call("sale.order.line", "write", [line["id"]], {"discount": 20.0})
        row = sales.read(
            "sale.order", order, ["pricer_needs_approval", "pricer_down_payment"]
        )
        check(row["pricer_needs_approval"], "20% discount does not need approval")
        check(row["pricer_down_payment"] == 30.0, f"down payment {row}")
        return f"{len(steps)} waterfall steps, {line['price_unit']:.2f} per unit"

    def approve(self):
        sales, approver = self.users["sales"], self.users["approver"]
        order = self.data["order"]
        try:
            sales.call("sale.order", "action_confirm", [order])
        except RpcError:
            pass
        else:
            raise AssertionError("an unapproved quote was confirmed")
        sales.call("sale.order", "request_validation", [order])
        approver.call("sale.order", "validate_tier", [order])
        row = sales.read("sale.order", order, ["validation_status"])
        check(row["validation_status"] == "validated", f"status {row}")
        return "confirm refused before approval, validated by the approver"

    def confirm(self):
        sales = self.users["sales"]
        order = self.data["order"]
        sales.call("sale.order", "action_confirm", [order])
        row = sales.read("sale.order", order, ["state", "name", "amount_untaxed"])
        check(row["state"] == "sale", f"order state {row['state']}")
        self.data["order_row"] = row
        return row["name"]

    def production_and_billing(self):
        order = self.data["order_row"]
        production = self.users["production"].read_one(
            "mrp.production",
            [("pricer_sale_order_id", "=", self.data["order"])],
            ["name", "origin", "product_qty", "state"],
            "manufacturing orders",
        )
        check(order["name"] in (production["origin"] or ""), "MO origin")
        billing = self.users["billing"]
        move = billing.read_one(
            "account.move",
            [("pricer_sale_order_id", "=", self.data["order"])],
            ["state", "amount_untaxed", "move_type"],
            "down-payment invoices",
        )
        check(move["state"] == "draft", f"down payment state {move['state']}")
        expected = round(order["amount_untaxed"] * 0.3, 2)
        check(
            abs(move["amount_untaxed"] - expected) < 0.01,
            f"down payment {move['amount_untaxed']} != {expected}",
        )
        billing.call("account.move", "action_post", [move["id"]])
        state = billing.read("account.move", move["id"], ["state"])["state"]
        check(state == "posted", f"posted down payment is {state}")
        return f"{production['name']}, down payment {expected:.2f} posted"

    def ticket_on_contract(self):
        admin = self.admin
        today = datetime.date.today()
        start = today.replace(day=1)
        service = admin.create(
            "product.product",
            {"name": f"Story support {self.tag}", "type": "service"},
        )
        contract = admin.create(
            "contract.contract",
            {
                "name": f"Story contract {self.tag}",
                "partner_id": self.data["customer"],
                "contract_type": "sale",
                "line_recurrence": True,
                "date_start": str(start),
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": service,
                            "name": "Support subscription",
                            "quantity": 1,
                            "price_unit": 300.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": str(start),
                            "date_end": str(start.replace(year=start.year + 1)),
                            "recurring_next_date": str(start),
                        },
                    )
                ],
            },
        )
        admin.create(
            "helpdesk.support.plan",
            {
                "name": f"Story plan {self.tag}",
                "contract_id": contract,
                "period_type": "month",
                "ticket_quota": 5,
                "hour_quota": 10.0,
                "response_hours": 4.0,
                "resolution_hours": 24.0,
                "hourly_rate": 90.0,
                "billable_product_id": service,
            },
        )
        support = self.users["support"]
        ticket = support.create(
            "helpdesk.ticket",
            {
                "name": f"Story press stuck {self.tag}",
                "description": "<p>The press stopped.</p>",
                "partner_id": self.data["customer"],
            },
        )
        row = support.read(
            "helpdesk.ticket",
            ticket,
            ["contract_id", "coverage_state", "tickets_remaining"],
        )
        check(m2o_id(row["contract_id"]) == contract, f"ticket contract {row}")
        check(row["coverage_state"] == "covered", f"coverage {row['coverage_state']}")
        check(0 <= row["tickets_remaining"] < 5, f"remaining {row}")
        return f"covered by {row['contract_id'][1]}, {row['tickets_remaining']} left"

    def rfm_and_segment(self):
        marketing = self.users["marketing"]
        configs = marketing.search_read("crm.rfm.config", [], ["last_run_date"])
        if not configs:
            configs = [
                {"id": marketing.create("crm.rfm.config", {}), "last_run_date": False}
            ]
        config = configs[0]
        before = config["last_run_date"]
        # handed to the cron worker; the form polls, so do we
        marketing.call("crm.rfm.config", "action_recompute_background", [config["id"]])
        deadline = time.time() + self.args.cron_timeout
        row = config
        while time.time() < deadline:
            row = marketing.read(
                "crm.rfm.config", config["id"], ["last_run_date", "state", "last_error"]
            )
            if row["last_run_date"] != before and row["state"] == "idle":
                break
            time.sleep(2)
        check(
            row["last_run_date"] != before and row["state"] == "idle",
            f"the cron worker did not recompute in {self.args.cron_timeout}s: {row}",
        )
        check(not row.get("last_error"), f"recompute error: {row.get('last_error')}")
        score = marketing.read_one(
            "crm.rfm.score",
            [("partner_id", "=", self.data["customer"])],
            ["r_score", "f_score", "m_score"],
            "scores of the customer",
        )
        check(
            all(1 <= score[k] <= 5 for k in ("r_score", "f_score", "m_score")),
            f"score out of range {score}",
        )
        segment = marketing.create(
            "crm.segment",
            {
                "name": f"Story segment {self.tag}",
                "partner_domain": f"[('id', '=', {self.data['customer']})]",
                "r_min": score["r_score"],
                "r_max": score["r_score"],
            },
        )
        marketing.call("crm.segment", "action_compute", [segment])
        members = marketing.search_read(
            "crm.segment.member", [("segment_id", "=", segment)], ["partner_id"]
        )
        check(
            [m2o_id(m["partner_id"]) for m in members] == [self.data["customer"]],
            f"segment members {members}",
        )
        code = f"{score['r_score']}{score['f_score']}{score['m_score']}"
        return f"RFM {code} by the cron worker, segment has the customer"

    def run(self):
        steps = [
            ("log in the roles", self.login_roles),
            ("admin sets up territory, product, rate card", self.setup_master_data),
            ("lead routed by territory", self.route_lead),
            ("salesperson moves the opportunity through stages", self.move_stages),
            ("salesperson prices a quote from it", self.price_quote),
            ("approver approves the discount", self.approve),
            ("salesperson confirms", self.confirm),
            (
                "production sees the MO, billing the down payment",
                self.production_and_billing,
            ),
            ("support ticket matched to the contract", self.ticket_on_contract),
            ("RFM recompute on the cron worker, segment", self.rfm_and_segment),
        ]
        for label, func in steps:
            if not self.step(label, func):
                break
        not_run = len(steps) - self.passed - self.failed
        print(
            f"[story] {self.passed} passed, {self.failed} failed, {not_run} not run",
            flush=True,
        )
        return 0 if not self.failed and not not_run else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--cron-timeout", type=int, default=180)
    args = parser.parse_args(argv)
    return Story(args).run()


if __name__ == "__main__":
    sys.exit(main())
