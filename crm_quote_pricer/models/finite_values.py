# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No number the pricer serves is NaN or infinite, whatever is stored.

A NaN or an infinity in a float column (written by SQL, an import or another
module) would make the JSON reply of the web client invalid: the whole quote
form fails with "Connection lost". The addon's float fields are
:class:`FiniteFloat`, which serves 0.0 instead (:class:`FiniteJson` for the
numbers of a JSON field); the models carrying them inherit
``crm.quote.pricer.finite``, whose aggregates skip such rows and whose
create/write refuse such values (so that a NaN sent by a client is refused,
as the constraints always did, instead of being stored as 0.0).
"""

import math
from numbers import Real

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# The aggregates computed in SQL over a column: a NaN or infinite row is left
# out of them (NULL), as an empty value is.
FINITE_AGGREGATES = {
    "sum": "SUM(%s)",
    "avg": "AVG(%s)",
    "max": "MAX(%s)",
    "min": "MIN(%s)",
}


def is_finite(value):
    """Whether the number ``value`` is neither NaN nor infinite, nor an
    integer beyond any float (jsonb writes 1e400 out as an integer)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def finite(value):
    """The value, or 0.0 when it is NaN or infinite (``None`` stays)."""
    return value if value is None or is_finite(value) else 0.0


class FiniteFloat(fields.Float):
    """A float field that serves 0.0 for a non-finite value, stored or
    computed."""

    def convert_to_cache(self, value, record, validate=True):
        if isinstance(value, float):
            value = finite(value)  # rounding a NaN or an infinity raises
        return super().convert_to_cache(value, record, validate=validate)

    def convert_to_record(self, value, record):
        # values read from the database reach the cache without conversion
        return finite(super().convert_to_record(value, record))


def finite_json(value):
    """``value`` (JSON data) with every NaN or infinite number as 0.0."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return finite(value)
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_json(item) for item in value]
    return value


def _non_finite_in(value):
    """The first NaN or infinity in ``value`` (a number or JSON data), else
    None."""
    if isinstance(value, Real) and not isinstance(value, bool):
        return None if is_finite(value) else value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        for item in value:
            found = _non_finite_in(item)
            if found is not None:
                return found
    return None


class FiniteJson(fields.Json):
    """A JSON field whose numbers are served finite. jsonb holds no NaN, but
    it holds 1e400 (an integer beyond any float, an infinity for the web
    client) and 1e400 + 0.5 (an infinity for Python)."""

    def convert_to_record(self, value, record):
        return finite_json(super().convert_to_record(value, record))


def _finite_sql(column):
    """``column``, NULL where it holds NaN or an infinity. No cast: a
    numeric column may hold a finite value beyond the range of a float8."""
    return SQL(
        "CASE WHEN %s IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE %s END",
        column,
        column,
    )


class CrmQuotePricerFinite(models.AbstractModel):
    """Inherited by every model that carries a :class:`FiniteFloat` or a
    :class:`FiniteJson` of the addon (its own models and the host models it
    extends)."""

    _name = "crm.quote.pricer.finite"
    _description = "Quote Pricer: Finite Numbers"

    def _pricer_finite_field(self, fname):
        """The stored :class:`FiniteFloat` named ``fname``, else None."""
        field = self._fields.get(fname)
        if isinstance(field, FiniteFloat) and field.store and field.column_type:
            return field
        return None

    def _read_group_select(self, aggregate_spec, query):
        """Aggregates skip non-finite rows: one NaN row would otherwise turn
        the sum of a whole group into NaN."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            if (
                self._pricer_finite_field(fname)
                and not property_name
                and func in FINITE_AGGREGATES
            ):
                column = self._field_to_sql(self._table, fname, query)
                return SQL(FINITE_AGGREGATES[func], _finite_sql(column))
        return super()._read_group_select(aggregate_spec, query)

    def _read_group_postprocess_aggregate(self, aggregate_spec, raw_values):
        """A sum of finite numeric values may still exceed a float."""
        values = super()._read_group_postprocess_aggregate(aggregate_spec, raw_values)
        if aggregate_spec != "__count":
            fname = parse_read_group_spec(aggregate_spec)[0]
            if self._pricer_finite_field(fname):
                return (
                    finite(value) if isinstance(value, float) else value
                    for value in values
                )
        return values

    def _read_group_groupby(self, alias, groupby_spec, query):
        """Grouped by one of the floats, non-finite rows fall in the group of
        empty values instead of a group named NaN."""
        sql = super()._read_group_groupby(alias, groupby_spec, query)
        fname, chain, granularity = parse_read_group_spec(groupby_spec)
        if not chain and not granularity and self._pricer_finite_field(fname):
            return _finite_sql(sql)
        return sql

    def _pricer_check_finite(self, vals_list):
        """A NaN or infinity sent by a client is refused (the fields would
        serve it as 0.0 without a word)."""
        for vals in vals_list:
            for fname, value in vals.items():
                field = self._fields.get(fname)
                if isinstance(field, FiniteFloat) and isinstance(value, str):
                    try:
                        value = float(value)  # the ORM converts numeric text
                    except ValueError:
                        continue  # the ORM refuses it itself
                if not isinstance(field, FiniteFloat | FiniteJson):
                    continue
                bad = _non_finite_in(value)
                if bad is not None:
                    raise ValidationError(
                        self.env._(
                            "%(field)s (%(model)s): %(value)s is not allowed; "
                            "enter a finite number.",
                            field=field._description_string(self.env),
                            model=self._description,
                            value=bad,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._pricer_check_finite(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._pricer_check_finite([vals])
        return super().write(vals)
