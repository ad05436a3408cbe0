# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

from odoo import api, models, tools
from odoo.exceptions import AccessError, ValidationError

MODULE = "crm_segmentation"
INT4_MIN, INT4_MAX = -(2**31), 2**31 - 1
NUMERIC_TYPES = ("integer", "float", "monetary")
X2MANY_TYPES = ("one2many", "many2many")


class CrmSegmentationGuard(models.AbstractModel):
    """What a client may write into the fields this addon introduces, on its
    own models and on the core models it extends, derived from the field
    definitions in this one place, so that a new field is covered by default:

    * numbers: every Integer, Float and Monetary field is finite, an Integer
      fits PostgreSQL's int4, and none is negative unless its definition says
      ``allow_negative=True`` (amounts, differences of dates). Counts, sizes,
      intervals, scores, sequences and colours need no declaration;
    * bookkeeping: a stored, read-only, non-computed field is written by the
      addon's own code (counts, states, dates of runs, the owner of a rule).
      A client cannot set it, whether through create, write, copy or a
      ``default_<field>`` context key; only superuser code can.

    Both are checked on the values handed to create/write, before anything is
    written: a refused write changes nothing, not even the cache.
    """

    _name = "crm.segmentation.guard"
    _description = "Segmentation Write Guard"

    def _valid_field_parameter(self, field, name):
        return name == "allow_negative" or super()._valid_field_parameter(field, name)

    @api.model
    @tools.ormcache()
    def _guard_field_names(self):
        """(numeric, bookkeeping) names of the fields the addon introduces."""
        numeric, bookkeeping = [], []
        for name, field in self._fields.items():
            if not field._modules or field._modules[0] != MODULE:
                continue
            if name in models.MAGIC_COLUMNS:
                continue  # the ORM's own (id, create/write uid and date)
            if field.type in NUMERIC_TYPES:
                numeric.append(name)
            if (
                field.store
                and field.readonly
                and not field.compute
                and field.type not in X2MANY_TYPES
            ):
                bookkeeping.append(name)
        return tuple(numeric), frozenset(bookkeeping)

    # ------------------------------------------------------------------
    # Numbers
    # ------------------------------------------------------------------
    def _guard_number(self, fname, value):
        """Raise ValidationError if ``value`` is not acceptable for ``fname``.

        Values the ORM cannot convert at all (text for a number) are left to
        the ORM, which refuses them with its own error."""
        if value is None or value is False:
            return
        field = self._fields[fname]
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float: 10**400
            number = math.inf
        except (TypeError, ValueError):
            return
        label = field.get_description(self.env)["string"]
        if not math.isfinite(number):
            raise ValidationError(
                self.env._(
                    "%(field)s must be a finite number (got %(value)s).",
                    field=label,
                    value=value,
                )
            )
        low = None if getattr(field, "allow_negative", False) else 0
        high = None
        if field.type == "integer":
            low = INT4_MIN if low is None else low
            high = INT4_MAX
        if (low is not None and number < low) or (high is not None and number > high):
            if high is None:
                message = self.env._(
                    "%(field)s cannot be negative (got %(value)s).",
                    field=label,
                    value=value,
                )
            else:
                message = self.env._(
                    "%(field)s must be between %(low)s and %(high)s (got %(value)s).",
                    field=label,
                    low=low,
                    high=high,
                    value=value,
                )
            raise ValidationError(message)

    # ------------------------------------------------------------------
    # Writes
    # ------------------------------------------------------------------
    def _guard_vals(self, vals, defaults=()):
        """Check the values (and the context defaults ``defaults``) of one
        create or write call."""
        numeric, bookkeeping = self._guard_field_names()
        if not self.env.su:
            written = bookkeeping.intersection(vals)
            if written:
                raise AccessError(
                    self.env._(
                        "%(fields)s of %(model)s are kept by the application "
                        "and cannot be set by hand.",
                        fields=", ".join(
                            self._fields[name].get_description(self.env)["string"]
                            for name in sorted(written)
                        ),
                        model=self.env["ir.model"]._get(self._name).name,
                    )
                )
        for fname in numeric:
            if fname in vals:
                self._guard_number(fname, vals[fname])
            elif fname in defaults:
                self._guard_number(fname, defaults[fname])

    def _guard_context(self):
        """(records, defaults): ``self`` in a context where no client-given
        default fills a bookkeeping field, and the context defaults of the
        addon's numeric fields, to be checked like values."""
        numeric, bookkeeping = self._guard_field_names()
        context = self.env.context
        defaults = {
            name: context[f"default_{name}"]
            for name in numeric
            if f"default_{name}" in context
        }
        dropped = {f"default_{name}" for name in bookkeeping} & set(context)
        if dropped and not self.env.su:
            # a default comes from the client: it may choose a value, never
            # set one the application keeps
            clean = {key: val for key, val in context.items() if key not in dropped}
            return self.with_env(self.env(context=clean)), defaults
        return self, defaults

    @api.model_create_multi
    def create(self, vals_list):
        records, defaults = self._guard_context()
        for vals in vals_list:
            records._guard_vals(vals, defaults)
        return super(CrmSegmentationGuard, records).create(vals_list)

    def write(self, vals):
        self._guard_vals(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        """A copy starts its own bookkeeping."""
        vals_list = super().copy_data(default=default)
        _numeric, bookkeeping = self._guard_field_names()
        explicit = set(default or ())
        for vals in vals_list:
            for name in bookkeeping - explicit:
                vals.pop(name, None)
        return vals_list
