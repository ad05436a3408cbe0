# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every create and write of any model goes through the rules of
``field_rules.py`` for the fields of this addon."""

import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

from .field_rules import is_bookkeeping, is_own, numeric_limits


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
