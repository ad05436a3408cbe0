# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No number the addon serves is NaN or infinite, whatever is stored.

A single record with a NaN number (written by SQL, an import, another
module) made a whole screen unreadable: the JSON reply of the web client held
NaN and the client showed "Connection lost". Here NaN and the infinities are
stored by SQL in every stored float column of the addon's models and of the
host columns its computations read (invoices and their lines), the
computations run on them, and everything the addon serves is read back.
"""

import io
import json
import logging
import math
import re
import zipfile

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.crm_segmentation_finite import FINITE_FIELDS
from .common import SegmentationCommon

_logger = logging.getLogger(__name__)

MODULE = "crm_segmentation"
NUMBERS = ("float", "monetary")
NON_FINITE = ("NaN", "Infinity", "-Infinity")
# The host models whose numbers the addon's computations read: the RFM
# recompute sums invoice amounts, the persona sums invoice line balances.
# Every stored float column of theirs is swept; the columns read are also
# written together, where the database checks them together (the sign of
# balance and amount_currency).
SOURCE_COLUMNS = {
    "account.move": ("amount_untaxed_signed",),
    "account.move.line": ("balance", "amount_currency"),
}


def non_finite(value, path=""):
    """Paths of the NaN or infinite floats in a read/web_read result."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [f"{path}={value}"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}[{i}]")]
    return []


