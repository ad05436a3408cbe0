# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The numeric guard: every number a user sets on the addon's records."""

import math

from freezegun import freeze_time

from odoo import models
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..models.numeric_guard import INT4_MAX, MAX_HOURS, server_only_fields_given
from .common import SupportCommon

MODULE = "crm_helpdesk_link"
NAN, INF = float("nan"), float("inf")


def same(a, b):
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


@tagged("post_install", "-at_install")
class TestNumericGuard(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.helpdesk_user = new_test_user(
            cls.env, login="hd_numbers", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.team.user_ids = cls.helpdesk_user
        cls.admin_user = new_test_user(
            cls.env, login="admin_numbers", groups="base.group_system"
        )

    def _numbers_of_the_addon(self):
        """(model, field) of every number users set on the addon's models and
        on the fields it adds to others, read from the registry on its own
        (not from the guard), so a field the guard missed shows up here."""
        found = []
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract or Model._transient:
                continue
            if not Model._auto:
                continue  # a read-only SQL report over the swept tables
            own = Model._original_module == MODULE
            for name, field in Model._fields.items():
                if field.type not in ("integer", "float", "monetary"):
                    continue
                if not field.store or name in models.MAGIC_COLUMNS:
                    continue
                if field.compute and field.readonly:
                    continue
                if own or field._module == MODULE:
                    found.append((model_name, name))
        return found

    def _records(self):
        return {
            "helpdesk.ticket": self._ticket(),
            "helpdesk.support.plan": self.plan,
            "res.company": self.company,
        }

    def test_sweep_every_number_of_the_addon(self):
        """NaN, infinities, -1, 2**31 and 1e12 on every guarded field: a
        ValidationError, and the value stays as it was."""
        records = self._records()
        numbers = self._numbers_of_the_addon()
        names = {f"{m}.{f}" for m, f in numbers}
        for expected in (
            "helpdesk.ticket.support_hours",
            "helpdesk.support.plan.ticket_quota",
            "helpdesk.support.plan.hour_quota",
            "helpdesk.support.plan.hourly_rate",
            "res.company.helpdesk_upsell_over_quota",
            "res.company.helpdesk_upsell_expiry_days",
            "res.company.helpdesk_hourly_rate",
            # issue 18: SLA per priority, the paused clock, the warning lead
            "helpdesk.support.plan.response_hours_urgent",
            "helpdesk.support.plan.resolution_hours_low",
            "helpdesk.ticket.sla_paused_hours",
            "res.company.helpdesk_sla_warning_hours",
        ):
            self.assertIn(expected, names)
        checked = 0
        for model_name, name in numbers:
            with self.subTest(field=f"{model_name}.{name}"):
                self.assertIn(model_name, records, "no record to sweep")
                record = records[model_name]
                bounds = record._numeric_guard_bounds()
                self.assertIn(name, bounds, "not covered by the numeric guard")
                low, high = bounds[name]
                is_int = record._fields[name].type == "integer"
                bad = [NAN, INF, -INF, 1e12, high + 1]
                if is_int:
                    bad += [2**31, -(2**31) - 1]
                if low >= 0:
                    bad.append(-1)
                for value in bad:
                    before = record[name]
                    with self.assertRaises(ValidationError, msg=repr(value)):
                        record.write({name: value})
                    record.invalidate_recordset()
                    self.assertTrue(same(record[name], before), repr(value))
                    checked += 1
                # the bounds themselves are accepted
                record.write({name: high})
                record.write({name: max(low, 0)})
        self.assertGreaterEqual(checked, 60)

    def test_server_only_fields_guard(self):
        """The one guard of the fields only the server sets (partner NPS,
        survey answer NPS): the names a client sends, none for superuser."""
        env = self.env(user=self.helpdesk_user)
        names = ("nps_category", "nps_date")
        vals_list = [{"name": "x", "nps_date": False}, {"nps_category": "promoter"}]
        self.assertEqual(
            server_only_fields_given(env, vals_list, names),
            ["nps_category", "nps_date"],
        )
        self.assertEqual(server_only_fields_given(env, [{"name": "x"}], names), [])
        self.assertEqual(server_only_fields_given(env(su=True), vals_list, names), [])

    def test_create_refuses_before_the_insert(self):
        """Out of int4 on create: a ValidationError, not a database error."""
        Plan = self.env["helpdesk.support.plan"]
        for vals in ({"ticket_quota": 2**31}, {"hour_quota": NAN}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                Plan.create(dict(vals, name="Huge", contract_id=self.contract.id))
        with self.assertRaises(ValidationError):
            self._ticket(sequence=2**31)
        with self.assertRaises(ValidationError):
            self._ticket(support_hours="nan")

    @freeze_time("2026-03-10 10:00:00")
    def test_support_hours_range(self):
        """Issue 16 item 12, as the helpdesk user who logs the hours."""
        ticket = self._ticket(user_id=self.helpdesk_user.id).with_user(
            self.helpdesk_user
        )
        ticket.support_hours = 2.5
        for value in (NAN, INF, -INF, -1.0, 1e12, MAX_HOURS + 0.5, "nan", "inf"):
            with self.subTest(value=value):
                with self.assertRaises(ValidationError) as err:
                    ticket.write({"support_hours": value})
                self.assertIn("Hours Spent", str(err.exception))
                ticket.invalidate_recordset()
                self.assertEqual(ticket.support_hours, 2.5)
        ticket.support_hours = MAX_HOURS
        self.assertEqual(ticket.support_hours, MAX_HOURS)
        with self.assertRaises(ValidationError):
            self.env["helpdesk.ticket"].with_user(self.helpdesk_user).create(
                {
                    "name": "NaN hours",
                    "description": "<p>x</p>",
                    "support_hours": NAN,
                }
            )
        # the plan's totals stay numbers
        self.assertEqual(self.plan.hours_used, MAX_HOURS)

    def test_integers_beyond_int4(self):
        """Issue 16 item 13: 2**31 and negative settings, as an admin user."""
        Settings = self.env["res.config.settings"].with_user(self.admin_user)
        for name in (
            "helpdesk_upsell_over_quota",
            "helpdesk_upsell_uncovered",
            "helpdesk_upsell_expiry_days",
        ):
            for value in (2**31, -1):
                with self.subTest(field=name, value=value):
                    before = self.company[name]
                    with self.assertRaises(ValidationError):
                        Settings.create({name: value}).execute()
                    self.company.invalidate_recordset()
                    self.assertEqual(self.company[name], before)
        with self.assertRaises(ValidationError):
            Settings.create({"helpdesk_upsell_expiry_days": 3651}).execute()
        for value in (2**31, -1, 8761):
            with self.subTest(field="helpdesk_sla_warning_hours", value=value):
                with self.assertRaises(ValidationError):
                    Settings.create({"helpdesk_sla_warning_hours": value}).execute()
        Settings.create({"helpdesk_sla_warning_hours": 8760}).execute()
        self.assertEqual(self.company.helpdesk_sla_warning_hours, 8760)
        Settings.create({"helpdesk_upsell_over_quota": INT4_MAX}).execute()
        self.assertEqual(self.company.helpdesk_upsell_over_quota, INT4_MAX)
        # the integers of the ticket (helpdesk_mgmt's own) fail clearly too,
        # and keep accepting what they accepted (negative colours included)
        ticket = self._ticket(user_id=self.helpdesk_user.id).with_user(
            self.helpdesk_user
        )
        for name in ("sequence", "color"):
            with self.subTest(field=name):
                with self.assertRaises(ValidationError):
                    ticket.write({name: 2**31})
                ticket.write({name: -5})
                self.assertEqual(ticket[name], -5)
        with self.assertRaises(ValidationError):
            self.plan.write({"ticket_quota": 2**31})
