# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The steps of tools/rpc_story.py after the set-up: each a method of the
story, done over HTTP by the role whose job it is."""

import datetime
import time

from rpc_client import RpcError, check, m2o_id


class StorySteps:
    """Mixed into rpc_story.Story, which provides admin, users, data, ref()."""

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
