# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No number the addon serves is NaN or infinite, whatever is stored (issue 21,
item 1).

One record with a NaN number (written by SQL, an import or another module)
made a whole screen unreadable: the JSON reply held NaN and the web client
showed "Connection lost". Here a lead with NaN expected revenue must leave the
KPI report, the forecast snapshots and the forecast accuracy readable.
"""

import io
import json
import logging
import math
import zipfile

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL

from .common import TerritoryCommon

_logger = logging.getLogger(__name__)

MODULE = "crm_pipeline_ext"
NUMBERS = ("float", "monetary")
NON_FINITE = ("NaN", "Infinity", "-Infinity")


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
class TestFiniteValues(TerritoryCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won = cls._lead(name="Won", expected_revenue=1000, probability=95)
        cls.won_nan = cls._lead(name="Won NaN", expected_revenue=500, probability=95)
        cls.open = cls._lead(
            name="Open",
            expected_revenue=2000,
            probability=95,
            date_deadline="2026-11-20",
        )
        cls.open_nan = cls._lead(
            name="Open NaN",
            expected_revenue=700,
            probability=95,
            date_deadline="2026-11-20",
        )
        (cls.won | cls.won_nan | cls.open).write({"stage_id": cls.stage_qualified.id})
        activity = cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("crm.lead"),
                "res_id": cls.won.id,
                "activity_type_id": cls.env.ref("mail.mail_activity_data_call").id,
                "user_id": cls.salesman.id,
            }
        )
        activity.with_user(cls.salesman).action_done()
        (cls.won | cls.won_nan).action_set_won()
        cls.member = cls.t_spain.member_ids.filtered(
            lambda m: m.user_id == cls.salesman
        )
        cls.competitor = cls.env["crm.competitor"].create({"name": "PE Rival"})
        cls.competitor_line = cls.env["crm.lead.competitor"].create(
            {
                "lead_id": cls.won_nan.id,
                "competitor_id": cls.competitor.id,
                "price": 450,
                "outcome": "won_us",
            }
        )
        cls.target = cls.env["crm.sales.target"].create(
            {
                "user_id": cls.salesman.id,
                "team_id": cls.team.id,
                "date_from": cls.won.date_closed.date(),
                "target_won_revenue": 3000,
            }
        )
        cls.submission = cls.env["crm.forecast.submission"].create(
            {
                "user_id": cls.salesman.id,
                "team_id": cls.team.id,
                "date_from": cls.won.date_closed.date(),
                "commit_amount": 1000,
                "best_case_amount": 2500,
            }
        )
        cls.env.flush_all()
        # the records swept, per model; other models take any record
        cls.records = {
            "crm.lead": cls.won_nan | cls.open_nan,
            "crm.stage": cls.stage_qualified,
            "crm.territory": cls.t_spain,
            "crm.territory.member": cls.member,
            "crm.lead.stage.history": cls.won_nan.stage_history_ids,
            "crm.lead.competitor": cls.competitor_line,
            "res.company": cls.company,
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

    def _records(self, model_name):
        Model = self.env[model_name]
        return self.records.get(model_name) or Model.search([], limit=50)

    def _store(self, records, names, value):
        """Write value by SQL in the given stored number columns of records."""
        for name in names:
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute(
                        SQL(
                            "UPDATE %s SET %s = %s WHERE id IN %s",
                            SQL.identifier(records._table),
                            SQL.identifier(name),
                            value,
                            tuple(records.ids),
                        ),
                        log_exceptions=False,
                    )
            except (
                psycopg2.errors.CheckViolation,
                psycopg2.errors.NumericValueOutOfRange,
            ):
                continue  # the database itself refuses it
        self.env.invalidate_all()

    def _stored_numbers(self, Model):
        """Every stored number column of Model (a table, not a report view)."""
        if not Model._auto:
            return []
        return [
            name
            for name, field in Model._fields.items()
            if field.type in NUMBERS
            and field.store
            and field.column_type
            and not field.company_dependent
        ]

    def test_sweep_every_number_served_is_finite(self):
        """Each non-finite value in every stored number column of every model
        carrying fields of the addon (its own tables, and the core models it
        extends, whose columns its computations and reports read)."""
        models = self._addon_models()
        for expected in (
            "crm.lead",
            "crm.forecast.snapshot",
            "crm.salesperson.kpi.report",
            "crm.forecast.accuracy.report",
            "crm.territory.member",
            "crm.lead.stage.history",
            "crm.lead.competitor",
            "crm.win.loss.report",
            "crm.sales.target",
            "crm.forecast.submission",
        ):
            self.assertIn(expected, models)
        self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        others = set()
        for value in NON_FINITE:
            for model_name in models:
                Model = self.env[model_name]
                records = self._records(model_name)
                if Model._auto:
                    self.assertTrue(records, f"the sweep needs a {model_name}")
                self._store(records, self._stored_numbers(Model), value)
            for model_name, names in models.items():
                Model = self.env[model_name]
                records = self._records(model_name)
                with self.subTest(model=model_name, stored=value):
                    bad = non_finite(records.read(names), "read")
                    result = records.web_read({name: {} for name in names})
                    bad += non_finite(result, "web_read")
                    aggregates = [
                        f"{name}:{Model._fields[name].aggregator}"
                        for name in names
                        if Model._fields[name].type in NUMBERS
                        and Model._fields[name].store
                        and Model._fields[name].aggregator
                    ]
                    if aggregates:
                        groups = Model.formatted_read_group([], [], aggregates)
                        bad += non_finite(groups, "read_group")
                    self.assertFalse(bad, f"{model_name} serves {bad}")
                    # what the web client receives must be valid JSON
                    json.dumps(result, allow_nan=False, default=str)
                # numbers of other modules on the same records, for the record:
                # core's fields are core's (crm.lead.expected_revenue itself)
                for name, field in Model._fields.items():
                    if field.type not in NUMBERS or name in names:
                        continue
                    try:
                        bad = non_finite(records.read([name]), "read")
                    except Exception as exc:  # pylint: disable=broad-exception-caught
                        bad = [type(exc).__name__]
                    if bad:
                        others.add(f"{model_name}.{name}: {bad[0].split('=')[-1]}")
        _logger.info("Non-finite numbers served by other modules: %s", sorted(others))

    def _set_revenue(self, leads, value):
        self._store(leads, ["expected_revenue", "prorated_revenue"], value)

    def test_nan_revenue_leaves_the_reports_readable(self):
        """The user-visible case: one lead with NaN expected revenue; the
        salesperson's KPIs, frozen forecast and accuracy count the others."""
        self._set_revenue(self.won_nan | self.open_nan, "NaN")
        Kpi = self.env["crm.salesperson.kpi.report"]
        rows = Kpi.search([("user_id", "=", self.salesman.id)])
        result = rows.web_read(
            {"won_amount": {}, "revenue_per_activity": {}, "won_count": {}}
        )
        json.dumps(result, allow_nan=False)
        self.assertEqual(sum(row["won_count"] for row in result), 2)
        self.assertEqual(sum(row["won_amount"] for row in result), 1000)
        [[won_amount, per_activity]] = Kpi._read_group(
            [("user_id", "=", self.salesman.id)],
            [],
            ["won_amount:sum", "revenue_per_activity:sum"],
        )
        self.assertEqual((won_amount, per_activity), (1000, 1000))
        # the workbook of these rows is written, with finite numbers
        content, _fmt = self.env["ir.actions.report"]._render_xlsx(
            "crm_pipeline_ext.crm_salesperson_kpi_xlsx", rows.ids, {}
        )
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("nan", sheet.lower())
        self.assertNotIn("inf", sheet.lower())

        # the open lead counts as an opportunity, its revenue as 0
        snaps = self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        mine = snaps.filtered(lambda s: s.user_id == self.salesman)
        json.dumps(
            mine.web_read({"expected_revenue": {}, "weighted_revenue": {}}),
            allow_nan=False,
        )
        self.assertEqual(sum(mine.mapped("opportunity_count")), 2)
        self.assertEqual(sum(mine.mapped("expected_revenue")), 2000)
        self.assertEqual(sum(mine.mapped("weighted_revenue")), 1900)

        Accuracy = self.env["crm.forecast.accuracy.report"]
        rows = Accuracy.search([("user_id", "=", self.salesman.id)])
        self.assertTrue(rows)
        result = rows.web_read(
            {"commit_revenue": {}, "actual_revenue": {}, "accuracy_display": {}}
        )
        json.dumps(result, allow_nan=False)
        self.assertEqual(sum(row["commit_revenue"] for row in result), 2000)

    def test_nan_snapshot_leaves_the_accuracy_readable(self):
        """A frozen forecast stored NaN (by SQL) counts as 0 in the accuracy."""
        self._set_revenue(self.open_nan, "Infinity")
        snaps = self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        self.assertEqual(sum(snaps.mapped("expected_revenue")), 2000)
        self._store(snaps, ["expected_revenue", "weighted_revenue"], "NaN")
        self.assertEqual(snaps.mapped("expected_revenue"), [0.0] * len(snaps))
        Accuracy = self.env["crm.forecast.accuracy.report"]
        groups = Accuracy.formatted_read_group(
            [],
            ["user_id"],
            ["commit_revenue:sum", "weighted_revenue:sum", "accuracy:sum"],
        )
        json.dumps(groups, allow_nan=False, default=str)
        self.assertFalse(non_finite(groups))

    def test_non_finite_probability_is_pipeline(self):
        """A lead whose probability is infinite is not a commit (the database
        refuses one on a saved lead: the lead here is being edited)."""
        for value in NON_FINITE:
            lead = self.env["crm.lead"].new(
                {"type": "opportunity", "probability": float(value)}
            )
            self.assertEqual(lead.forecast_category, "pipeline", value)

    def test_non_finite_revenue_does_not_pass_a_gate(self):
        """An expected revenue of NaN is no amount: the gate still asks for it."""
        lead = self._lead(expected_revenue=100, partner_id=self.partner.id)
        for value in NON_FINITE:
            self._store(lead, ["expected_revenue"], value)
            failures = lead._get_gate_failures(self.stage_proposal)
            self.assertTrue(
                any("Expected Revenue" in m for m in failures.get(lead, [])), value
            )

    def test_nan_weight_gets_no_leads(self):
        """A member whose weight is stored NaN is served 0 and gets no share of
        the routed leads; routing does not fail."""
        self._store(self.member, ["weight"], "NaN")
        self.assertEqual(self.member.weight, 0.0)
        leads = self._new(3)
        self.assertEqual(leads.user_id, self.salesman2)