@tagged("post_install", "-at_install")
class TestFiniteValues(SegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_example()
        cls.config.action_recompute()
        cls.customers = cls.partner_a + cls.partner_b + cls.partner_c + cls.partner_d
        cls.segment = cls.env["crm.segment"].create(
            {
                "name": "Finite",
                "partner_domain": repr([("id", "in", cls.customers.ids)]),
            }
        )
        cls.segment.action_compute()
        cls.snapshot = cls.env["crm.segment.snapshot"].create(
            {"segment_ids": cls.segment.ids}
        )
        cls.snapshot.action_take()
        # an earlier cut-off: the class transitions have cells to sweep
        cls.env["crm.rfm.class.history"].sudo().create(
            [
                {
                    "company_id": cls.company.id,
                    "date": "2000-01-01",
                    "partner_id": score.partner_id.id,
                    "class_id": score.class_id.id,
                }
                for score in cls.customers.rfm_score_ids
            ]
        )
        cls.config._recompute_transitions()
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Finite lead", "partner_id": cls.partner_a.id}
        )
        cls.campaign_run = cls.env["crm.segment.campaign.run"].create(
            {"name": "Finite campaign", "segment_id": cls.segment.id}
        )
        cls.campaign_run.action_split()
        cls.next_offer = (
            cls.env["crm.next.offer"]
            .sudo()
            .create(
                {
                    "partner_id": cls.partner_a.id,
                    "company_id": cls.company.id,
                    "categ_id": cls.category.id,
                    "rank": 1,
                    "lift": 1.5,
                }
            )
        )
        cls.invoices_a = cls.env["account.move"].search(
            [("partner_id", "=", cls.partner_a.id), ("state", "=", "posted")]
        )

    def _records(self):
        """The records swept, per model (recomputed rows are found again);
        other models take any record."""
        return {
            "crm.segment": self.segment,
            "crm.rfm.config": self.config,
            "crm.rfm.score": self.partner_a.rfm_score_ids,
            "crm.segment.member": self.segment.member_ids.filtered(
                lambda m: m.partner_id == self.partner_a
            ),
            "crm.segment.persona.line": self.segment.persona_line_ids,
            "crm.segment.snapshot": self.snapshot,
            "crm.segment.snapshot.line": self.snapshot.line_ids,
            "crm.lead": self.lead,
            "res.partner": self.partner_a,
            "account.move": self.invoices_a,
            "account.move.line": self.invoices_a.line_ids,
            "crm.segment.campaign.run": self.campaign_run,
            "crm.segment.campaign.run.member": self.campaign_run.member_ids,
            "crm.next.offer": self.next_offer,
        }

    def _addon_models(self):
        """{model: names of the fields the addon defines on it}, from the registry."""
        found = {}
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract or Model._transient:
                continue
            own = Model._original_module == MODULE
            names = [
                name
                for name, field in Model._fields.items()
                if own or field._module == MODULE
            ]
            if names:
                found[model_name] = names
        return found

    def _store_everywhere(self, models, value):
        """Write value by SQL in every stored float column of each model's records."""
        records = self._records()
        for model_name in models:
            Model = self.env[model_name]
            columns = [
                name
                for name, field in Model._fields.items()
                if field.type in NUMBERS
                and field.store
                and field.column_type
                and not field.company_dependent
            ]
            if not columns:
                continue
            record = records.get(model_name) or Model.search([], limit=1)
            self.assertTrue(record, f"the sweep needs a record of {model_name}")
            for name in columns:
                try:
                    with self.env.cr.savepoint():
                        self.env.cr.execute(
                            SQL(
                                "UPDATE %s SET %s = %s WHERE id IN %s",
                                SQL.identifier(Model._table),
                                SQL.identifier(name),
                                value,
                                tuple(record.ids),
                            ),
                            log_exceptions=False,
                        )
                except (
                    psycopg2.errors.CheckViolation,
                    psycopg2.errors.NumericValueOutOfRange,
                ):
                    # the database itself refuses it (debit >= 0, an
                    # infinity in a numeric of fixed precision)
                    continue
        self.env.invalidate_all()

    def _store_sources(self, value):
        """Write value by SQL in the host columns the computations read."""
        records = self._records()
        for model_name, names in SOURCE_COLUMNS.items():
            Model = self.env[model_name]
            record = records[model_name]
            if model_name == "account.move.line":
                record = record.filtered(lambda line: line.display_type == "product")
            self.assertTrue(record, model_name)
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id IN %s",
                    SQL.identifier(Model._table),
                    SQL(", ").join(
                        SQL("%s = %s", SQL.identifier(name), value) for name in names
                    ),
                    tuple(record.ids),
                )
            )
        self.env.invalidate_all()

    def _render_xlsx(self):
        """The cells and the texts of the members workbook."""
        content, _kind = self.env["ir.actions.report"]._render(
            "crm_segmentation.segment_members_xlsx", self.segment.ids
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(
                book.read(name).decode()
                for name in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
            )

    def test_sweep_every_number_served_is_finite(self):
        models = self._addon_models()
        for name in ("crm.rfm.score", "crm.segment", "crm.segment.persona.line"):
            self.assertIn(name, models)
        others = set()
        for value in NON_FINITE:
            # bad invoices, then every computation of the addon over them and
            # over bad numbers of its own
            self._store_everywhere([*models, *SOURCE_COLUMNS], value)
            self._store_sources(value)
            self.config.action_recompute()
            self._store_everywhere(models, value)
            self.segment.action_compute()  # members and persona
            snapshot = self.env["crm.segment.snapshot"].create(
                {"segment_ids": self.segment.ids}
            )
            snapshot.action_take()
            self.assertTrue(snapshot.line_ids)
            for line in snapshot.line_ids:
                self.assertTrue(math.isfinite(line.monetary))
            self._store_everywhere(models, value)
            records = self._records()
            for model_name, names in models.items():
                Model = self.env[model_name]
                record = records.get(model_name) or Model.search([], limit=1)
                with self.subTest(model=model_name, stored=value):
                    bad = non_finite(record.read(names), "read")
                    result = record.web_read({name: {} for name in names})
                    bad += non_finite(result, "web_read")
                    # what list, pivot and graph views aggregate (fields_get)
                    numbers = [
                        name
                        for name in names
                        if Model._fields[name].type in NUMBERS
                        and Model._fields[name]._description_aggregator(self.env)
                    ]
                    aggregates = [
                        f"{name}:{Model._fields[name].aggregator}" for name in numbers
                    ] + [
                        # the web client's sum over several currencies
                        f"{name}:sum_currency"
                        for name in numbers
                        if Model._fields[name].type == "monetary"
                    ]
                    if aggregates:
                        groups = Model.formatted_read_group([], [], aggregates)
                        bad += non_finite(groups, "read_group")
                        groups = Model.formatted_read_group(
                            [], ["create_date:day"], aggregates
                        )
                        bad += non_finite(groups, "read_group by day")
                    for name in numbers:
                        # search and order go through the same SQL
                        Model.search([(name, ">", 0)], order=f"{name} desc")
                    self.assertFalse(bad, f"{model_name} serves {bad}")
                    # what the web client receives must be valid JSON
                    json.dumps(result, allow_nan=False, default=str)
                # numbers of other modules on the same records, for the record
                for name, field in Model._fields.items():
                    if field.type not in NUMBERS or name in names:
                        continue
                    try:
                        bad = non_finite(record.read([name]), "read")
                    except Exception as exc:  # pylint: disable=broad-exception-caught
                        bad = [type(exc).__name__]
                    if bad:
                        others.add(f"{model_name}.{name}: {bad[0].split('=')[-1]}")
            with self.subTest(xlsx=value):
                cells = self._render_xlsx()
                self.assertFalse(re.search(r">-?(nan|inf)<", cells), cells)
        _logger.info("Non-finite numbers served by other modules: %s", sorted(others))

    def test_every_number_field_of_the_addon_is_finite(self):
        """Each float and monetary field the addon defines, a new one
        included, serves finite numbers by its class."""
        checked = []
        for model_name, names in self._addon_models().items():
            for name in names:
                field = self.env[model_name]._fields[name]
                if field.type in NUMBERS:
                    checked.append(f"{model_name}.{name}")
                    self.assertIsInstance(field, FINITE_FIELDS, checked[-1])
        self.assertIn("crm.rfm.score.monetary", checked)
        self.assertIn("crm.segment.member.monetary", checked)  # a related one

    def test_nan_invoice_leaves_score_segment_and_persona_readable(self):
        """The user-visible case: one invoice of customer A with a NaN amount
        (and NaN line balances) leaves A's RFM score, the segment with its
        members and persona, and the history readable, with the invoice's
        amount left out and the invoice still counted."""
        score = self.partner_a.rfm_score_ids
        self.assertEqual(score.monetary, 5500.0)
        nan_invoice = self.invoices_a.filtered(
            lambda m: m.move_type == "out_invoice" and m.amount_untaxed == 2000
        )
        self.assertEqual(len(nan_invoice), 1)
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET amount_untaxed_signed = 'NaN' WHERE id = %s",
                nan_invoice.id,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE account_move_line SET balance = 'NaN', "
                "amount_currency = 'NaN' WHERE move_id = %s",
                nan_invoice.id,
            )
        )
        self.env.invalidate_all()
        self.config.action_recompute()
        self.assertEqual(score.monetary, 3500.0)
        self.assertEqual(score.frequency, 3)
        result = score.web_read({"monetary": {}, "m_score": {}, "rfm_code": {}})
        json.dumps(result, allow_nan=False)
        self.segment.action_compute()
        result = self.segment.web_read(
            {
                "persona_avg_order_value": {},
                "persona_purchase_frequency": {},
                "persona_line_ids": {
                    "fields": {"value": {}, "revenue": {}, "share": {}}
                },
                "member_ids": {"fields": {"monetary": {}, "partner_id": {}}},
            }
        )
        json.dumps(result, allow_nan=False, default=str)
        category = self.segment.persona_line_ids.filtered(
            lambda line: line.kind == "category"
        )
        # A's 2000 are left out of the category: 1000 + 3000 - 500 for A,
        # 300 for B, 10 x 6000 for C, -200 for D
        self.assertEqual(category.revenue, 63600.0)
        totals = self.env["crm.rfm.score"].formatted_read_group(
            [("partner_id", "in", self.customers.ids)], [], ["monetary:sum"]
        )
        self.assertEqual(totals[0]["monetary:sum"], 3500.0 + 300 + 60000 - 200)

    def test_nan_score_served_as_zero_and_left_out_of_totals(self):
        """A score row whose net revenue is NaN in the database: shown as 0,
        left out of sums and averages, scored and filtered as 0, and
        photographed as 0."""
        score = self.partner_a.rfm_score_ids
        self.env.cr.execute(
            SQL("UPDATE crm_rfm_score SET monetary = 'NaN' WHERE id = %s", score.id)
        )
        self.env.invalidate_all()
        self.assertEqual(score.monetary, 0.0)
        domain = [("partner_id", "in", self.customers.ids)]
        Score = self.env["crm.rfm.score"]
        groups = Score.formatted_read_group(
            domain, [], ["monetary:sum", "monetary:avg", "monetary:max"]
        )
        self.assertEqual(groups[0]["monetary:sum"], 300 + 60000 - 200)
        self.assertEqual(groups[0]["monetary:max"], 60000)
        json.dumps(groups, allow_nan=False, default=str)
        self.assertNotIn(score, Score.search(domain + [("monetary", ">", 50000)]))
        self.config._score_and_class()
        score.invalidate_recordset()
        self.assertEqual(score.m_score, 1)  # 0 is below the first threshold
        self.segment.revenue_min = 1000.0
        self.segment.action_compute()
        self.assertNotIn(self.partner_a, self.segment.member_ids.partner_id)
        self.segment.revenue_min = 0.0
        self.segment.action_compute()
        snapshot = self.env["crm.segment.snapshot"].create(
            {"segment_ids": self.segment.ids}
        )
        snapshot.action_take()
        line = snapshot.line_ids.filtered(lambda ln: ln.partner_id == self.partner_a)
        self.env.cr.execute(
            SQL(
                "SELECT monetary FROM crm_segment_snapshot_line WHERE id = %s",
                line.id,
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0.0)
