# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The addon's rules for its own fields, derived from their definitions.

Every field this addon defines (on its own models or on core ones) follows
two rules, whatever model it is on and whoever writes it:

- a field declared read-only (computed, related, or ``readonly=True``) is
  bookkeeping: only the addon's code, running as superuser, writes it; a
  client that sends it (in the values or as a ``default_`` context key) is
  refused or ignored;
- a number a user can set is range-checked before anything is written:
  finite, within a PostgreSQL integer for integers, not negative unless the
  field is listed in ``SIGNED``, and under the cap of ``CAPS`` if any.

Both are decided from the field's definition, so a new field of the addon is
covered the day it is added. ``base.py`` enforces them on every write.
"""

import math

from odoo import models

MODULE = "crm_pipeline_ext"
NUMERIC_TYPES = ("integer", "float", "monetary")
INT4 = (-(2**31), 2**31 - 1)
# Numbers of the addon that may be negative: an ordering key.
SIGNED = frozenset({"sequence"})
# Upper bounds below the type's own, per (model, field).
CAPS = {
    # days added to a date: beyond ~2.9 million days a date overflows
    ("crm.stage", "expected_days"): 36500,
    # a competitor's price: a typo of a few digits, not a real offer, beyond
    ("crm.lead.competitor", "price"): 1e12,
    # a percentage
    ("crm.stage", "probability"): 100,
    # amounts a user types: beyond, a typo of a few digits
    ("crm.sales.target", "target_won_revenue"): 1e12,
    ("crm.sales.target", "target_invoiced_revenue"): 1e12,
    ("crm.sales.target", "target_margin"): 1e12,
    ("crm.forecast.submission", "commit_amount"): 1e12,
    ("crm.forecast.submission", "best_case_amount"): 1e12,
}


def is_own(field):
    """A field this addon defines (magic columns are the ORM's)."""
    return (
        field is not None
        and field._module == MODULE
        and field.name not in models.MAGIC_COLUMNS
    )


def is_bookkeeping(field):
    """A field of this addon that only the addon's code writes."""
    return is_own(field) and bool(field.readonly)


def numeric_limits(model, field):
    """(low, high) for a number of this addon a user can set, else None."""
    if not is_own(field) or field.type not in NUMERIC_TYPES:
        return None
    if field.readonly or not (field.store or field.inverse):
        return None
    low, high = INT4 if field.type == "integer" else (-math.inf, math.inf)
    if field.name not in SIGNED:
        low = 0
    high = min(high, CAPS.get((model._name, field.name), high))
    return low, high


def guarded_fields(model):
    """{field name: (low, high)} of ``model``: what the numeric guard checks."""
    return {
        name: limits
        for name, field in model._fields.items()
        if (limits := numeric_limits(model, field))
    }
