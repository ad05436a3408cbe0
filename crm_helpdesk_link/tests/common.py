# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase


class SupportCommon(TransactionCase):
    """Data shared by the tests: one customer, one contract, one plan."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, tz="UTC")
        )
        cls.env.user.tz = "UTC"
        cls.company = cls.env.company
        cls.company.write(
            {
                "helpdesk_billing_mode": "separate",
                "helpdesk_hourly_rate": 60.0,
                "helpdesk_upsell_over_quota": 0,
                "helpdesk_upsell_uncovered": 0,
                "helpdesk_upsell_expiry_days": 0,
            }
        )
        Partner = cls.env["res.partner"]
        cls.salesperson = cls.env["res.users"].create(
            {"name": "Sally Sales", "login": "sally_support_test"}
        )
        cls.customer = Partner.create(
            {
                "name": "Acme Corp",
                "is_company": True,
                "email": "info@acme.test",
                "user_id": cls.salesperson.id,
            }
        )
        cls.contact = Partner.create(
            {"name": "Ann Acme", "parent_id": cls.customer.id, "email": "ann@acme.test"}
        )
        cls.other_customer = Partner.create(
            {"name": "Globex", "is_company": True, "email": "info@globex.test"}
        )
        cls.categ_hw = cls.env["product.category"].create({"name": "Hardware"})
        cls.categ_printers = cls.env["product.category"].create(
            {"name": "Printers", "parent_id": cls.categ_hw.id}
        )
        Product = cls.env["product.product"]
        cls.printer = Product.create(
            {"name": "Printer P1", "type": "consu", "categ_id": cls.categ_printers.id}
        )
        cls.laptop = Product.create({"name": "Laptop L1", "type": "consu"})
        cls.service = Product.create(
            {"name": "Support hour", "type": "service", "list_price": 80.0}
        )
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Support Desk"})
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )
        (cls.stage_done | cls.stage_cancelled).mail_template_id = False
        cls.contract = cls._create_contract(
            "Gold Contract", date(2026, 1, 1), date(2026, 12, 31)
        )
        cls.plan = cls.env["helpdesk.support.plan"].create(
            {
                "name": "Gold",
                "contract_id": cls.contract.id,
                "period_type": "month",
                "ticket_quota": 2,
                "hour_quota": 4.0,
                "response_hours": 2.0,
                "resolution_hours": 8.0,
                "hourly_rate": 100.0,
                "billable_product_id": cls.service.id,
            }
        )

    @classmethod
    def _support_calendar(cls):
        """Monday to Friday, 8-12 and 13-17 UTC."""
        attendances = []
        for day in "01234":
            for name, start, stop in (("morning", 8, 12), ("afternoon", 13, 17)):
                attendances.append(
                    Command.create(
                        {
                            "name": f"Day {day} {name}",
                            "dayofweek": day,
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": name,
                        }
                    )
                )
        return cls.env["resource.calendar"].create(
            {"name": "Support hours", "tz": "UTC", "attendance_ids": attendances}
        )

    @classmethod
    def _running_plan(cls, contract_name, **plan_values):
        """A contract of the other customer running from ten days ago, and a
        copy of the base plan on it: (contract, plan)."""
        today = fields.Date.today()
        contract = cls._create_contract(
            contract_name,
            today - timedelta(days=10),
            today + timedelta(days=300),
            partner=cls.other_customer,
        )
        plan = cls.plan.copy({"contract_id": contract.id, **plan_values})
        return contract, plan

    @classmethod
    def _create_contract(cls, name, start, end, partner=None, company=None):
        company = company or cls.company
        return (
            cls.env["contract.contract"]
            .with_company(company)
            .create(
                {
                    "name": name,
                    "partner_id": (partner or cls.customer).id,
                    "company_id": company.id,
                    "contract_type": "sale",
                    "line_recurrence": True,
                    "date_start": start,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.service.id,
                                "name": "Support subscription",
                                "quantity": 1,
                                "price_unit": 500.0,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "date_start": start,
                                "date_end": end,
                                "recurring_next_date": start,
                            }
                        )
                    ],
                }
            )
        )

    def _ticket(self, **vals):
        values = {
            "name": "Printer jammed",
            "description": "<p>It does not print.</p>",
            "partner_id": self.contact.id,
            "team_id": self.team.id,
        }
        values.update(vals)
        return self.env["helpdesk.ticket"].create(values)
