# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestCoverage(SupportCommon):
    def test_plan_dates_follow_contract(self):
        self.assertEqual(self.plan.date_start, date(2026, 1, 1))
        self.assertEqual(self.plan.date_end, date(2026, 12, 31))
        self.assertEqual(self.plan.partner_id, self.customer)

    def test_negative_quota(self):
        for field in ("ticket_quota", "hour_quota", "response_hours", "hourly_rate"):
            with self.subTest(field=field):
                with self.assertRaises(ValidationError) as err:
                    self.plan.write({field: -1})
                self.assertIn(
                    "is not allowed; enter a number from 0", str(err.exception)
                )
                self.plan.invalidate_recordset()
                self.assertGreaterEqual(self.plan[field], 0)

    def test_quota_beyond_integer(self):
        """A quota PostgreSQL cannot store is refused before it is written."""
        quota = self.plan.ticket_quota
        with self.assertRaises(ValidationError) as err:
            self.plan.write({"ticket_quota": 2**31})
        self.assertIn("to 2147483647", str(err.exception))
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.ticket_quota, quota)
        self.plan.ticket_quota = 2**31 - 1
        self.env.flush_all()
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.ticket_quota, 2**31 - 1)

    def test_contract_ends_before_start(self):
        with self.assertRaises(ValidationError) as err:
            self.contract.write({"date_end": date(2025, 6, 1)})
        self.assertIn("before it starts", str(err.exception))
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.date_end, date(2026, 12, 31))

    def test_contract_without_plan_terminated_before_it_starts(self):
        """OCA accepts an end date before the start (a termination, see its
        test_cron_skips_a_company_with_nothing_left_to_invoice): without a
        support plan, so do we."""
        other = self._create_contract("No plan", date(2026, 1, 1), date(2026, 12, 31))
        other.write({"date_end": date(2015, 1, 1)})
        self.assertEqual(other.date_end, date(2015, 1, 1))
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.env["helpdesk.support.plan"].create(
                {"name": "Too late", "contract_id": other.id}
            )

    def test_contract_level_recurrence_ends_before_start(self):
        contract = self.env["contract.contract"].create(
            {
                "name": "Contract-level",
                "partner_id": self.customer.id,
                "line_recurrence": False,
                "recurring_rule_type": "monthly",
                "date_start": date(2026, 1, 1),
            }
        )
        self.env["helpdesk.support.plan"].create(
            {"name": "Contract-level plan", "contract_id": contract.id}
        )
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            contract.date_end = date(2025, 12, 31)

    def _backdated_contract(self):
        """Line-level recurrence, as OCA's form makes it: the contract's own
        start date is hidden and left at its default, today."""
        return self.env["contract.contract"].create(
            {
                "name": "Backdated",
                "partner_id": self.customer.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": self.service.id,
                            "name": "Old support",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "recurring_rule_type": "monthly",
                            "recurring_invoicing_type": "post-paid",
                            "date_start": date(2018, 1, 1),
                            "date_end": date(2018, 3, 15),
                            "recurring_next_date": date(2018, 2, 1),
                        }
                    )
                ],
            }
        )

    @freeze_time("2026-03-10 10:00:00")
    def test_backdated_line_recurrence_contract(self):
        """Issue 15 item 3: backdated contracts and ended lines are accepted,
        invoiced to their end, and their plans get the lines' dates."""
        contract = self._backdated_contract()
        self.assertEqual(contract.date_start, date(2026, 3, 10))  # OCA's default
        self.assertEqual(contract.date_end, date(2018, 3, 15))
        plan = self.env["helpdesk.support.plan"].create(
            {"name": "Old plan", "contract_id": contract.id}
        )
        self.assertEqual(plan.date_start, date(2018, 1, 1))
        self.assertEqual(plan.date_end, date(2018, 3, 15))
        line = contract.contract_line_ids
        for _i in range(3):
            contract.recurring_create_invoice()
        self.assertEqual(line.last_date_invoiced, date(2018, 3, 15))
        self.assertFalse(line.recurring_next_date)
        self.assertEqual(len(contract._get_related_invoices()), 3)

    @freeze_time("2026-03-10 10:00:00")
    def test_contract_invoicing_cron_with_backdated_contract(self):
        contract = self._backdated_contract()
        self.env["contract.contract"].cron_recurring_create_invoice()
        self.assertTrue(contract._get_related_invoices())
        self.assertFalse(contract.invoice_generation_error)

    def test_contract_line_of_other_contract(self):
        other = self._create_contract("Other", date(2026, 1, 1), date(2026, 6, 30))
        with self.assertRaisesRegex(ValidationError, "must belong"):
            self.plan.contract_line_id = other.contract_line_ids

    @freeze_time("2026-03-10 10:00:00")
    def test_match_on_create(self):
        ticket = self._ticket()
        self.assertEqual(ticket.support_plan_id, self.plan)
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.coverage_state, "covered")
        self.assertEqual(ticket.coverage_date, date(2026, 3, 10))
        self.assertEqual(ticket.tickets_remaining, 1)
        self.assertEqual(ticket.hours_remaining, 4.0)
        self.assertFalse(ticket.coverage_note)

    @freeze_time("2026-03-10 10:00:00")
    def test_match_from_email(self):
        ticket = self.env["helpdesk.ticket"].message_new(
            {
                "subject": "Help by mail",
                "body": "<p>Broken</p>",
                "from": "ann@acme.test",
                "author_id": self.contact.id,
            }
        )
        self.assertEqual(ticket.support_plan_id, self.plan)
        self.assertEqual(ticket.coverage_state, "covered")

    @freeze_time("2026-03-10 10:00:00")
    def test_match_from_form(self):
        with Form(self.env["helpdesk.ticket"]) as form:
            form.name = "Form ticket"
            form.description = "<p>x</p>"
            form.partner_id = self.contact
            self.assertEqual(form.support_plan_id, self.plan)
        self.assertEqual(form.record.coverage_state, "covered")

    @freeze_time("2026-03-10 10:00:00")
    def test_not_covered(self):
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertFalse(ticket.support_plan_id)
        self.assertEqual(ticket.coverage_state, "not_covered")
        self.assertEqual(ticket.tickets_remaining, 0)

    @freeze_time("2026-03-10 10:00:00")
    def test_product_coverage(self):
        self.plan.product_categ_ids = self.categ_hw
        printer = self._ticket(product_id=self.printer.id)
        self.assertEqual(printer.coverage_state, "covered")
        laptop = self._ticket(product_id=self.laptop.id)
        self.assertFalse(laptop.support_plan_id)
        self.assertEqual(laptop.coverage_state, "not_covered")

    @freeze_time("2027-02-01 10:00:00")
    def test_expired(self):
        ticket = self._ticket()
        self.assertEqual(ticket.support_plan_id, self.plan)
        self.assertEqual(ticket.coverage_state, "expired")
        self.assertFalse(ticket.sla_resolution_deadline)

    def test_quota_across_period_boundary(self):
        with freeze_time("2026-03-31 22:00:00"):
            first = self._ticket()
            second = self._ticket()
            third = self._ticket()
            self.assertEqual(first.coverage_state, "covered")
            self.assertEqual(second.coverage_state, "covered")
            self.assertEqual(third.coverage_state, "over_quota")
            self.assertEqual(first.tickets_remaining, 0)
        with freeze_time("2026-04-01 08:00:00"):
            fourth = self._ticket()
            self.assertEqual(fourth.coverage_date, date(2026, 4, 1))
            self.assertEqual(fourth.coverage_state, "covered")
            fourth.invalidate_recordset(["tickets_remaining"])
            self.assertEqual(fourth.tickets_remaining, 1)
            self.assertEqual(
                self.plan._get_period(date(2026, 4, 1)),
                (date(2026, 4, 1), date(2026, 4, 30)),
            )

    def test_hour_quota(self):
        with freeze_time("2026-05-05 10:00:00"):
            self.plan.ticket_quota = 0
            self._ticket(support_hours=4.0)
            ticket = self._ticket()
            self.assertEqual(ticket.coverage_state, "over_quota")
            self.assertEqual(ticket.hours_remaining, 0.0)
        with freeze_time("2026-06-01 10:00:00"):
            self.assertEqual(self._ticket().coverage_state, "covered")

    def test_quarter_period_from_start_day(self):
        self.plan.period_type = "quarter"
        contract = self._create_contract("Mid", date(2026, 1, 15), False)
        plan = self.plan.copy({"contract_id": contract.id})
        self.assertEqual(
            plan._get_period(date(2026, 4, 14)), (date(2026, 1, 15), date(2026, 4, 14))
        )
        self.assertEqual(
            plan._get_period(date(2026, 4, 15)), (date(2026, 4, 15), date(2026, 7, 14))
        )
        self.assertEqual(plan._get_period(date(2026, 1, 1)), (False, False))

    @freeze_time("2026-03-10 10:00:00")
    def test_overlapping_contracts_winner(self):
        silver = self._create_contract("Silver", date(2026, 2, 1), date(2026, 12, 31))
        plan_silver = self.plan.copy({"name": "Silver", "contract_id": silver.id})
        # Same rank (all products): the latest start date wins.
        ticket = self._ticket()
        self.assertEqual(ticket.support_plan_id, plan_silver)
        self.assertIn("wins", ticket.coverage_note)
        self.assertIn("Silver", ticket.coverage_note)
        draft = self.env["helpdesk.ticket"].new(
            {"partner_id": self.contact.id, "name": "x", "description": "x"}
        )
        warning = draft._onchange_coverage_overlap()["warning"]
        self.assertIn("Silver", warning["message"])
        # A plan naming the product beats both.
        printers = self._create_contract(
            "Printers", date(2026, 1, 1), date(2026, 12, 31)
        )
        plan_printers = self.plan.copy(
            {
                "name": "Printers",
                "contract_id": printers.id,
                "product_ids": [(6, 0, self.printer.ids)],
            }
        )
        ticket = self._ticket(product_id=self.printer.id)
        self.assertEqual(ticket.support_plan_id, plan_printers)
        # Deterministic: the same input gives the same winner.
        again = self._ticket(product_id=self.printer.id)
        self.assertEqual(again.support_plan_id, plan_printers)

    @freeze_time("2026-03-10 10:00:00")
    def test_user_changes_plan(self):
        silver = self._create_contract("Silver", date(2026, 2, 1), date(2026, 12, 31))
        plan_silver = self.plan.copy({"name": "Silver", "contract_id": silver.id})
        ticket = self._ticket(support_plan_id=self.plan.id)
        self.assertEqual(ticket.support_plan_id, self.plan)
        ticket.support_plan_id = plan_silver
        self.assertEqual(ticket.contract_id, silver)
        foreign = self._create_contract(
            "Globex", date(2026, 1, 1), False, partner=self.other_customer
        )
        plan_foreign = self.plan.copy({"contract_id": foreign.id})
        with self.assertRaisesRegex(ValidationError, "another customer"):
            ticket.support_plan_id = plan_foreign

    @freeze_time("2026-03-10 10:00:00")
    def test_archived_contract_not_matched(self):
        self.contract.active = False
        ticket = self._ticket()
        self.assertFalse(ticket.support_plan_id)
        self.assertEqual(ticket.coverage_state, "not_covered")

    def test_plan_on_contract_line(self):
        contract = self._create_contract("Lines", date(2026, 1, 1), date(2026, 12, 31))
        line = contract.contract_line_ids
        line.date_end = date(2026, 6, 30)
        plan = self.plan.copy({"contract_id": contract.id, "contract_line_id": line.id})
        self.assertEqual(plan.date_start, date(2026, 1, 1))
        self.assertEqual(plan.date_end, date(2026, 6, 30))

    def test_coverage_is_set_based(self):
        """Matching and coverage cost the same queries for 3 or 30 tickets."""
        with freeze_time("2026-03-10 10:00:00"):
            self.plan.ticket_quota = 10
            Ticket = self.env["helpdesk.ticket"]
            tickets = Ticket.create(
                [
                    {
                        "name": f"Batch {i}",
                        "description": "<p>x</p>",
                        "partner_id": self.contact.id,
                    }
                    for i in range(30)
                ]
            )
            states = tickets.mapped("coverage_state")
            self.assertEqual(states.count("covered"), 10)
            self.assertEqual(states.count("over_quota"), 20)

            def queries(records):
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.env.cr.sql_log_count
                records._compute_support_plan_id()
                records._compute_coverage_state()
                return self.env.cr.sql_log_count - start

            small = queries(tickets[:3])
            self.assertEqual(queries(tickets), small)
            self.env.invalidate_all()
            self.assertEqual(tickets.mapped("coverage_state"), states)

    def test_usage_is_set_based(self):
        """Plan usage and tickets left cost the same queries for 1 or 4 plans."""
        with freeze_time("2026-03-10 10:00:00"):
            plans = self.plan
            for i in range(3):
                contract = self._create_contract(
                    f"Extra {i}", date(2026, 1, 1), date(2026, 12, 31)
                )
                plans |= self.plan.copy({"contract_id": contract.id})
            tickets = self.env["helpdesk.ticket"]
            for i, plan in enumerate(plans):
                for _n in range(i + 1):
                    tickets |= self._ticket(support_plan_id=plan.id, support_hours=1.0)
            self.assertEqual(plans.mapped("tickets_used"), [1, 2, 3, 4])
            self.assertEqual(plans.mapped("hours_used"), [1.0, 2.0, 3.0, 4.0])
            self.assertEqual(plans.mapped("tickets_remaining"), [1, 0, 0, 0])
            self.assertEqual(plans.mapped("hours_remaining"), [3.0, 2.0, 1.0, 0.0])
            self.assertEqual(
                tickets.mapped("tickets_remaining"), [1] + [0] * 9, tickets
            )

            def queries(records, method):
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.env.cr.sql_log_count
                getattr(records, method)()
                return self.env.cr.sql_log_count - start

            self.assertEqual(
                queries(plans, "_compute_usage"),
                queries(plans[:1], "_compute_usage"),
            )
            self.assertEqual(
                queries(tickets, "_compute_remaining"),
                queries(tickets[:1], "_compute_remaining"),
            )
