# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SLA per priority, the clock paused while waiting on the customer, and
the warning before a breach (issue 18)."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.numeric_guard import MAX_HOURS
from ..models.sla_clock import add_working_hours, working_hours_between
from .common import SupportCommon

# 2026-03-16 is a Monday; the calendar works 8-12 and 13-17 UTC.
MONDAY = "2026-03-16"


def at(day, hour, minute=0):
    return datetime.fromisoformat(f"{day} {hour:02d}:{minute:02d}:00")


@tagged("post_install", "-at_install")
class TestSlaClock(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._support_calendar()
        cls.team.resource_calendar_id = cls.calendar
        cls.stage_awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_awaiting.sla_pause = True
        cls.agent = new_test_user(
            cls.env, login="sla_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.leader = new_test_user(
            cls.env, login="sla_leader", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        cls.team.write({"user_ids": [Command.set((cls.agent | cls.leader).ids)]})
        cls.team.user_id = cls.leader
        cls.company.helpdesk_sla_warning_hours = 1

    def _activities(self, tickets):
        return self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "in", tickets.ids)]
        )

    def test_clock_arithmetic(self):
        """The engine, on hand-computed intervals."""
        day = [(at(MONDAY, 8), at(MONDAY, 12)), (at(MONDAY, 13), at(MONDAY, 17))]
        self.assertEqual(add_working_hours(day, at(MONDAY, 7), 4), at(MONDAY, 12))
        self.assertEqual(add_working_hours(day, at(MONDAY, 11), 2), at(MONDAY, 14))
        self.assertEqual(add_working_hours(day, at(MONDAY, 9), 0), at(MONDAY, 9))
        self.assertIsNone(add_working_hours(day, at(MONDAY, 9), 8))
        self.assertEqual(
            working_hours_between(day, at(MONDAY, 11), at(MONDAY, 14, 30)), 2.5
        )
        self.assertEqual(working_hours_between(day, at(MONDAY, 14), at(MONDAY, 9)), 0)

    @freeze_time(f"{MONDAY} 08:00:00")
    def test_deadlines_per_priority(self):
        self.plan.write(
            {
                "response_hours_urgent": 1.0,
                "resolution_hours_urgent": 4.0,
                "resolution_hours_low": 16.0,
            }
        )
        urgent = self._ticket(priority="3")
        self.assertEqual(urgent.sla_response_deadline, at(MONDAY, 9))
        self.assertEqual(urgent.sla_resolution_deadline, at(MONDAY, 12))
        high = self._ticket(priority="2")  # no hours of its own: the tier's
        self.assertEqual(high.sla_response_deadline, at(MONDAY, 10))
        self.assertEqual(high.sla_resolution_deadline, at(MONDAY, 17))
        low = self._ticket(priority="0")
        self.assertEqual(low.sla_response_deadline, at(MONDAY, 10))
        self.assertEqual(low.sla_resolution_deadline, at("2026-03-17", 17))
        high.priority = "3"
        self.assertEqual(high.sla_response_deadline, at(MONDAY, 9))
        self.assertEqual(high.sla_resolution_deadline, at(MONDAY, 12))

    def test_pause_pushes_the_resolution(self):
        """Waiting on the customer from Monday 11:00 to Tuesday 10:00 is 7
        working hours (lunch and night excluded): the resolution deadline
        moves by 7 hours, the missed response stays missed."""
        with freeze_time(f"{MONDAY} 08:00:00"):
            ticket = self._ticket()
        self.assertEqual(ticket.sla_resolution_deadline, at(MONDAY, 17))
        with freeze_time(f"{MONDAY} 11:00:00"):
            ticket.stage_id = self.stage_awaiting
            self.assertEqual(ticket.sla_pause_start, at(MONDAY, 11))
        with freeze_time("2026-03-17 09:00:00"):
            # past the unpaused deadline, but the clock is stopped
            self.env["helpdesk.ticket"]._cron_check_sla()
            self.assertFalse(ticket.sla_resolution_breached)
        with freeze_time("2026-03-17 10:00:00"):
            ticket.stage_id = self.stage_progress
            self.assertFalse(ticket.sla_pause_start)
            self.assertEqual(ticket.sla_paused_hours, 7.0)
            self.assertEqual(ticket.sla_response_deadline, at(MONDAY, 10))
            self.assertEqual(ticket.sla_resolution_deadline, at("2026-03-17", 16))
        with freeze_time("2026-03-17 15:00:00"):
            ticket.stage_id = self.stage_done
        self.assertTrue(ticket.sla_response_breached)  # answered at 11:00
        self.assertFalse(ticket.sla_resolution_breached)
        self.assertEqual(ticket.sla_breach_count, 1)

    def test_close_from_a_pause_and_clock_hours(self):
        """Closing from a pausing stage counts the pause first; without any
        calendar the pause counts clock hours."""
        self.team.resource_calendar_id = False
        self.company.resource_calendar_id = False
        with freeze_time(f"{MONDAY} 08:00:00"):
            ticket = self._ticket()
        self.assertEqual(ticket.sla_resolution_deadline, at(MONDAY, 16))
        with freeze_time(f"{MONDAY} 09:00:00"):
            ticket.stage_id = self.stage_awaiting
        with freeze_time(f"{MONDAY} 20:00:00"):
            ticket.stage_id = self.stage_done
        self.assertEqual(ticket.sla_paused_hours, 11.0)
        self.assertEqual(ticket.sla_resolution_deadline, at("2026-03-17", 3))
        self.assertFalse(ticket.sla_resolution_breached)

    def test_pause_of_years_is_capped(self):
        """Paused hours stop at the numeric guard's bound instead of
        blocking the move that ends the pause."""
        self.team.resource_calendar_id = False
        self.company.resource_calendar_id = False
        with freeze_time(f"{MONDAY} 08:00:00"):
            ticket = self._ticket(stage_id=self.stage_awaiting.id)
        with freeze_time("2029-03-16 08:00:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.sla_paused_hours, MAX_HOURS)

    def test_created_in_a_pausing_stage(self):
        with freeze_time(f"{MONDAY} 08:00:00"):
            ticket = self._ticket(stage_id=self.stage_awaiting.id)
        self.assertEqual(ticket.sla_pause_start, at(MONDAY, 8))
        with freeze_time(f"{MONDAY} 10:30:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.sla_paused_hours, 2.5)

    def test_warning_once_per_deadline(self):
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(f"{MONDAY} 08:00:00"):
            assigned = self._ticket(user_id=self.agent.id)
            unassigned = self._ticket(user_id=False)
        tickets = assigned | unassigned
        with freeze_time(f"{MONDAY} 08:30:00"):
            Ticket._cron_sla_warning()  # response due 10:00, lead time 1 h
            self.assertFalse(self._activities(tickets))
        with freeze_time(f"{MONDAY} 09:15:00"):
            Ticket._cron_sla_warning()
            Ticket._cron_sla_warning()
        activities = self._activities(tickets)
        self.assertEqual(len(activities), 2)
        self.assertEqual(
            {(a.res_id, a.user_id) for a in activities},
            {(assigned.id, self.agent), (unassigned.id, self.leader)},
        )
        self.assertEqual(set(activities.mapped("summary")), {"SLA: response due soon"})
        self.assertEqual(assigned.sla_response_warned, at(MONDAY, 10))
        with freeze_time(f"{MONDAY} 09:20:00"):
            tickets.stage_id = self.stage_progress  # answered
        with freeze_time(f"{MONDAY} 16:30:00"):
            Ticket._cron_sla_warning()
            self.assertEqual(len(self._activities(tickets)), 4)
            assigned.stage_id = self.stage_awaiting
        with freeze_time("2026-03-17 08:00:00"):
            # 30 working minutes paused: a new deadline, Tuesday 8:30
            assigned.stage_id = self.stage_progress
            self.assertEqual(assigned.sla_resolution_deadline, at("2026-03-17", 8, 30))
            Ticket._cron_sla_warning()
            self.assertEqual(len(self._activities(tickets)), 5)
        self.company.helpdesk_sla_warning_hours = 0
        with freeze_time("2026-03-17 08:10:00"):
            unassigned.stage_id = self.stage_awaiting
            unassigned.stage_id = self.stage_progress
            Ticket._cron_sla_warning()
        self.assertEqual(len(self._activities(tickets)), 5)

    def _query_count(self, func):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_set_based(self):
        """Warnings and pause accounting cost the same queries for 2 or 8
        tickets."""
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(f"{MONDAY} 08:00:00"):
            Ticket._cron_sla_warning()  # warm the caches
            small = Ticket.concat(*(self._ticket(user_id=self.agent.id) for _i in "ab"))
        with freeze_time(f"{MONDAY} 09:15:00"):
            expected = self._query_count(Ticket._cron_sla_warning)
            self.assertEqual(len(self._activities(small)), 2)
        with freeze_time(f"{MONDAY} 08:00:00"):
            large = Ticket.concat(
                *(self._ticket(user_id=self.agent.id) for _i in "abcdefgh")
            )
        with freeze_time(f"{MONDAY} 09:15:00"), self.assertQueryCount(expected):
            Ticket._cron_sla_warning()
        self.assertEqual(len(self._activities(large)), 8)
        with freeze_time(f"{MONDAY} 09:30:00"):
            (small | large).stage_id = self.stage_awaiting
        with freeze_time(f"{MONDAY} 11:00:00"):
            small.invalidate_recordset()
            expected = self._query_count(
                lambda: small._sla_track_pause(self.stage_progress)
            )
            large.invalidate_recordset()
            with self.assertQueryCount(expected):
                large._sla_track_pause(self.stage_progress)
        self.assertEqual(set((small | large).mapped("sla_paused_hours")), {1.5})

    # ------------------------------------------------------------------
    # Who may do what
    # ------------------------------------------------------------------

    @freeze_time(f"{MONDAY} 08:00:00")
    def test_support_user_moves_but_never_sets_the_clock(self):
        """The weakest helpdesk role, through the API: it pauses its own
        tickets by moving them, and cannot write the clock, the warnings,
        the breaches, the pausing flag of a stage nor the plan's hours."""
        own_user = new_test_user(
            self.env, login="sla_own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        ticket = self._ticket(user_id=own_user.id)
        other = self._ticket()
        as_user = ticket.with_user(own_user)
        as_user.write({"stage_id": self.stage_awaiting.id})
        self.assertEqual(ticket.sla_pause_start, at(MONDAY, 8))
        for name, value in (
            ("sla_paused_hours", 0.0),
            ("sla_pause_start", False),
            ("sla_response_warned", at(MONDAY, 10)),
            ("sla_resolution_warned", at(MONDAY, 10)),
            ("sla_response_breached", False),
            ("sla_resolution_breached", True),
        ):
            with self.subTest(field=name), self.assertRaises(UserError):
                as_user.write({name: value})
        with self.assertRaises(UserError):
            self.env["helpdesk.ticket"].with_user(own_user).with_context(
                default_sla_paused_hours=-100.0
            ).create({"name": "x", "description": "<p>x</p>"})
        with self.assertRaises(AccessError):
            other.with_user(own_user).write({"stage_id": self.stage_awaiting.id})
        self.assertFalse(other.sla_pause_start)
        with self.assertRaises(AccessError):
            self.stage_progress.with_user(own_user).write({"sla_pause": True})
        with self.assertRaises(AccessError):
            self.plan.with_user(own_user).write({"resolution_hours_urgent": 999.0})
        self.assertEqual(ticket.sla_paused_hours, 0.0)

    @freeze_time(f"{MONDAY} 08:00:00")
    def test_managers(self):
        """The helpdesk manager flags the pausing stages; the support plan
        manager sets the hours per priority; neither sets the clock."""
        self.stage_progress.with_user(self.leader).write({"sla_pause": False})
        with self.assertRaises(AccessError):
            self.plan.with_user(self.leader).write({"response_hours_urgent": 1.0})
        plan_manager = new_test_user(
            self.env,
            login="sla_plan_manager",
            groups="crm_helpdesk_link.group_support_plan_manager",
        )
        self.plan.with_user(plan_manager).write({"response_hours_urgent": 1.0})
        self.assertEqual(
            self._ticket(priority="3").sla_response_deadline, at(MONDAY, 9)
        )
        ticket = self._ticket()
        with self.assertRaises(UserError):
            ticket.with_user(self.leader).write({"sla_paused_hours": 5.0})

    def test_other_company_ticket_keeps_its_clock(self):
        company_b = self.env["res.company"].create({"name": "SLA B"})
        ticket_b = (
            self.env["helpdesk.ticket"]
            .with_company(company_b)
            .create(
                {
                    "name": "B ticket",
                    "description": "<p>b</p>",
                    "company_id": company_b.id,
                }
            )
        )
        user_a = new_test_user(
            self.env,
            login="sla_user_a",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            ticket_b.with_user(user_a).write({"stage_id": self.stage_awaiting.id})
        self.assertFalse(ticket_b.sla_pause_start)
