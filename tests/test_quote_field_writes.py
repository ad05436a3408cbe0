# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Field-write matrix: every role tries to write every stored field of a
quote, its lines, its reviews and its down-payment invoice over JSON-RPC.

The fields come from the registry, so a field added tomorrow (by us or by
a module installed beside us) is tried without anyone listing it. Each
attempt runs in a savepoint that is rolled back, so attempts don't see each
other. The outcome of each cell must match tests/quote_write_table.py.
"""

from contextlib import closing
from datetime import date, datetime

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .quote_common import QuoteAttackMixin
from .quote_write_table import MODELS, WRITE_ROLES, expected_refused

ACCESS = "odoo.exceptions.AccessError"
SKIPPED_TYPES = {"one2many", "binary", "properties", "properties_definition"}
# the ORM's own columns, which no write sets
MAGIC = {"id", "create_uid", "create_date", "write_uid", "write_date"}
SKIP = object()


@tagged("post_install", "-at_install", "crm_suite")
class TestQuoteFieldWrites(QuoteAttackMixin, HttpCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_quote_world()
        order = cls.quote(discount=10.0)
        order.with_user(cls.seller).request_validation()
        order.with_user(cls.approver).validate_tier()
        confirmed = cls.quote()
        confirmed.action_confirm()
        cls.targets = {
            "sale.order": order,
            "sale.order.line": order.order_line,
            "tier.review": order.review_ids,
            "account.move": cls.env["account.move"].search(
                [("pricer_sale_order_id", "=", confirmed.id)]
            ),
        }
        for model, record in cls.targets.items():
            assert len(record) == 1, (model, record)

    def stored_fields(self, model):
        return [
            field
            for name, field in self.env[model]._fields.items()
            if field.store
            and name not in MAGIC
            and field.type not in SKIPPED_TYPES
            and field.type != "reference"
        ]

    def probe_value(self, record, field):
        """A value of the field's type that differs from the current one."""
        current = record[field.name]
        kind = field.type
        if kind == "boolean":
            return not current
        if kind in ("char", "text", "html"):
            return "probe"
        if kind in ("integer", "many2one_reference"):
            return (current or 0) + 1
        if kind in ("float", "monetary"):
            return (current or 0.0) + 1.5
        if kind == "date":
            return date(2030, 1, 2).isoformat()
        if kind == "datetime":
            return datetime(2030, 1, 2, 3, 4, 5).strftime("%Y-%m-%d %H:%M:%S")
        if kind == "selection":
            options = [
                key
                for key, _label in field._description_selection(self.env)
                if key != current
            ]
            return options[0] if options else SKIP
        if kind == "json":
            return [
                {"rule": "probe", "method": "", "before": 0, "after": 1, "delta": 1}
            ]
        if kind in ("many2one", "many2many"):
            Comodel = (
                self.env[field.comodel_name].sudo().with_context(active_test=False)
            )
            other = Comodel.search([("id", "not in", current.ids)], limit=1)
            if kind == "many2one":
                return other.id or SKIP
            return [Command.set([] if current else other.ids)]
        return SKIP

    def attempt(self, model, record, field):
        value = self.probe_value(record, field)
        if value is SKIP:
            return None
        self.env.flush_all()
        with closing(self.env.cr.savepoint(flush=False)):
            _result, error, _message = self.rpc(
                model, "write", record.ids, {field.name: value}
            )
        self.env.invalidate_all()
        if error is None:
            return "accepted"
        return "refused" if error == ACCESS else "invalid"

    @mute_logger(
        "odoo.http",
        "odoo.models",
        "odoo.addons.base.models.ir_rule",
        "odoo.addons.base.models.ir_model",
        "odoo.sql_db",
    )
    def test_field_write_matrix(self):
        problems = []
        tried = 0
        for role in WRITE_ROLES:
            self.login(role)
            for model in MODELS:
                record = self.targets[model]
                fields = self.stored_fields(model)
                refused_expected = expected_refused(
                    model, role, [f.name for f in fields]
                )
                for field in fields:
                    outcome = self.attempt(model, record, field)
                    if outcome is None:
                        continue
                    tried += 1
                    must_refuse = field.name in refused_expected
                    if must_refuse and outcome != "refused":
                        problems.append(f"{role} {model}.{field.name}: {outcome}")
                    elif not must_refuse and outcome == "refused":
                        problems.append(f"{role} {model}.{field.name}: refused")
        # every cell of every model was tried (the registry gave the fields)
        self.assertGreater(tried, 500)
        self.assertFalse(problems, "\n".join(problems))
        # and nothing of it stayed
        self.assertTrue(self.targets["sale.order"]._pricer_is_approved())
