# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSla(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._support_calendar()
        cls.team.resource_calendar_id = cls.calendar

    @freeze_time("2026-03-13 16:00:00")  # a Friday, one working hour left
    def test_deadlines_in_team_calendar(self):
        ticket = self._ticket()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 16, 9, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 16, 16, 0))

    @freeze_time("2026-03-13 16:00:00")
    def test_deadlines_without_calendar(self):
        """No team nor company calendar: plain clock hours, no crash."""
        self.team.resource_calendar_id = False
        self.company.resource_calendar_id = False
        ticket = self._ticket()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 13, 18, 0))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 14, 0, 0))

    @freeze_time("2026-03-13 16:00:00")
    def test_no_sla_when_not_covered(self):
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertFalse(ticket.sla_response_deadline)
        self.assertFalse(ticket.sla_resolution_deadline)

    def test_breach_flags(self):
        with freeze_time("2026-03-16 08:00:00"):
            on_time = self._ticket()
            late = self._ticket()
        with freeze_time("2026-03-16 09:00:00"):
            on_time.message_post(
                body="We are on it",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.assertEqual(on_time.first_response_date, datetime(2026, 3, 16, 9, 0))
        with freeze_time("2026-03-16 11:00:00"):
            self.env["helpdesk.ticket"]._cron_check_sla(batch_size=1)
            self.assertFalse(on_time.sla_response_breached)
            self.assertTrue(late.sla_response_breached)
            self.assertEqual(late.sla_breach_count, 1)
            on_time.stage_id = self.stage_done
            self.assertFalse(on_time.sla_resolution_breached)
        with freeze_time("2026-03-17 12:00:00"):
            late.stage_id = self.stage_done
            self.assertTrue(late.sla_resolution_breached)
            self.assertEqual(late.sla_breach_count, 2)
        self.assertEqual(self.contract.support_sla_breach_count, 0)  # other period
        with freeze_time("2026-03-20 12:00:00"):
            self.contract.invalidate_recordset()
            self.assertEqual(self.contract.support_sla_breach_count, 2)
            self.assertEqual(self.contract.support_health, "critical")
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.support_health, "critical")

    @freeze_time("2026-03-13 16:00:00")
    def test_helpdesk_mgmt_sla_installed(self):
        """helpdesk_mgmt_sla answers the SLA question: no second answer."""
        Ticket = type(self.env["helpdesk.ticket"])
        with patch.object(Ticket, "_sla_module_installed", return_value=True):
            ticket = self._ticket()
            self.assertFalse(ticket.sla_response_deadline)
            self.assertFalse(ticket.sla_resolution_deadline)
        self.assertFalse(ticket._sla_module_installed())
