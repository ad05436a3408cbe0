# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math
from numbers import Real

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

MODULE = "crm_helpdesk_link"
NUMERIC_TYPES = ("integer", "float", "monetary")

INT4_MIN = -(2**31)
INT4_MAX = 2**31 - 1
# Hours on one ticket, in one quota period or in one SLA target: about five
# working years. Larger values are typing errors, and at 1e12 the sums over
# a contract lose their precision.
MAX_HOURS = 10_000.0
# Any other amount (hourly rates): far above a real rate, and hours times
# rate still stays exact in a float.
MAX_AMOUNT = 1_000_000_000.0
# Fields whose bound is not the default of their type.
BOUNDS = {
    # a renewal warning more than ten years ahead makes no sense, and
    # today + days must stay a date Python can represent
    "helpdesk_upsell_expiry_days": (0, 3650),
    # a warning more than a year before an SLA deadline is a typing error
    "helpdesk_sla_warning_hours": (0, 8760),
}
# Fields of the addon that may be negative (none today).
SIGNED = frozenset()


def finite(value):
    """The value, or 0.0 when it is NaN or infinite.

    A NaN or infinity stored by SQL (or reached by a computation) would make
    the JSON reply of the web client invalid: the whole form fails with
    "Connection lost". Nothing the addon serves may carry one.
    """
    return value if value is None or math.isfinite(value) else 0.0


class _FiniteValue:
    """Serves 0.0 for a non-finite value, stored or computed (mixed into a
    numeric field class)."""

    def convert_to_cache(self, value, record, validate=True):
        if isinstance(value, float):
            value = finite(value)  # rounding a NaN would raise
        return super().convert_to_cache(value, record, validate=validate)

    def convert_to_record(self, value, record):
        return finite(super().convert_to_record(value, record))


class FiniteFloat(_FiniteValue, fields.Float):
    """A float field that serves 0.0 for a non-finite value."""


class FiniteMonetary(_FiniteValue, fields.Monetary):
    """A monetary field that serves 0.0 for a non-finite value."""


FINITE_FIELDS = (FiniteFloat, FiniteMonetary)
# The aggregates computed in SQL over a column: a NaN or infinite row is left
# out of them (NULL), as an empty value is.
FINITE_AGGREGATES = {
    "sum": "SUM(%s)",
    "avg": "AVG(%s)",
    "max": "MAX(%s)",
    "min": "MIN(%s)",
}


def server_only_fields_given(env, vals_list, names):
    """The fields of ``names`` that client values try to set, sorted (none
    for superuser code, which computes them): for the fields a model keeps
    from other data and that no user may type. The caller raises its own
    message with them."""
    if env.su:
        return []
    return sorted({name for vals in vals_list for name in vals if name in names})


class HelpdeskNumericGuard(models.AbstractModel):
    """Range checks of the numbers users set, generated from the registry.

    Every stored float/integer/monetary field of a model of this addon, and
    every one this addon adds to another model, is checked: finite, within
    its bounds (integers within PostgreSQL's int4), non-negative unless in
    SIGNED. Integer fields of the host model get the int4 check alone, so
    they fail with a clear message instead of a database error and keep
    accepting whatever they accepted before. A new field is covered without
    being listed anywhere.

    The values are checked in create and write before they reach the
    database (an out-of-range integer makes the INSERT itself fail), and
    again by a constraint on the stored values.
    """

    _name = "crm.helpdesk.numeric.guard"
    _description = "Helpdesk Link: Numeric Range Guard"

    @api.model
    def _numeric_guard_bounds(self):
        """{field name: (low, high)} of the fields checked on this model.

        Computed once per registry class, like Odoo's own constraint list.
        """
        cls = self.env.registry[self._name]
        bounds = cls.__dict__.get("_numeric_guard_cache")
        if bounds is None:
            bounds = self._numeric_guard_compute_bounds()
            cls._numeric_guard_cache = bounds
        return bounds

    @api.model
    def _numeric_guard_compute_bounds(self):
        own_model = self._original_module == MODULE
        bounds = {}
        for name, field in self._fields.items():
            if field.type not in NUMERIC_TYPES or not field.store:
                continue
            if name in models.MAGIC_COLUMNS:
                continue
            if field.compute and field.readonly:
                continue  # set by its compute method only
            ours = own_model or field._module == MODULE
            if not ours:
                if field.type == "integer":
                    bounds[name] = (INT4_MIN, INT4_MAX)
                continue
            if name in BOUNDS:
                low, high = BOUNDS[name]
            elif field.type == "integer":
                low, high = INT4_MIN, INT4_MAX
            elif "hours" in name.split("_") or name.startswith("hour_"):
                low, high = -MAX_HOURS, MAX_HOURS
            else:
                low, high = -MAX_AMOUNT, MAX_AMOUNT
            if name not in SIGNED:
                low = max(low, 0)
            bounds[name] = (low, high)
        return bounds

    def _numeric_guard_fields(self):
        return list(self._numeric_guard_bounds())

    def _numeric_guard_error(self, name, value, low, high):
        field = self._fields[name]
        return ValidationError(
            self.env._(
                "%(field)s (%(model)s): %(value)s is not allowed; enter a "
                "number from %(low)s to %(high)s.",
                field=field._description_string(self.env),
                model=self._description,
                value=value,
                low=low,
                high=high,
            )
        )

    def _numeric_guard_check_vals(self, vals_list):
        bounds = self._numeric_guard_bounds()
        for vals in vals_list:
            for name in bounds.keys() & vals.keys():
                value = vals[name]
                if value is None or isinstance(value, bool):
                    continue
                if isinstance(value, str):
                    # the ORM converts numeric text; check what it would store
                    convert = int if self._fields[name].type == "integer" else float
                    try:
                        value = convert(value)
                    except ValueError:
                        continue  # the ORM refuses it itself
                if not isinstance(value, Real):
                    continue
                low, high = bounds[name]
                if not math.isfinite(value) or not low <= value <= high:
                    raise self._numeric_guard_error(name, value, low, high)

    @api.constrains(lambda self: self._numeric_guard_fields())
    def _check_numeric_guard(self):
        bounds = self._numeric_guard_bounds()
        for record in self:
            for name, (low, high) in bounds.items():
                value = record[name]
                if not math.isfinite(value) or not low <= value <= high:
                    raise record._numeric_guard_error(name, value, low, high)

    def _read_group_select(self, aggregate_spec, query):
        """Aggregates of the addon's float fields skip non-finite rows: one
        NaN row would otherwise turn the sum of a whole group into NaN."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            field = self._fields.get(fname)
            if (
                isinstance(field, FINITE_FIELDS)
                and field.store
                and not property_name
                and func in FINITE_AGGREGATES
            ):
                column = self._field_to_sql(self._table, fname, query)
                value = SQL(
                    "CASE WHEN %s::float8 IN ('NaN', 'Infinity', '-Infinity') "
                    "THEN NULL ELSE %s END",
                    column,
                    column,
                )
                return SQL(FINITE_AGGREGATES[func], value)
        return super()._read_group_select(aggregate_spec, query)

    @api.model_create_multi
    def create(self, vals_list):
        self._numeric_guard_check_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._numeric_guard_check_vals([vals])
        return super().write(vals)
