# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""No number the addon serves is NaN or infinite, whatever is stored.

A single ticket with Hours Spent NaN (written by SQL) made its support plan
unreadable: the JSON reply of the form held NaN and the web client showed
"Connection lost".
"""

import json
import logging
import math

import psycopg2

from odoo.tests import tagged
from odoo.tools import SQL

from .common import SupportCommon

_logger = logging.getLogger(__name__)

MODULE = "crm_helpdesk_link"
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
class TestFiniteValues(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.hour_quota = 1.0
        cls.ticket = cls._ticket(cls, support_hours=3.0)
        cls.other_ticket = cls._ticket(cls, support_hours=0.5)
        cls.ticket.stage_id = cls.stage_done  # bills 2 h on a draft invoice
        cls.lead = cls.env["crm.lead"]._create_upsell(
            "test:finite",
            "over_quota",
            "Upsell",
            cls.customer,
            cls.contract,
            cls.ticket,
        )
        cls.invoice_line = cls.ticket.invoice_line_ids
        cls.env.user.email = "support@example.com"
        cls.nps_campaign = cls.env["helpdesk.nps.campaign"].create(
            {"name": "NPS", "partner_domain": repr([("id", "=", cls.customer.id)])}
        )
        cls.nps_campaign.action_send()
        # the records swept, per model; other models take any record
        cls.records = {
            "helpdesk.ticket": cls.ticket,
            "helpdesk.support.plan": cls.plan,
            "contract.contract": cls.contract,
            "contract.line": cls.contract.contract_line_ids[:1],
            "res.company": cls.company,
            "res.partner": cls.customer,
            "crm.lead": cls.lead,
            "account.move": cls.invoice_line.move_id,
            "account.move.line": cls.invoice_line,
            "helpdesk.ticket.stage": cls.stage_done,
            "helpdesk.ticket.team": cls.team,
            "helpdesk.nps.campaign": cls.nps_campaign,
            "survey.user_input": cls.nps_campaign.user_input_ids,
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
        """Write value by SQL in every stored float column of each model's record."""
        for model_name in models:
            Model = self.env[model_name]
            if not Model._auto:
                continue  # a SQL report reads the tables swept here
            record = self.records.get(model_name) or Model.search([], limit=1)
            self.assertTrue(record, f"the sweep needs a record of {model_name}")
            for name, field in Model._fields.items():
                if field.type not in NUMBERS or not field.store:
                    continue
                if field.company_dependent or not field.column_type:
                    continue
                try:
                    with self.env.cr.savepoint():
                        self.env.cr.execute(
                            SQL(
                                "UPDATE %s SET %s = %s WHERE id = %s",
                                SQL.identifier(Model._table),
                                SQL.identifier(name),
                                value,
                                record.id,
                            ),
                            log_exceptions=False,
                        )
                except psycopg2.errors.CheckViolation:
                    continue  # the database itself refuses it (debit >= 0)
        self.env.invalidate_all()

    def test_sweep_every_number_served_is_finite(self):
        models = self._addon_models()
        self.assertIn("helpdesk.support.plan", models)
        self.assertIn("helpdesk.ticket", models)
        others = set()
        for value in NON_FINITE:
            self._store_everywhere(models, value)
            for model_name, names in models.items():
                Model = self.env[model_name]
                record = self.records.get(model_name) or Model.search([], limit=1)
                with self.subTest(model=model_name, stored=value):
                    bad = non_finite(record.read(names), "read")
                    result = record.web_read({name: {} for name in names})
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
        _logger.info("Non-finite numbers served by other modules: %s", sorted(others))

    def test_nan_ticket_leaves_the_plan_readable(self):
        """The reported case: the plan counts the other tickets' hours."""
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET support_hours = 'NaN' WHERE id = %s",
                self.ticket.id,
            )
        )
        self.env.invalidate_all()
        with self.subTest("plan"):
            result = self.plan.web_read(
                {"hours_used": {}, "hours_remaining": {}, "hour_quota": {}}
            )
            json.dumps(result, allow_nan=False)
            self.assertEqual(result[0]["hours_used"], 0.5)
        self.assertEqual(self.ticket.support_hours, 0.0)
        self.assertEqual(self.other_ticket.hours_remaining, 0.5)
        self.assertEqual(self.contract.support_hours_used, 0.5)
