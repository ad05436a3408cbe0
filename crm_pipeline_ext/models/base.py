# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every create and write of any model goes through the rules of
``field_rules.py`` for the fields of this addon, and every SQL aggregate of
its number fields skips the non-finite rows (``numeric_guard.py``)."""

import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from .field_rules import is_bookkeeping, is_own, numeric_limits
from .numeric_guard import FINITE_AGGREGATES, FINITE_CONTEXT, FINITE_FIELDS, sql_finite


class Base(models.AbstractModel):
    _inherit = "base"

    def _crm_pipeline_ext_check_bookkeeping(self, names):
        if self.env.su:
            return
        locked = [name for name in names if is_bookkeeping(self._fields.get(name))]
        if locked:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s are kept by the system and cannot "
                    "be set by hand.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        for name in locked
                    ),
                    model=self._description,
                )
            )

    def _crm_pipeline_ext_check_numbers(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            limits = numeric_limits(self, field)
            if not limits:
                continue
            try:
                number = (
                    value
                    if isinstance(value, float)
                    else (int if field.type == "integer" else float)(value or 0)
                )
            except (TypeError, ValueError):
                continue  # not a number at all: the ORM says so itself
            low, high = limits
            args = {
                "field": field.get_description(self.env)["string"],
                "model": self._description,
                "value": number,
            }
            if not math.isfinite(number):
                raise ValidationError(
                    self.env._(
                        "%(field)s of %(model)s must be a finite number, not "
                        "%(value)s.",
                        **args,
                    )
                )
            if number < low:
                raise ValidationError(
                    self.env._(
                        "%(field)s of %(model)s cannot be below %(low)s "
                        "(%(value)s given).",
                        low=low,
                        **args,
                    )
                )
            if number > high:
                raise ValidationError(
                    self.env._(
                        "%(field)s of %(model)s cannot exceed %(high)s "
                        "(%(value)s given).",
                        high=high,
                        **args,
                    )
                )

    def _crm_pipeline_ext_check_links(self, vals):
        """A link of this addon points only at a record its writer may read:
        whatever company rules a model has (or lacks), nobody attaches their
        record to another company's, or to one they cannot see."""
        if self.env.su:
            return
        for name, value in vals.items():
            field = self._fields.get(name)
            if (
                field is not None
                and field.type == "many2one"
                and is_own(field)
                and isinstance(value, int)
                and not isinstance(value, bool)
                and value
            ):
                self.env[field.comodel_name].browse(value).check_access("read")

    def _read_group_select(self, aggregate_spec, query):
        """Sums, averages, minima and maxima of the addon's number fields (and
        of any number field under ``FINITE_CONTEXT``) leave out NaN and
        infinite rows: one of them would otherwise make the whole group's
        value non-finite, and the list, pivot or graph unreadable."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            field = self._fields.get(fname)
            if (
                field is not None
                and field.type in ("float", "monetary")
                and field.store
                and field.column_type
                and not field.company_dependent
                and not property_name
                and func in FINITE_AGGREGATES
                and (
                    isinstance(field, FINITE_FIELDS)
                    or self.env.context.get(FINITE_CONTEXT)
                )
            ):
                column = self._field_to_sql(self._table, fname, query)
                return SQL(FINITE_AGGREGATES[func], sql_finite(column))
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def default_get(self, fields):
        """A ``default_<field>`` context key never sets a bookkeeping field:
        the field's own default applies instead."""
        result = super().default_get(fields)
        if self.env.su:
            return result
        for name in fields:
            field = self._fields.get(name)
            if f"default_{name}" in self.env.context and is_bookkeeping(field):
                result.pop(name, None)
                if field.default:
                    result[name] = field.default(self)
        return result

    def _prepare_create_values(self, vals_list):
        for vals in vals_list:
            self._crm_pipeline_ext_check_bookkeeping(vals)
            self._crm_pipeline_ext_check_links(vals)
        result = super()._prepare_create_values(vals_list)
        # after the defaults are added: a context default is checked too
        for vals in result:
            self._crm_pipeline_ext_check_numbers(vals)
        return result

    def write(self, vals):
        self._crm_pipeline_ext_check_bookkeeping(vals)
        self._crm_pipeline_ext_check_links(vals)
        self._crm_pipeline_ext_check_numbers(vals)
        return super().write(vals)
