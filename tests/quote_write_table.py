# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may write which stored field of a quote, its lines, its approval
reviews and its down-payment invoice: the expected table.

tests/test_quote_field_writes.py tries, over JSON-RPC and as each role, to
write every stored field of these models (the list comes from the registry,
so a new field is tried by default) and compares the outcome with this
table; tools/access_doc.py renders it to docs/access.md.

A cell is either ``NONE`` (every field refused with an AccessError),
``ALL`` (no field refused for access; a value may still be invalid), or the
set of fields refused with an AccessError while the others are not.
"""

NONE = "none"
ALL = frozenset()

MODELS = ("sale.order", "sale.order.line", "tier.review", "account.move")
WRITE_ROLES = (
    "salesperson",
    "approver",
    "pricing_manager",
    "production_user",
    "billing_user",
    "portal",
    "employee",
)

# the rate-card engine's results: a pricing manager's to correct (the
# addon's PRICER_RESULT_FIELDS; this file is also read by tools/access_doc.py,
# without Odoo, so it is listed here, and the sweep fails on a new one)
LINE_ENGINE = frozenset(
    {
        "pricer_waterfall",
        "pricer_list_price",
        "pricer_rate_price",
        "pricer_cost",
        "pricer_margin_floor",
        "pricer_down_payment",
        "pricer_production_share",
    }
)
# bookkeeping of the invoicing plan, written by the confirmation only
ORDER_BOOKKEEPING = frozenset(
    {
        "pricer_down_payment_invoiced",
        "pricer_production_invoiced",
        "pricer_delivery_invoiced",
    }
)
# set by the invoicing plan only
MOVE_BOOKKEEPING = frozenset({"pricer_sale_order_id"})
# Odoo's own: payment transactions are written by the payment flow, and
# manufacturing orders are for manufacturing users
ORDER_CORE = frozenset({"transaction_ids"})
MOVE_CORE = frozenset({"wip_production_ids"})
SALES_ORDER = ORDER_BOOKKEEPING | ORDER_CORE

WRITE_TABLE = {
    "sale.order": {
        "salesperson": SALES_ORDER,
        "approver": SALES_ORDER,
        "pricing_manager": SALES_ORDER,
        "production_user": NONE,
        "billing_user": NONE,
        "portal": NONE,
        "employee": NONE,
    },
    "sale.order.line": {
        "salesperson": LINE_ENGINE,
        "approver": LINE_ENGINE,
        "pricing_manager": ALL,
        "production_user": NONE,
        "billing_user": NONE,
        "portal": NONE,
        "employee": NONE,
    },
    # decisions go through Request Validation / Validate / Reject only
    "tier.review": {role: NONE for role in WRITE_ROLES},
    "account.move": {
        "salesperson": NONE,
        "approver": NONE,
        "pricing_manager": NONE,
        "production_user": NONE,
        "billing_user": MOVE_BOOKKEEPING | MOVE_CORE,
        "portal": NONE,
        "employee": NONE,
    },
}

# what each model's record is in the test, for the documentation
TARGETS = {
    "sale.order": "a quote of the salesperson, approved",
    "sale.order.line": "a line of that quote",
    "tier.review": "the quote's approved discount-authority review",
    "account.move": "a draft down-payment invoice of a confirmed quote",
}


def expected_refused(model, role, fields):
    """The fields of ``fields`` that ``role`` must be refused on ``model``."""
    cell = WRITE_TABLE[model][role]
    if cell == NONE:
        return set(fields)
    return set(cell) & set(fields)
