# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bad input over JSON-RPC, the way an integration calls: a clear error and
no partial write.

Each case logs in over HTTP as a non-admin user and calls one public method
of a suite model through /web/dataset/call_kw with a malformed domain, a
wrong type, a huge or negative value or an unknown id. The answer must be a
JSON-RPC error whose exception is one the user can act on (UserError,
ValidationError, AccessError, MissingError; ValueError where the ORM itself
rejects a malformed domain or value), never an internal error, and no row of
the suite's models may have changed.
"""

from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .access_table import groups_of
from .rpc_common import RpcMixin

CLEAR = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}
# the ORM's own checks of a domain or of a value's type
ORM_VALUE = CLEAR | {"builtins.ValueError"}

UNKNOWN = 2_000_000_000  # a valid int4 id no record has
HUGE = 10**15

# (case, login, model, method, args, kwargs, accepted exceptions)
# Record ids are given as "@key" and resolved from the fixtures at run time.
# fmt: off
CASES = [
    # malformed domains
    ("segment domain: syntax", "seg", "crm.segment", "write",
     [["@segment"], {"partner_domain": "[('name', '=' "}], {}, CLEAR),
    ("segment domain: code", "seg", "crm.segment", "write",
     [["@segment"], {"partner_domain": "__import__('os').getcwd()"}], {}, CLEAR),
    ("segment domain: unknown field", "seg", "crm.segment", "write",
     [["@segment"], {"partner_domain": "[('no_such_field', '=', 1)]"}], {}, CLEAR),
    ("segment domain: not a list", "seg", "crm.segment", "create",
     [{"name": "Bad", "partner_domain": "42"}], {}, CLEAR),
    ("stage gate domain: syntax", "manager", "crm.stage", "write",
     [["@stage"], {"gate_domain": "[(('probability'"}], {}, CLEAR),
    ("stage gate domain: unknown field", "manager", "crm.stage", "write",
     [["@stage"], {"gate_domain": "[('nope', '>', 1)]"}], {}, CLEAR),
    ("search_read: unknown field", "seg", "crm.segment", "search_read",
     [[["no_such_field", "=", 1]]], {"fields": ["name"]}, ORM_VALUE),
    ("search_read: bad operator", "terr", "crm.territory", "search_read",
     [[["name", "~~~", "x"]]], {"fields": ["name"]}, ORM_VALUE),
    ("search_count: bad leaf", "pricing", "crm.quote.price.rule", "search_count",
     [[["name", "=", "x", "extra"]]], {}, ORM_VALUE),
    # wrong types
    ("rule percent as text", "pricing", "crm.quote.price.rule", "write",
     [["@rule"], {"percent": "ten"}], {}, ORM_VALUE),
    ("member weight as text", "terr", "crm.territory.member", "write",
     [["@member"], {"weight": "heavy"}], {}, ORM_VALUE),
    ("plan quota as text", "hd", "helpdesk.support.plan", "write",
     [["@plan"], {"ticket_quota": "many"}], {}, ORM_VALUE),
    ("segment score bound as text", "seg", "crm.segment", "write",
     [["@segment"], {"r_min": "low"}], {}, ORM_VALUE),
    ("authority discount as text", "pricing", "crm.quote.authority", "write",
     [["@authority"], {"max_discount": "lots"}], {}, ORM_VALUE),
    # huge values
    ("authority discount huge", "pricing", "crm.quote.authority", "write",
     [["@authority"], {"max_discount": 1e300}], {}, CLEAR),
    ("tier discount huge", "pricing", "crm.quote.price.rule.tier", "write",
     [["@tier"], {"discount": 1e12}], {}, CLEAR),
    ("rfm batch size huge", "seg", "crm.rfm.config", "write",
     [["@config"], {"batch_size": HUGE}], {}, CLEAR),
    ("rfm snapshot interval huge", "seg", "crm.rfm.config", "write",
     [["@config"], {"snapshot_interval": HUGE}], {}, CLEAR),
    ("member capacity huge", "terr", "crm.territory.member", "write",
     [["@member"], {"capacity": HUGE}], {}, CLEAR),
    ("plan ticket quota huge", "hd", "helpdesk.support.plan", "write",
     [["@plan"], {"ticket_quota": HUGE}], {}, CLEAR),
    ("segment score bound huge", "seg", "crm.segment", "write",
     [["@segment"], {"r_max": HUGE}], {}, CLEAR),
    # negative numbers
    ("tier from negative", "pricing", "crm.quote.price.rule.tier", "write",
     [["@tier"], {"min_qty": -5.0}], {}, CLEAR),
    ("authority discount negative", "pricing", "crm.quote.authority", "write",
     [["@authority"], {"max_discount": -10.0}], {}, CLEAR),
    ("member weight negative", "terr", "crm.territory.member", "write",
     [["@member"], {"weight": -1.0}], {}, CLEAR),
    ("plan hours negative", "hd", "helpdesk.support.plan", "write",
     [["@plan"], {"hour_quota": -4.0}], {}, CLEAR),
    ("rfm batch size negative", "seg", "crm.rfm.config", "write",
     [["@config"], {"batch_size": -1}], {}, CLEAR),
    ("rfm class bound zero", "seg", "crm.rfm.class", "write",
     [["@rfm_class"], {"r_min": 0}], {}, CLEAR),
    # a negative quantity is a credit line, which sale accepts (it needs
    # approval instead); a negative down payment is no plan
    ("quote down payment negative", "sales", "sale.order", "write",
     [["@order"], {"pricer_down_payment": -3.0}], {}, CLEAR),
    ("quote down payment over 100", "sales", "sale.order", "write",
     [["@order"], {"pricer_down_payment": 130.0}], {}, CLEAR),
    ("rule discount over 100", "pricing", "crm.quote.price.rule", "write",
     [["@rule"], {"percent": 150.0}], {}, CLEAR),
    ("zip range reversed", "terr", "crm.territory.zip", "create",
     [{"territory_id": "@territory", "match_type": "range",
       "zip_from": "50000", "zip_to": "10000"}], {}, CLEAR),
    # unknown ids
    ("segment compute unknown id", "seg", "crm.segment", "action_compute",
     [[UNKNOWN]], {}, CLEAR),
    ("segment sync unknown id", "seg", "crm.segment", "action_sync_mailing_list",
     [[UNKNOWN]], {}, CLEAR),
    ("segment negative id", "seg", "crm.segment", "action_compute",
     [[-7]], {}, CLEAR),
    ("snapshot take unknown id", "seg", "crm.segment.snapshot", "action_take",
     [[UNKNOWN]], {}, CLEAR),
    ("rfm recompute unknown id", "seg", "crm.rfm.config", "action_recompute",
     [[UNKNOWN]], {}, CLEAR),
    ("quote price unknown id", "sales", "sale.order", "action_pricer_price",
     [[UNKNOWN]], {}, CLEAR),
    ("quote approve unknown id", "approver", "sale.order", "validate_tier",
     [[UNKNOWN]], {}, CLEAR),
    ("lead price quotes unknown id", "sales", "crm.lead",
     "action_pricer_price_quotes", [[UNKNOWN]], {}, CLEAR),
    ("territory write unknown id", "terr", "crm.territory", "write",
     [[UNKNOWN], {"name": "Ghost"}], {}, CLEAR),
    ("territory unknown parent", "terr", "crm.territory", "create",
     [{"name": "Orphan", "parent_id": UNKNOWN}], {}, CLEAR),
    ("member unknown user", "terr", "crm.territory.member", "create",
     [{"territory_id": "@territory", "user_id": UNKNOWN}], {}, CLEAR),
    ("plan unknown contract", "hd", "helpdesk.support.plan", "create",
     [{"name": "Ghost plan", "contract_id": UNKNOWN, "period_type": "month"}],
     {}, CLEAR),
    ("realign unknown territory", "terr", "crm.territory.realign", "create",
     [{"territory_ids": [[6, 0, [UNKNOWN]]]}], {}, CLEAR),
    ("gate bypass unknown stage", "bypass", "crm.stage.gate.bypass", "create",
     [{"lead_ids": [[6, 0, ["@lead"]]], "stage_id": UNKNOWN, "reason": "x"}],
     {}, CLEAR),
    ("migration unknown snapshots", "seg", "crm.segment.migration", "create",
     [{"snapshot_from_id": UNKNOWN, "snapshot_to_id": UNKNOWN}], {}, CLEAR),
    # business rules that must hold over RPC too
    ("stage gate not met", "sales", "crm.lead", "write",
     [["@lead"], {"stage_id": "@stage"}], {}, CLEAR),
    ("self approval", "sales", "sale.order", "validate_tier",
     [["@order"]], {}, CLEAR),
    ("read-only segment compute", "marketing", "crm.segment", "action_compute",
     [["@segment"]], {}, CLEAR),
    ("salesperson edits rate card", "sales", "crm.quote.price.rule", "write",
     [["@rule"], {"percent": 1.0}], {}, CLEAR),
    ("lost without a reason", "sales", "crm.lead", "write",
     [["@lead"], {"active": False, "probability": 0}], {}, CLEAR),
    ("set lost without a reason", "sales", "crm.lead", "action_set_lost",
     [["@lead"]], {}, CLEAR),
    ("competitor price NaN", "sales", "crm.lead.competitor", "create",
     [{"lead_id": "@lead", "competitor_id": "@competitor",
       "price": float("nan")}], {}, CLEAR),
    ("competitor price huge", "sales", "crm.lead.competitor", "write",
     [["@competitor_line"], {"price": HUGE}], {}, CLEAR),
    ("competitor price negative", "sales", "crm.lead.competitor", "write",
     [["@competitor_line"], {"price": -5.0}], {}, CLEAR),
    ("competitor line on another's lead", "sales", "crm.lead.competitor",
     "create", [{"lead_id": "@other_lead", "competitor_id": "@competitor",
                 "price": 1.0}], {}, CLEAR),
    ("salesperson edits a competitor", "sales", "crm.competitor", "write",
     [["@competitor"], {"name": "Renamed"}], {}, CLEAR),
    # the customer timeline's paging and filters
    ("timeline limit negative", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"limit": -1}, CLEAR),
    ("timeline limit NaN", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"limit": float("nan")}, CLEAR),
    ("timeline limit huge", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"limit": HUGE}, CLEAR),
    ("timeline offset as text", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"offset": "ten"}, CLEAR),
    ("timeline unknown filter", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"filters": {"colour": "red"}}, CLEAR),
    ("timeline bad date", "sales", "crm.lead", "crm_timeline",
     [["@lead"]], {"filters": {"date_from": "soon"}}, CLEAR),
    ("timeline unknown id", "sales", "crm.lead", "crm_timeline",
     [[UNKNOWN]], {}, CLEAR),
]
# fmt: on

# login suffix of each user of the cases -> roles of access_table.ROLES it holds
USERS = {
    "sales": ("salesperson",),
    "manager": ("sales_manager",),
    "terr": ("territory_manager",),
    "bypass": ("gate_bypass",),
    "pricing": ("pricing_manager",),
    "approver": ("approver",),
    "hd": ("support_plan_manager",),
    "seg": ("segmentation_manager", "marketing_user"),
    "marketing": ("marketing_user",),
}

# the models whose rows must not change when a call fails
WATCHED = [
    "crm.stage",
    "crm.lead",
    "crm.lead.stage.history",
    "crm.competitor",
    "crm.lead.competitor",
    "crm.territory",
    "crm.territory.zip",
    "crm.territory.member",
    "crm.quote.price.rule",
    "crm.quote.price.rule.tier",
    "crm.quote.authority",
    "sale.order",
    "sale.order.line",
    "helpdesk.support.plan",
    "crm.rfm.config",
    "crm.rfm.class",
    "crm.rfm.score",
    "crm.segment",
    "crm.segment.member",
    "crm.segment.snapshot",
    "crm.segment.snapshot.line",
    "mailing.list",
]
SKIP_FIELDS = {"write_date", "write_uid", "__last_update"}


@tagged("post_install", "-at_install", "crm_suite")
class TestRpcBadInput(RpcMixin, HttpCase):
    test_module = "crm_suite"
    LOGIN_PREFIX = "rpc_"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        cls.logins = {}
        for key, roles in USERS.items():
            login = f"rpc_{key}"
            groups = ",".join(groups_of(*roles))
            new_test_user(env, login=login, password=login, groups=groups)
            cls.logins[key] = login
        # the lost reason rule is a company setting, off on install
        env.company.crm_lost_reason_required = True
        users = env["res.users"].search([("login", "in", list(cls.logins.values()))])
        salesman = users.filtered(lambda u: u.login == "rpc_sales")
        member = users.filtered(lambda u: u.login == "rpc_manager")
        customer = env["res.partner"].create({"name": "RPC customer", "email": "c@x.y"})
        product = env["product.product"].create(
            {"name": "RPC product", "type": "consu", "list_price": 10.0}
        )
        stage = env["crm.stage"].create(
            {
                "name": "RPC gated",
                "sequence": 999,
                "checklist_item_ids": [Command.create({"name": "Signed NDA"})],
            }
        )
        territory = env["crm.territory"].create({"name": "RPC territory"})
        rule = env["crm.quote.price.rule"].create(
            {"name": "RPC rule", "method": "list_discount", "percent": 5.0}
        )
        tier_rule = env["crm.quote.price.rule"].create(
            {
                "name": "RPC tiers",
                "method": "qty_break",
                "tier_ids": [Command.create({"min_qty": 0.0, "discount": 2.0})],
            }
        )
        contract = env["contract.contract"].create(
            {
                "name": "RPC contract",
                "partner_id": customer.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "date_start": date(2026, 1, 1),
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Support",
                            "quantity": 1,
                            "price_unit": 10.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": date(2026, 1, 1),
                        }
                    )
                ],
            }
        )
        segment = env["crm.segment"].create(
            {"name": "RPC segment", "partner_domain": repr([("id", "=", customer.id)])}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": product.id, "product_uom_qty": 2, "discount": 20}
                    )
                ],
            }
        )
        cls.refs = {
            "stage": stage.id,
            "territory": territory.id,
            "member": env["crm.territory.member"]
            .create({"territory_id": territory.id, "user_id": member.id})
            .id,
            "rule": rule.id,
            "tier": tier_rule.tier_ids.id,
            "authority": env["crm.quote.authority"]
            .create({"user_id": salesman.id, "max_discount": 10.0})
            .id,
            "plan": env["helpdesk.support.plan"]
            .create(
                {
                    "name": "RPC plan",
                    "contract_id": contract.id,
                    "period_type": "month",
                    "ticket_quota": 3,
                }
            )
            .id,
            "config": env["crm.rfm.config"]._get_for_company(env.company).id,
            "rfm_class": env["crm.rfm.class"].create({"name": "RPC class"}).id,
            "segment": segment.id,
            "order": order.id,
            "line": order.order_line.id,
            "lead": env["crm.lead"]
            .create({"name": "RPC lead", "type": "opportunity", "user_id": salesman.id})
            .id,
            "other_lead": env["crm.lead"]
            .create({"name": "RPC other", "type": "opportunity", "user_id": member.id})
            .id,
            "competitor": env["crm.competitor"].create({"name": "RPC rival"}).id,
        }
        cls.refs["competitor_line"] = (
            env["crm.lead.competitor"]
            .create(
                {
                    "lead_id": cls.refs["lead"],
                    "competitor_id": cls.refs["competitor"],
                    "price": 10.0,
                }
            )
            .id
        )
        # 20% is beyond the salesperson's 10%: a review waits for others
        order.with_user(salesman).request_validation()
        assert order.review_ids.status == "pending", order.review_ids

    def _resolve(self, value):
        if isinstance(value, str) and value.startswith("@"):
            return self.refs[value[1:]]
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self._resolve(v) for k, v in value.items()}
        return value

    def _state(self):
        """Every stored value of every row of the watched models."""
        self.env.invalidate_all()
        state = {}
        for model in WATCHED:
            Model = self.env[model].sudo().with_context(active_test=False)
            names = [
                name
                for name, field in Model._fields.items()
                if field.store
                and field.type not in ("binary", "one2many")
                and name not in SKIP_FIELDS
            ]
            state[model] = {
                row["id"]: row for row in Model.search([]).read(names, load=None)
            }
        return state

    @mute_logger("odoo.http", "odoo.models", "odoo.addons.base.models.ir_rule")
    def test_bad_input_gets_a_clear_error_and_changes_nothing(self):
        problems = []
        for case, login_key, model, method, args, kwargs, accepted in CASES:
            self.login(login_key)
            before = self._state()
            result, name, message = self.rpc(
                model, method, *self._resolve(args), **self._resolve(kwargs)
            )
            after = self._state()
            if name is None:
                problems.append(f"{case}: accepted ({result!r:.80})")
            elif name not in accepted:
                problems.append(f"{case}: {name}: {message[:150]}")
            elif not message.strip():
                problems.append(f"{case}: {name} without a message")
            for model_name in WATCHED:
                if before[model_name] != after[model_name]:
                    problems.append(f"{case}: {model_name} changed")
        self.assertGreaterEqual(len(CASES), 49)
        self.assertFalse(problems, "\n".join(problems))
        # control: the same channel with good input is accepted and the state
        # comparison above sees what it changed
        self.login("seg")
        before = self._state()
        self.assertTrue(before["crm.segment"])
        _result, name, message = self.rpc(
            "crm.segment",
            "write",
            [self.refs["segment"]],
            {"name": "RPC segment renamed"},
        )
        self.assertIsNone(name, message)
        after = self._state()
        self.assertNotEqual(before["crm.segment"], after["crm.segment"])
        self.assertEqual(
            after["crm.segment"][self.refs["segment"]]["name"], "RPC segment renamed"
        )
