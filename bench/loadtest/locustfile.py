# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite's roles at once, each locust user its own web session.

Run by tools/suite/loadtest.py (``make loadtest``, the ``loadtest`` step of
`make test`) in the venv ~/.cache/crm-suite/locust-venv, never in Odoo's:
``locust -f bench/loadtest/locustfile.py --headless --host URL``, with
``LOADTEST_FIXTURE`` naming the JSON that bench/loadtest/fixture.py wrote
(database, logins, the ids the roles work on).

Every call goes where the web client sends it (``/web/dataset/call_kw`` and
``/web/dataset/call_button`` with the session cookie), so consecutive calls
of one user land on any worker. A JSON-RPC error (HTTP 200 with ``error``)
is a failure of that action: a serialization failure or a lock that Odoo
did not retry would show here, as would any UserError.
"""

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, events, task

FIXTURE = json.loads(open(os.environ["LOADTEST_FIXTURE"]).read())  # noqa: SIM115
_ids = itertools.count(1)
_seq = {}
_lock = threading.Lock()
MIN_LINES, MAX_LINES = FIXTURE.get("lines", [20, 200])
SHARED_QUEUE = os.environ.get("LOADTEST_SHARED_QUEUE") == "1"


class RpcFailed(Exception):
    pass


class OdooUser(HttpUser):
    """A web session of one demo login; ``role`` prefixes the stat names."""

    abstract = True
    wait_time = between(1, 3)
    role = ""
    logins = ()

    def on_start(self):
        with _lock:  # the class's logins in turn
            seq = _seq.setdefault(type(self).__name__, itertools.count())
            login = self.logins[next(seq) % len(self.logins)]
        self.login = login
        self.post(
            "/web/session/authenticate",
            {
                "db": FIXTURE["db"],
                "login": login,
                "password": FIXTURE["passwords"][login],
            },
            name=f"{self.role}: log in",
        )

    def post(self, path, params, name):
        body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(_ids)}
        with self.client.post(path, json=body, name=name, catch_response=True) as resp:
            try:
                reply = resp.json()
            except ValueError:
                resp.failure(f"HTTP {resp.status_code}: not JSON")
                raise RpcFailed(name) from None
            if reply.get("error"):
                data = reply["error"].get("data") or {}
                message = f"{data.get('name', '')}: {data.get('message', '')}"
                resp.failure(message[:300])
                raise RpcFailed(message)
            resp.success()
            return reply.get("result")

    def call(self, action, model, method, *args, **kwargs):
        return self.post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            name=f"{self.role}: {action}",
        )

    def button(self, action, model, method, ids):
        return self.post(
            f"/web/dataset/call_button/{model}/{method}",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
            name=f"{self.role}: {action}",
        )


def quiet(func):
    """A failed call is already counted by locust; the task just ends."""

    def wrapper(self):
        try:
            func(self)
        except RpcFailed:
            pass

    wrapper.__name__ = func.__name__
    return wrapper


LEAD_KANBAN = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "expected_revenue": {},
    "probability": {},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "territory_id": {"fields": {"display_name": {}}},
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
    "activity_state": {},
    "priority": {},
}


class Salesperson(OdooUser):
    """Opens the pipeline as the web client does, works its leads."""

    role = "salesperson"
    weight = 3
    logins = FIXTURE["salespeople"]

    @task(4)
    @quiet
    def open_pipeline(self):
        domain = [("type", "=", "opportunity")]
        groups = self.call(
            "pipeline: web_read_group by stage",
            "crm.lead",
            "web_read_group",
            domain,
            ["stage_id"],
            ["expected_revenue:sum", "__count"],
        )
        self.call(
            "pipeline: web_search_read kanban",
            "crm.lead",
            "web_search_read",
            domain,
            LEAD_KANBAN,
            limit=80,
            order="priority desc, id desc",
        )
        return groups

    @task(1)
    @quiet
    def close_a_lead(self):
        """A lost lead frees a slot of the salesperson's capacity; the
        salesperson says why, as the Mark as Lost dialog asks (the demo
        company requires a lost reason)."""
        rows = self.call(
            "my leads: search_read",
            "crm.lead",
            "search_read",
            [
                ("territory_id", "=", FIXTURE["territory"]),
                ("user_id", "=", FIXTURE["uids"][self.login]),
            ],
            ["id"],
            limit=20,
        )
        if rows:
            self.call(
                "my leads: mark lost",
                "crm.lead",
                "action_set_lost",
                [random.choice(rows)["id"]],
                lost_reason_id=FIXTURE["lost_reason"],
            )


class Quoter(OdooUser):
    """Prices a quote of 20-200 lines, discounts a line, asks for approval."""

    role = "salesperson"
    weight = 2
    logins = FIXTURE["quoters"]

    @task
    @quiet
    def price_quote(self):
        products = FIXTURE["products"]
        lines = [
            (
                0,
                0,
                {"product_id": random.choice(products), "product_uom_qty": 1 + i % 5},
            )
            for i in range(random.randint(MIN_LINES, MAX_LINES))
        ]
        (order,) = self.call(
            "quote: create with lines",
            "sale.order",
            "create",
            [
                {
                    "partner_id": random.choice(FIXTURE["customers"]),
                    # the customer's own salesperson would be the default
                    "user_id": FIXTURE["uids"][self.login],
                    "order_line": lines,
                }
            ],
        )
        self.button(
            "quote: price (pricer)", "sale.order", "action_pricer_price", [order]
        )
        line_ids = self.call(
            "quote: web_read lines",
            "sale.order",
            "web_read",
            [order],
            {"order_line": {"fields": {"price_unit": {}, "discount": {}}}},
        )[0]["order_line"]
        line = random.choice(line_ids)["id"]
        self.call(
            "quote: write a discount",
            "sale.order",
            "write",
            [order],
            {"order_line": [(1, line, {"discount": 20.0})]},
        )
        self.button(
            "quote: request validation", "sale.order", "request_validation", [order]
        )


class Approver(OdooUser):
    """Opens the queue of quotes to approve, approves one.

    Each approver takes its own share of the queue (quote id modulo the
    approvers), as approvers assigned per team would. With
    ``LOADTEST_SHARED_QUEUE=1`` both pick from the whole queue, and two of
    them may decide on one quote at once: crm_quote_pricer then answers the
    second one with a UserError ("Another approver is deciding on ... right
    now", its NOWAIT lock; tests/test_concurrency.py), counted as a failure.
    """

    role = "approver"
    weight = 1
    fixed_count = 2
    logins = FIXTURE["approvers"]

    @task
    @quiet
    def approve(self):
        rows = self.call(
            "queue: reviews to decide",
            "tier.review",
            "search_read",
            [
                ("model", "=", "sale.order"),
                ("status", "=", "pending"),
                ("reviewer_ids", "in", [FIXTURE["uids"][self.login]]),
            ],
            ["res_id"],
            limit=20,
        )
        if not SHARED_QUEUE:
            share = FIXTURE["approvers"].index(self.login)
            rows = [r for r in rows if r["res_id"] % len(self.logins) == share]
        if rows:
            order = random.choice(rows)["res_id"]
            self.button("quote: validate tier", "sale.order", "validate_tier", [order])


class Support(OdooUser):
    """Opens a ticket for a customer under contract, logs hours, closes it."""

    role = "support"
    weight = 2
    logins = FIXTURE["support"]

    @task
    @quiet
    def ticket(self):
        (ticket,) = self.call(
            "ticket: create",
            "helpdesk.ticket",
            "create",
            [
                {
                    "name": f"Load test ticket {FIXTURE['tag']}",
                    "description": "<p>Load test</p>",
                    "partner_id": random.choice(FIXTURE["contract_partners"]),
                }
            ],
        )
        self.call(
            "ticket: web_read coverage",
            "helpdesk.ticket",
            "web_read",
            [ticket],
            {"coverage_state": {}, "contract_id": {"fields": {"display_name": {}}}},
        )
        self.call(
            "ticket: close with hours",
            "helpdesk.ticket",
            "write",
            [ticket],
            {
                "support_hours": random.choice([0.5, 1.0, 2.0, 3.0]),
                "stage_id": FIXTURE["closed_stage"],
            },
        )


class Marketing(OdooUser):
    """Recomputes a dynamic segment and reads its members."""

    role = "marketing"
    weight = 1
    fixed_count = 1
    logins = FIXTURE["marketing"]

    @task
    @quiet
    def recompute_segment(self):
        segment = FIXTURE["segment"]
        self.button("segment: recompute", "crm.segment", "action_compute", [segment])
        self.call(
            "segment: members list",
            "crm.segment.member",
            "web_search_read",
            [("segment_id", "=", segment)],
            {"partner_id": {"fields": {"display_name": {}}}},
            limit=80,
        )


class Operations(OdooUser):
    """The admin: leads come in to route, and the crons are set off."""

    role = "admin"
    weight = 1
    fixed_count = 1
    logins = ["admin"]
    wait_time = between(2, 4)

    @task(3)
    @quiet
    def incoming_leads(self):
        vals = [
            {
                "name": f"Load test lead {FIXTURE['tag']} {random.randrange(10**6)}",
                "type": "opportunity",
                "user_id": False,
                "country_id": FIXTURE["country"],
                "zip": FIXTURE["zip"],
                "expected_revenue": random.randrange(500, 50000),
            }
            for _ in range(random.randint(1, 4))
        ]
        self.call("leads: create (routed)", "crm.lead", "create", vals)

    @task(1)
    @quiet
    def run_crons(self):
        # routing and SLA in this HTTP worker, RFM handed to the cron worker
        for name in ("route", "sla"):
            result = self.button(
                f"cron: {name} (direct trigger)",
                "ir.cron",
                "method_direct_trigger",
                [FIXTURE["crons"][name]],
            )
            if isinstance(result, dict) and result.get("type") == "ir.actions.client":
                # the job raised: shown to the admin as a notification
                events.request.fire(
                    request_type="POST",
                    name=f"admin: cron: {name} (job failed)",
                    response_time=0,
                    response_length=0,
                    exception=RpcFailed(json.dumps(result)[:300]),
                    context={},
                )
        self.button(
            "cron: RFM (cron worker)",
            "crm.rfm.config",
            "action_recompute_background",
            [FIXTURE["rfm_config"]],
        )
