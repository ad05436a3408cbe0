# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestAccess(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.helpdesk_user = new_test_user(
            cls.env,
            login="hd_user_support",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.team.user_ids = cls.helpdesk_user
        cls.billing_user = new_test_user(
            cls.env, login="billing_support", groups="account.group_account_invoice"
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_support",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.bare_contract = cls._create_contract(
            "No tickets", date(2026, 1, 1), date(2026, 12, 31)
        )

    @freeze_time("2026-03-10 10:00:00")
    def test_helpdesk_user_reads_coverage_not_contract_edit(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.helpdesk_user)
            .create(
                {
                    "name": "By RPC",
                    "description": "<p>x</p>",
                    "partner_id": self.contact.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(ticket.support_plan_id, self.plan)
        self.assertEqual(ticket.coverage_state, "covered")
        self.assertEqual(ticket.tickets_remaining, 1)
        contract = ticket.contract_id
        self.assertEqual(contract.name, "Gold Contract")
        self.assertEqual(ticket.support_plan_id.ticket_quota, 2)
        with self.assertRaises(AccessError):
            contract.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.plan.with_user(self.helpdesk_user).write({"ticket_quota": 99})
        with self.assertRaises(AccessError):
            self.bare_contract.with_user(self.helpdesk_user).read(["name"])

    @freeze_time("2026-03-10 10:00:00")
    def test_helpdesk_user_opens_ticket_form(self):
        """Every field of the ticket form reads for a helpdesk user."""
        ticket = self._ticket(user_id=self.helpdesk_user.id)
        Ticket = self.env["helpdesk.ticket"].with_user(self.helpdesk_user)
        view = Ticket.get_views([(False, "form")])
        names = list(view["models"]["helpdesk.ticket"]["fields"])
        spec = {}
        for name in names:
            field = Ticket._fields[name]
            spec[name] = (
                {"fields": {"display_name": {}}} if field.type == "many2one" else {}
            )
            if field.type in ("one2many", "many2many"):
                spec[name] = {"fields": {"display_name": {}}}
        values = ticket.with_user(self.helpdesk_user).web_read(spec)[0]
        self.assertEqual(values["coverage_state"], "covered")
        self.assertEqual(values["contract_id"]["display_name"], "Gold Contract")

    @freeze_time("2026-03-10 10:00:00")
    def test_helpdesk_user_closes_billable_ticket(self):
        ticket = self._ticket(
            partner_id=self.other_customer.id,
            user_id=self.helpdesk_user.id,
            support_hours=1.0,
        )
        as_user = ticket.with_user(self.helpdesk_user)
        as_user.stage_id = self.stage_done
        self.assertEqual(as_user.billing_state, "invoiced")
        self.assertEqual(as_user.invoice_count, 1)
        self.assertEqual(ticket.invoice_line_ids.move_id.state, "draft")
        with self.assertRaises(AccessError):
            ticket.invoice_line_ids.move_id.with_user(self.helpdesk_user).read(["name"])

    def _web_read_form(self, record, user, view_id=False):
        Model = record.with_user(user)
        view = Model.get_views([(view_id, "form")])
        spec = {}
        for name in view["models"][record._name]["fields"]:
            field = Model._fields[name]
            relational = field.type in ("many2one", "one2many", "many2many")
            spec[name] = {"fields": {"display_name": {}}} if relational else {}
        return Model.web_read(spec)[0]

    @freeze_time("2026-03-10 10:00:00")
    def test_billing_user_opens_contract_form(self):
        self._ticket()
        values = self._web_read_form(self.contract, self.billing_user)
        self.assertEqual(values["support_plan_count"], 1)
        self.assertEqual(values["support_health"], "good")
        self.assertEqual(values["upsell_lead_count"], 0)

    @freeze_time("2026-03-10 10:00:00")
    def test_helpdesk_user_opens_contract_form(self):
        ticket = self._ticket(user_id=self.helpdesk_user.id)
        action = ticket.with_user(self.helpdesk_user).action_view_contract()
        view_id = action["views"][0][0]
        self.assertEqual(
            view_id,
            self.env.ref("crm_helpdesk_link.contract_contract_view_form_coverage").id,
        )
        values = self._web_read_form(ticket.contract_id, self.helpdesk_user, view_id)
        self.assertEqual(values["helpdesk_ticket_count"], 1)
        self.assertEqual(values["support_tickets_period"], 1)
        values = self._web_read_form(ticket.support_plan_id, self.helpdesk_user)
        self.assertEqual(values["tickets_remaining"], 1)

    @freeze_time("2026-03-10 10:00:00")
    def test_billing_user_sees_billable_tickets(self):
        billable = self._ticket(partner_id=self.other_customer.id, support_hours=2.0)
        plain = self._ticket()
        billable.stage_id = self.stage_done
        tickets = (
            self.env["helpdesk.ticket"]
            .with_user(self.billing_user)
            .search([("id", "in", (billable | plain).ids)])
        )
        self.assertEqual(tickets, billable)
        self.assertEqual(tickets.invoice_count, 1)
        action = self.env.ref("crm_helpdesk_link.helpdesk_ticket_billable_action")
        listed = (
            self.env["helpdesk.ticket"]
            .with_user(self.billing_user)
            .search(safe_eval(action.domain))
        )
        self.assertIn(billable, listed)
        self.assertNotIn(plain, listed)
        with self.assertRaises(AccessError):
            plain.with_user(self.billing_user).read(["name"])

    @freeze_time("2026-03-10 10:00:00")
    def test_portal_sees_own_coverage_only(self):
        own = self._ticket()
        other = self._ticket(partner_id=self.other_customer.id)
        own_portal = own.with_user(self.portal_user)
        self.assertEqual(own_portal.coverage_state, "covered")
        self.assertEqual(own_portal.tickets_remaining, 1)
        with self.assertRaises(AccessError):
            other.with_user(self.portal_user).read(["coverage_state"])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.portal_user).read(["ticket_quota"])

    @freeze_time("2026-03-10 10:00:00")
    def test_personal_helpdesk_user_reads_own_ticket_contract(self):
        own_user = new_test_user(
            self.env,
            login="hd_own_support",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        mine = self._ticket(user_id=own_user.id, team_id=False)
        self._create_contract("Other Gold", date(2026, 1, 1), False)
        contracts = (
            self.env["contract.contract"]
            .with_user(own_user)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(contracts, mine.contract_id)
        self.assertEqual(mine.with_user(own_user).coverage_state, "covered")
        with self.assertRaises(AccessError):
            contracts.write({"note": "no"})

    @freeze_time("2026-03-10 10:00:00")
    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Support B"})
        contract_b = self._create_contract(
            "B Contract", date(2026, 1, 1), date(2026, 12, 31), company=company_b
        )
        plan_b = self.plan.copy({"name": "B plan", "contract_id": contract_b.id})
        self.assertEqual(plan_b.company_id, company_b)
        ticket_a = self._ticket()
        self.assertEqual(ticket_a.support_plan_id, self.plan)
        ticket_b = self._ticket(company_id=company_b.id, team_id=False)
        self.assertEqual(ticket_b.support_plan_id, plan_b)
        manager = new_test_user(
            self.env,
            login="plan_manager_a",
            groups="crm_helpdesk_link.group_support_plan_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        plans = (
            self.env["helpdesk.support.plan"]
            .with_user(manager)
            .search([("id", "in", (self.plan | plan_b).ids)])
        )
        self.assertEqual(plans, self.plan)
        with self.assertRaises(AccessError):
            plan_b.with_user(manager).read(["name"])
