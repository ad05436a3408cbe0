# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Company isolation of the links and of the code that runs elevated.

The attacks of issue 16 on this addon: a link to another company's record
(plan, product, ticket, contract, calendar), billing through such a link, a
helpdesk user reading contract prices, a client claiming an upsell key and a
malformed stage id.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command, models
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import SupportCommon

MODULE = "crm_helpdesk_link"


@tagged("post_install", "-at_install")
class TestCompanyIsolation(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Support B"})
        cls.contract_b = cls._create_contract(
            "B Contract", date(2026, 1, 1), date(2026, 12, 31), company=cls.company_b
        )
        cls.plan_b = cls.env["helpdesk.support.plan"].create(
            {
                "name": "B plan",
                "contract_id": cls.contract_b.id,
                "ticket_quota": 1,
                "hour_quota": 1.0,
            }
        )
        only_a = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.hd_user_a = new_test_user(
            cls.env,
            login="hd_user_company_a",
            groups="helpdesk_mgmt.group_helpdesk_user",
            **only_a,
        )
        cls.team.user_ids = cls.hd_user_a
        cls.plan_manager_a = new_test_user(
            cls.env,
            login="plan_manager_company_a",
            groups="crm_helpdesk_link.group_support_plan_manager",
            **only_a,
        )
        cls.salesperson_a = new_test_user(
            cls.env,
            login="sales_company_a",
            groups="sales_team.group_sale_salesman",
            **only_a,
        )
        cls.ticket_b = (
            cls.env["helpdesk.ticket"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "B ticket",
                    "description": "<p>b</p>",
                    "partner_id": cls.contact.id,
                    "company_id": cls.company_b.id,
                }
            )
        )

    # ------------------------------------------------------------------
    # item 2: another company's support plan
    # ------------------------------------------------------------------

    @freeze_time("2026-03-10 10:00:00")
    def test_ticket_refuses_other_company_plan(self):
        """A helpdesk user of A cannot put B's plan on a ticket: no B quota
        shown, no B entitlement consumed."""
        usage_b = self.plan_b._usage(date(2026, 3, 10))
        Ticket = self.env["helpdesk.ticket"].with_user(self.hd_user_a)
        before = Ticket.sudo().search_count([])
        with self.assertRaises(UserError):
            Ticket.create(
                {
                    "name": "Hostile",
                    "description": "<p>x</p>",
                    "partner_id": self.contact.id,
                    "team_id": self.team.id,
                    "support_plan_id": self.plan_b.id,
                    "support_hours": 100.0,
                }
            )
        self.assertEqual(Ticket.sudo().search_count([]), before)
        self.assertEqual(self.plan_b._usage(date(2026, 3, 10)), usage_b)
        ticket = self._ticket(user_id=self.hd_user_a.id)
        with self.assertRaises(UserError):
            ticket.with_user(self.hd_user_a).write({"support_plan_id": self.plan_b.id})
        self.assertEqual(ticket.support_plan_id, self.plan)

    @freeze_time("2026-03-10 10:00:00")
    def test_closing_never_bills_another_company(self):
        """A cross-company link left by old data: closing bills nothing."""
        ticket = self._ticket(user_id=self.hd_user_a.id)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE helpdesk_ticket SET support_plan_id = %s, contract_id = %s,"
                " support_hours = 100 WHERE id = %s",
                self.plan_b.id,
                self.contract_b.id,
                ticket.id,
            )
        )
        ticket.invalidate_recordset()
        Line = self.env["account.move.line"]
        lines_before = Line.search_count([])
        with self.assertRaises(UserError) as err:
            ticket.with_user(self.hd_user_a).stage_id = self.stage_done
        self.assertIn("another company", str(err.exception))
        ticket.invalidate_recordset()
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(ticket.billing_state, "none")
        self.assertEqual(Line.search_count([]), lines_before)

    @freeze_time("2026-03-10 10:00:00")
    def test_portal_closing_bills_only_own_tickets(self):
        """helpdesk_mgmt's /ticket/close closes any ticket id in superuser
        mode for any logged-in user: billing checks the portal user first."""
        own_portal = new_test_user(
            self.env,
            login="portal_acme_close",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        stranger = self.env["res.partner"].create(
            {"name": "Stranger", "parent_id": self.other_customer.id}
        )
        other_portal = new_test_user(
            self.env,
            login="portal_stranger_close",
            groups="base.group_portal",
            partner_id=stranger.id,
        )
        ticket = self._ticket(support_hours=100.0)
        # as the controller does it: sudo() on the portal user's environment
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(other_portal).sudo().stage_id = self.stage_done
        ticket.invalidate_recordset()
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertFalse(ticket.invoice_line_ids)
        ticket.with_user(own_portal).sudo().stage_id = self.stage_done
        self.assertEqual(ticket.billing_state, "invoiced")

    def test_plan_cannot_move_to_another_company_contract(self):
        Plan = self.env["helpdesk.support.plan"].with_user(self.plan_manager_a)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Plan.create({"name": "Into B", "contract_id": self.contract_b.id})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.plan.with_user(self.plan_manager_a).contract_id = self.contract_b
        self.assertEqual(self.plan.contract_id, self.contract)
        self.assertEqual(self.plan.company_id, self.company)

    # ------------------------------------------------------------------
    # item 6: every link field of the addon refuses another company
    # ------------------------------------------------------------------

    def _company_b_records(self):
        B = self.company_b.id
        return {
            "product.product": self.env["product.product"].create(
                {"name": "B product", "company_id": B, "type": "service"}
            ),
            "resource.calendar": self.env["resource.calendar"].create(
                {"name": "B hours", "company_id": B}
            ),
            "helpdesk.ticket": self.ticket_b,
            "contract.contract": self.contract_b,
            "contract.line": self.contract_b.contract_line_ids,
            "helpdesk.support.plan": self.plan_b,
        }

    def _company_a_records(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "A line", "quantity": 1, "price_unit": 1})
                ],
            }
        )
        return {
            "helpdesk.ticket": self._ticket(),
            "helpdesk.support.plan": self.plan,
            "helpdesk.ticket.team": self.team,
            "crm.lead": self.env["crm.lead"].create(
                {"name": "A lead", "company_id": self.company.id}
            ),
            "res.company": self.company,
            "account.move.line": invoice.invoice_line_ids,
        }

    def _link_fields(self):
        """(model, field) of every link the addon owns to a model with a
        company: generated from the registry, so a new one is swept too."""
        found = []
        for model_name in self.env.registry:
            Model = self.env[model_name]
            if Model._abstract or Model._transient:
                continue
            if not Model._auto:
                continue  # a SQL report: nobody writes its links
            for name, field in Model._fields.items():
                if field.type not in ("many2one", "many2many") or field.related:
                    continue
                if field._module != MODULE or name in models.MAGIC_COLUMNS:
                    continue
                if "company_id" not in self.env[field.comodel_name]._fields:
                    continue
                found.append((model_name, name))
        return found

    # the plan takes its company from its contract (a related field): the
    # contract link is guarded by the record rules instead, see
    # test_plan_cannot_move_to_another_company_contract
    # survey answers have no company; their campaign is set by the
    # campaign's own send action and refused to clients (test_nps)
    NOT_CHECK_COMPANY = {
        ("helpdesk.support.plan", "contract_id"),
        ("survey.user_input", "nps_campaign_id"),
    }

    @mute_logger("odoo.models")
    def test_link_sweep_refuses_other_company(self):
        theirs = self._company_b_records()
        mine = self._company_a_records()
        links = self._link_fields()
        self.assertGreaterEqual(len(links), 11, links)
        swept = []
        for model_name, name in links:
            if (model_name, name) in self.NOT_CHECK_COMPANY:
                continue
            field = self.env[model_name]._fields[name]
            with self.subTest(field=f"{model_name}.{name}"):
                self.assertTrue(field.check_company, "check_company=True missing")
                self.assertIn(model_name, mine, "no company-A record to write on")
                self.assertIn(field.comodel_name, theirs, "no company-B record")
                record, other = mine[model_name], theirs[field.comodel_name]
                before = record[name]
                value = (
                    other.id if field.type == "many2one" else [Command.set(other.ids)]
                )
                with self.assertRaises(UserError):  # ValidationError included
                    record.write({name: value})
                record.invalidate_recordset()
                self.assertEqual(record[name], before, "the value changed")
                swept.append(f"{model_name}.{name}")
        for expected in (
            "crm.lead.helpdesk_ticket_id",
            "crm.lead.support_contract_id",
            "helpdesk.ticket.product_id",
            "helpdesk.ticket.support_plan_id",
        ):
            self.assertIn(expected, swept)

    def test_link_refused_for_the_weakest_role(self):
        """The same links written by the users who can reach them."""
        lead = (
            self.env["crm.lead"]
            .with_user(self.salesperson_a)
            .create({"name": "My lead", "user_id": self.salesperson_a.id})
        )
        for vals in (
            {"helpdesk_ticket_id": self.ticket_b.id},
            {"support_contract_id": self.contract_b.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                lead.write(vals)
        lead.invalidate_recordset()
        self.assertFalse(lead.sudo().helpdesk_ticket_id)
        self.assertFalse(lead.sudo().support_contract_id)
        product_b = self._company_b_records()["product.product"]
        ticket = self._ticket(user_id=self.hd_user_a.id).with_user(self.hd_user_a)
        with self.assertRaises(UserError):
            ticket.write({"product_id": product_b.id})
        self.assertFalse(ticket.product_id)

    # ------------------------------------------------------------------
    # item 7: contract prices stay hidden from helpdesk users
    # ------------------------------------------------------------------

    @freeze_time("2026-03-10 10:00:00")
    def test_helpdesk_user_reads_no_contract_price(self):
        ticket = self._ticket(user_id=self.hd_user_a.id)
        contract = ticket.with_user(self.hd_user_a).contract_id
        # the coverage itself stays readable
        self.assertEqual(contract.name, "Gold Contract")
        Line = self.env["contract.line"].with_user(self.hd_user_a)
        with self.assertRaises(AccessError):
            Line.search_read([("contract_id", "=", contract.id)], ["price_unit"])
        with self.assertRaises(AccessError):
            contract.contract_line_ids.read(["price_unit", "price_subtotal"])
        with self.assertRaises(AccessError):
            contract.web_read(
                {"contract_line_ids": {"fields": {"price_unit": {}}}},
            )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.hd_user_a).read(["hourly_rate"])
        # what the helpdesk user may see of the contract carries no amount
        view = contract.get_views(
            [
                (
                    self.env.ref(f"{MODULE}.contract_contract_view_form_coverage").id,
                    "form",
                )
            ]
        )
        for model, spec in view["models"].items():
            for name in spec["fields"]:
                field = self.env[model]._fields[name]
                self.assertNotIn(field.type, ("monetary",), f"{model}.{name}")
                self.assertNotIn("price", name)
        # billing users and plan managers keep reading them
        billing = new_test_user(
            self.env, login="billing_prices", groups="account.group_account_invoice"
        )
        self.assertEqual(
            self.contract.contract_line_ids.with_user(billing).price_unit, 500.0
        )
        rate = self.plan.with_user(self.plan_manager_a).read(["hourly_rate"])
        self.assertEqual(rate[0]["hourly_rate"], 100.0)

    # ------------------------------------------------------------------
    # item 8: the upsell bookkeeping is not client-writable
    # ------------------------------------------------------------------

    @freeze_time("2026-03-10 10:00:00")
    def test_client_cannot_claim_an_upsell_key(self):
        self.company.helpdesk_upsell_over_quota = 1
        self.plan.ticket_quota = 1
        key = f"over_quota:{self.plan.id}:{date(2026, 3, 1)}"
        Lead = self.env["crm.lead"].with_user(self.salesperson_a)
        for vals, context in (
            ({"upsell_key": key}, {}),
            ({"upsell_rule": "over_quota"}, {}),
            ({}, {"default_upsell_key": key}),
        ):
            with self.subTest(vals=vals, context=context):
                with self.assertRaises(UserError):
                    Lead.with_context(**context).create(dict(vals, name="Claim"))
        mine = Lead.create({"name": "Mine", "user_id": self.salesperson_a.id})
        for vals in ({"upsell_key": key}, {"upsell_rule": "expiry"}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                mine.write(vals)
        # even a sales manager (no superuser mode) cannot
        manager = new_test_user(
            self.env,
            login="sales_manager_upsell",
            groups="sales_team.group_sale_manager",
        )
        with self.assertRaises(UserError):
            self.env["crm.lead"].with_user(manager).create(
                {"name": "Claim", "upsell_key": key}
            )
        self.assertFalse(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("upsell_key", "=", key)])
        )
        # so the real situation still raises its opportunity
        self._ticket()
        self._ticket()
        lead = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("upsell_key", "=", key)])
        )
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.upsell_rule, "over_quota")
        self.assertEqual(lead.name[:7], "Upsell:")

    # ------------------------------------------------------------------
    # item 14: a malformed stage id
    # ------------------------------------------------------------------

    def test_malformed_stage_id(self):
        ticket = self._ticket(user_id=self.hd_user_a.id).with_user(self.hd_user_a)
        for value in ("abc", [self.stage_done.id], 1.5, 2_000_000_000):
            with self.subTest(value=value), self.assertRaises(UserError):
                ticket.write({"stage_id": value})
            ticket.invalidate_recordset()
            self.assertEqual(ticket.stage_id, self.stage_new)
        ticket.write({"stage_id": self.stage_progress.id})
        self.assertEqual(ticket.stage_id, self.stage_progress)
