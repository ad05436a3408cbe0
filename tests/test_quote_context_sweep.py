# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Context sweep: no context key a client sends relaxes a rule of the quote.

The keys are read from the source of the suite's addons and of the modules
on the quote's path (sale, its extensions, tier validation): every key any of
them reads with ``context.get("...")``, ``context["..."]`` or ``"..." in
context``. A new key in any of them is swept without anyone listing it. Each
key, alone and then all together, is sent by a salesperson over JSON-RPC on
every step of the quote flow where a rule holds.
"""

import re
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .quote_common import QuoteAttackMixin
from .suite_addons import ADDONS as SUITE

QUOTE_PATH = (
    "sale",
    "sale_management",
    "sale_mrp",
    "sale_stock",
    "base_tier_validation",
    "sale_tier_validation",
)
KEY_READ = re.compile(
    r"context\.get\(\s*['\"]([\w.]+)['\"]"
    r"|context\[\s*['\"]([\w.]+)['\"]\s*\]"
    r"|['\"]([\w.]+)['\"]\s+(?:not\s+)?in\s+(?:self\.env\.|self\._|env\.)?context\b"
)
# keys the ORM itself reads that a client might hope would loosen something
ORM_KEYS = ("install_mode", "import_file", "tracking_disable", "active_test")


def context_keys(env):
    keys = set(ORM_KEYS)
    for module in SUITE + QUOTE_PATH:
        if not env["ir.module.module"].search_count(
            [("name", "=", module), ("state", "=", "installed")]
        ):
            continue
        root = Path(get_module_path(module))
        for path in root.rglob("*.py"):
            if "tests" in path.relative_to(root).parts:
                continue
            for match in KEY_READ.finditer(path.read_text(errors="replace")):
                keys.add(next(group for group in match.groups() if group))
    return sorted(keys)


@tagged("post_install", "-at_install", "crm_suite")
class TestQuoteContextSweep(QuoteAttackMixin, HttpCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_quote_world()

    def sweep(self, context):
        """Every rule of the quote flow, as the salesperson with ``context``;
        returns what held not."""
        broken = []

        def expect(label, outcome):
            # the rule holds when the call fails; a key that only makes it
            # fail otherwise (a malformed value) loosens nothing
            if outcome[1] is None:
                broken.append(f"{label}: accepted ({outcome[0]!r:.80})")

        self.login("salesperson")
        outside = self.quote(discount=10.0)
        expect(
            "confirm outside authority",
            self.rpc("sale.order", "action_confirm", [outside.id], context=context),
        )
        expect(
            "send outside authority",
            self.rpc(
                "sale.order", "action_quotation_sent", [outside.id], context=context
            ),
        )
        expect(
            "write the engine's cost",
            self.rpc(
                "sale.order.line",
                "write",
                outside.order_line.ids,
                {"pricer_cost": 0.0},
                context=context,
            ),
        )
        self.rpc("sale.order", "request_validation", [outside.id], context=context)
        if outside.review_ids.filtered(lambda r: r.status == "approved"):
            broken.append("request_validation approved its own review")
        if not outside.review_ids:
            # the key only made the request fail: request it plainly, so
            # the attacks below have a review to attack
            outside.with_user(self.seller).request_validation()
        expect(
            "approve by writing the review",
            self.rpc(
                "tier.review",
                "write",
                outside.review_ids.ids,
                {"status": "approved", "done_by": self.approver.id},
                context=context,
            ),
        )
        expect(
            "confirm while pending",
            self.rpc("sale.order", "action_confirm", [outside.id], context=context),
        )
        expect(
            "validate own quote",
            self.rpc("sale.order", "validate_tier", [outside.id], context=context),
        )
        if outside.review_ids.filtered(lambda r: r.status == "approved"):
            broken.append("the salesperson's own review got approved")
        approved = self.approved_quote()
        self.login("salesperson")
        self.rpc(
            "sale.order.line",
            "write",
            approved.order_line.ids,
            {"discount": 90.0},
            context=context,
        )
        if approved.order_line.discount == 90.0 and approved._pricer_is_approved():
            broken.append("a discount of 90% kept the approval")
        expect(
            "confirm after the change",
            self.rpc("sale.order", "action_confirm", [approved.id], context=context),
        )
        if "sale" in (outside | approved).mapped("state"):
            broken.append("a quote outside authority got confirmed")
        return broken

    @mute_logger(
        "odoo.http",
        "odoo.models",
        "odoo.addons.base.models.ir_rule",
        "odoo.addons.base.models.ir_model",
    )
    def test_no_context_key_relaxes_a_rule(self):
        keys = context_keys(self.env)
        # the sweep reads the keys it must: ours and the flow's known ones
        for known in (
            "force_price_recomputation",
            "sale_write_from_compute",
            "skip_validation_check",
            "skip_check_state_condition",
        ):
            self.assertIn(known, keys)
        self.assertGreater(len(keys), 30)
        problems = []
        self.assertFalse(self.sweep({}), "the flow itself is broken")
        for key in keys:
            problems += [f"{key}: {item}" for item in self.sweep({key: True})]
        everything = dict.fromkeys(keys, True)
        problems += [f"all keys: {item}" for item in self.sweep(everything)]
        self.assertFalse(problems, "\n".join(problems))
