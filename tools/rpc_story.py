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
import importlib.util
import secrets
import sys
import time
from pathlib import Path

from rpc_client import Client, RpcError, check  # tools/, beside this script
from rpc_story_steps import StorySteps

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


class Story(StorySteps):
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
