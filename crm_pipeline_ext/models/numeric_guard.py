# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the addon serves is finite, whatever is stored.

A NaN or infinity stored by SQL, an import or another module makes the JSON
reply of the web client invalid: the whole form or report fails with
"Connection lost". ``field_rules.py`` keeps users from typing one; this module
keeps an already stored one from being served: the addon's number fields are
of the classes below, and ``base.py`` makes the SQL aggregates of those fields
skip non-finite rows.
"""

import math

from odoo import fields
from odoo.tools import SQL

# Context key of the addon's own totals over core fields (the forecast
# snapshot sums the leads' expected revenue): their SQL aggregates skip
# non-finite rows too. Core's own reports are left as they are.
FINITE_CONTEXT = "crm_pipeline_ext_finite_aggregates"
# The aggregates computed in SQL over a column: a NaN or infinite row is left
# out of them (NULL), as an empty value is.
FINITE_AGGREGATES = {
    "sum": "SUM(%s)",
    "avg": "AVG(%s)",
    "max": "MAX(%s)",
    "min": "MIN(%s)",
}


def finite(value):
    """The value, or 0.0 when it is NaN or infinite."""
    if isinstance(value, float) and not math.isfinite(value):
        return 0.0
    return value


def sql_finite(column):
    """SQL of ``column`` (float8 or numeric) with NaN and infinities as NULL.

    The literals take the column's type (no cast to float8, which a numeric
    beyond its range would make fail).
    """
    return SQL(
        "CASE WHEN %s IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE %s END",
        column,
        column,
    )


class _FiniteValue:
    """Serves 0.0 for a non-finite value, stored or computed (mixed into a
    numeric field class)."""

    def convert_to_cache(self, value, record, validate=True):
        # before the rounding of the parent class, which fails on a NaN
        return super().convert_to_cache(finite(value), record, validate=validate)

    def convert_to_record(self, value, record):
        return finite(super().convert_to_record(value, record))


class FiniteFloat(_FiniteValue, fields.Float):
    """A float field that serves 0.0 for a non-finite value."""


class FiniteMonetary(_FiniteValue, fields.Monetary):
    """A monetary field that serves 0.0 for a non-finite value."""


FINITE_FIELDS = (FiniteFloat, FiniteMonetary)
