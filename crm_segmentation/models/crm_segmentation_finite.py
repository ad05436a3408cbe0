# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers the addon serves are finite, whatever is stored.

A NaN or an infinity in a float or numeric column (written by SQL, an import
or another module) would reach the JSON reply of the web client, which is then
invalid: the whole screen fails with "Connection lost". The input guard
(crm_segmentation_guard.py) refuses such values from clients; this module
covers what is already in the database:

* ``FiniteFloat`` / ``FiniteMonetary``: the addon's float and monetary fields
  serve 0.0 for a non-finite value, stored or computed, and their SQL (search,
  order, read_group SUM/AVG/MIN/MAX, the web client's ``sum_currency``) sees
  NULL instead, so one bad row never turns the total of a group into NaN;
* ``finite_sql``: the same rule for the addon's own SQL (RFM recompute,
  membership, persona, snapshots) over host or own columns.
"""

import math

from odoo import fields
from odoo.tools import SQL


def finite(value):
    """The value, or 0.0 when it is NaN or infinite (None stays None)."""
    if isinstance(value, float) and not math.isfinite(value):
        return 0.0
    return value


def finite_sql(expr, fallback=None):
    """SQL of ``expr``, or of ``fallback`` (NULL by default) when ``expr`` is
    NaN or infinite; NULL stays NULL.

    Works on float8 and numeric alike (numeric has NaN and, since PostgreSQL
    14, infinities). PostgreSQL orders NaN above every number, so
    ``ABS(x) < 'Infinity'`` is false for NaN and both infinities. Without a
    cast to float8: a numeric beyond the float8 range would make it fail."""
    return SQL(
        "(CASE WHEN NOT ABS(%s) < 'Infinity' THEN %s ELSE %s END)",
        expr,
        fallback,
        expr,
    )


class _FiniteValue:
    """Serves 0.0 for a non-finite value, stored or computed, and NULL for it
    in SQL (mixed into a numeric field class)."""

    def convert_to_cache(self, value, record, validate=True):
        # before the parent rounds it: rounding a NaN raises
        return super().convert_to_cache(finite(value), record, validate=validate)

    def convert_to_record(self, value, record):
        return finite(super().convert_to_record(value, record))

    def to_sql(self, model, alias):
        sql = super().to_sql(model, alias)
        if self.company_dependent:
            return sql  # a jsonb value: not ours today
        return finite_sql(sql)


class FiniteFloat(_FiniteValue, fields.Float):
    """A float field that serves 0.0 for a non-finite value."""


class FiniteMonetary(_FiniteValue, fields.Monetary):
    """A monetary field that serves 0.0 for a non-finite value."""


FINITE_FIELDS = (FiniteFloat, FiniteMonetary)
