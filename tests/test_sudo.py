# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every sudo() of the suite: it has a written reason, and it shows no more.

One test per group of equivalent sudo() call sites. Each runs the code path
as a user with few rights and proves that the user still cannot read or
change what the superuser part touched: the user gets numbers or a state,
never the records behind them.
"""

import importlib.util
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.crm_helpdesk_link.tests import common as helpdesk_common
from odoo.addons.crm_pipeline_ext.tests import common as pipeline_common
from odoo.addons.crm_quote_pricer.tests import common as pricer_common

from .suite_addons import ADDONS

ROOT = Path(__file__).resolve().parent.parent


def _hook():
    """tools/hooks/sudo_reason.py, the pre-commit hook that holds the rule."""
    path = ROOT / "tools" / "hooks" / "sudo_reason.py"
    spec = importlib.util.spec_from_file_location("sudo_reason", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sudo_sites():
    """(file, line number, has a reason) for every sudo() in addon code."""
    hook = _hook()
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*.py")):
            if "tests" in path.relative_to(ROOT / addon).parts:
                continue
            for number, ok in hook.sudo_sites(path):
                yield f"{path.relative_to(ROOT)}:{number}", ok


@tagged("post_install", "-at_install", "crm_suite")
class TestSudoReasons(TransactionCase):
    test_module = "crm_suite"

    def test_every_sudo_has_a_reason_right_above(self):
        sites = list(sudo_sites())
        # the scan reaches the addons' code (fewer sudo() calls are welcome,
        # none unexplained)
        self.assertGreaterEqual(len(sites), 50)
        self.assertFalse(
            [site for site, ok in sites if not ok],
            "sudo() without a '# sudo: why it cannot widen access' comment",
        )


@tagged("post_install", "-at_install", "crm_suite")
class TestSudoHelpdesk(helpdesk_common.SupportCommon):
    """crm_helpdesk_link: coverage, billing, upsell and health summaries."""

    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_user = new_test_user(
            cls.env,
            login="sudo_hd_own",
            groups="helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.helpdesk_user = new_test_user(
            cls.env, login="sudo_hd_user", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.team.user_ids = cls.own_user | cls.helpdesk_user
        cls.portal_user = new_test_user(
            cls.env,
            login="sudo_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )

    @freeze_time("2026-03-10 10:00:00")
    def test_coverage_shows_numbers_not_the_plan(self):
        """helpdesk_ticket: plan matching, usage, remaining quota, SLA hours;
        helpdesk_support_plan._usage_batch; contract support health."""
        first = self._ticket(user_id=self.helpdesk_user.id)
        as_own = self.env["helpdesk.ticket"].with_user(self.own_user)
        ticket = as_own.create(
            {
                "name": "Mine",
                "description": "<p>x</p>",
                "partner_id": self.contact.id,
                "team_id": self.team.id,
                "user_id": self.own_user.id,
            }
        )
        # the plan's usage counts the first ticket, which the user cannot see
        self.assertEqual(ticket.support_plan_id, self.plan)
        self.assertEqual(ticket.coverage_state, "covered")
        self.assertEqual(ticket.tickets_remaining, 0)
        self.assertTrue(ticket.sla_response_deadline)
        self.assertEqual(as_own.search([("id", "=", first.id)]), as_own)
        with self.assertRaises(AccessError):
            first.with_user(self.own_user).read(["name"])
        # the portal customer sees the coverage state, not the plan or contract
        as_portal = ticket.with_user(self.portal_user)
        self.assertEqual(as_portal.coverage_state, "covered")
        with self.assertRaises(AccessError):
            self.plan.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.contract.with_user(self.portal_user).read(["name"])
        # the contract's health is a summary; the plan stays read-only
        health = self.contract.with_user(self.helpdesk_user).support_health
        self.assertTrue(health)
        self.assertEqual(health, self.contract.sudo().support_health)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.helpdesk_user).write({"ticket_quota": 99})

    @freeze_time("2026-03-10 10:00:00")
    def test_closing_bills_without_showing_the_invoice(self):
        """helpdesk_ticket: billable line, draft invoice, invoice count."""
        ticket = self._ticket(
            partner_id=self.other_customer.id,
            support_hours=2.0,
            user_id=self.helpdesk_user.id,
        ).with_user(self.helpdesk_user)
        ticket.stage_id = self.stage_done
        self.assertEqual(ticket.billing_state, "invoiced")
        self.assertEqual(ticket.invoice_count, 1)
        move = ticket.sudo().invoice_line_ids.move_id
        self.assertEqual(move.state, "draft")
        with self.assertRaises(AccessError):
            move.with_user(self.helpdesk_user).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.helpdesk_user).search([])

    @freeze_time("2026-03-10 10:00:00")
    def test_upsell_is_counted_not_shown(self):
        """crm_lead._create_upsell; ticket lead count; upsell ticket counts."""
        self.company.helpdesk_upsell_uncovered = 1
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.helpdesk_user)
            .create(
                {
                    "name": "No contract",
                    "description": "<p>x</p>",
                    "partner_id": self.other_customer.id,
                    "team_id": self.team.id,
                }
            )
        )
        self.assertEqual(ticket.coverage_state, "not_covered")
        lead = ticket.sudo().lead_ids
        self.assertEqual(len(lead), 1)
        self.assertEqual(ticket.lead_count, 1)
        with self.assertRaises(AccessError):
            lead.with_user(self.helpdesk_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.helpdesk_user).search([])

    def test_partner_health_counts_only_the_users_companies(self):
        """res_partner support health: plans of another company stay out."""
        other = self.env["res.company"].create({"name": "Support Co B"})
        self.env.user.company_ids |= other
        contract_b = self._create_contract(
            "B contract", date(2026, 1, 1), date(2026, 12, 31), company=other
        )
        self.env["helpdesk.support.plan"].create(
            {"name": "B plan", "contract_id": contract_b.id, "period_type": "month"}
        )
        user_a = new_test_user(
            self.env,
            login="sudo_health_a",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        both = self.customer.with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        self.assertEqual(both.support_plan_count, 2)
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_user(user_a).support_plan_count, 1)


@tagged("post_install", "-at_install", "crm_suite")
class TestSudoQuotes(pricer_common.PricerCase):
    """crm_quote_pricer: production notice on confirmation."""

    test_module = "crm_suite"

    def test_production_notice_does_not_open_the_order(self):
        _component, machine = pricer_common.make_mto_product(
            self.env, "Sudo press", "Sudo tube", list_price=100.0, standard_price=50.0
        )
        production_user = new_test_user(
            self.env, login="sudo_prod_user", groups="mrp.group_mrp_user"
        )
        order = self._order([(machine, 1.0)])
        order.with_user(self.salesman).action_confirm()
        production = order.sudo().mrp_production_ids
        self.assertEqual(len(production), 1)
        self.assertIn(production_user.partner_id, production.message_ids.partner_ids)
        as_salesman = production.with_user(self.salesman)
        self.assertEqual(as_salesman.read(["name"])[0]["name"], production.name)
        with self.assertRaises(AccessError):
            as_salesman.write({"origin": "changed"})
        with self.assertRaises(AccessError):
            as_salesman.unlink()

    def test_down_payment_link_stays_with_the_order(self):
        """sale_order._pricer_create_down_payment: the invoice's order link."""
        self._rule(name="Sudo DP", percent=5.0, down_payment_percent=30.0)
        self.env["crm.quote.authority"].create(
            {"user_id": self.salesman.id, "max_discount": 10.0, "min_margin": 0.0}
        )
        other = new_test_user(
            self.env, login="sudo_other_sales", groups="sales_team.group_sale_salesman"
        )
        order = self._order([(self.product, 2.0)])
        order.with_user(self.salesman).action_pricer_price()
        order.with_user(self.salesman).action_confirm()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.pricer_sale_order_id, order)
        with self.assertRaises(AccessError):
            invoice.with_user(other).read(["pricer_sale_order_id"])


@tagged("post_install", "-at_install", "crm_suite")
class TestSudoPipeline(pipeline_common.PipelineCommon):
    """crm_pipeline_ext: stage gates, stage history, forecast, routing."""

    test_module = "crm_suite"

    def test_gate_reports_missing_items_of_own_leads_only(self):
        """crm_lead._get_gate_failures reads as superuser."""
        mine = self._lead(partner_id=self.partner.id)
        theirs = self._lead(user_id=self.salesman2.id, name="Not yours")
        with self.assertRaises(ValidationError) as err:
            mine.with_user(self.salesman).stage_id = self.stage_proposal
        self.assertIn("Budget confirmed", str(err.exception))
        self.assertNotIn("Not yours", str(err.exception))
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).stage_id = self.stage_proposal
        self.assertEqual(theirs.stage_id, self.stage_new)

    def test_stage_history_is_a_read_only_log(self):
        """crm_lead._record_stage_history creates the log as superuser."""
        mine = self._lead()
        theirs = self._lead(user_id=self.salesman2.id)
        mine.with_user(self.salesman).stage_id = self.stage_qualified
        theirs.with_user(self.salesman2).stage_id = self.stage_qualified
        History = self.env["crm.lead.stage.history"].with_user(self.salesman)
        rows = History.search([("lead_id", "in", (mine | theirs).ids)])
        self.assertEqual(rows.lead_id, mine)
        with self.assertRaises(AccessError):
            rows.write({"expected_days": 99})
        with self.assertRaises(AccessError):
            rows.unlink()
        with self.assertRaises(AccessError):
            History.create({"lead_id": mine.id, "stage_to_id": self.stage_new.id})

    def test_forecast_freeze_keeps_the_record_rules(self):
        """crm_forecast_snapshot._cron_freeze_forecast totals as superuser."""
        self._lead(expected_revenue=100.0)
        self._lead(user_id=self.salesman2.id, expected_revenue=200.0)
        frozen = self.env["crm.forecast.snapshot"]._cron_freeze_forecast()
        self.assertLessEqual(self.salesman | self.salesman2, frozen.user_id)
        Snapshot = self.env["crm.forecast.snapshot"].with_user(self.salesman)
        self.assertEqual(Snapshot.search([]).user_id, self.salesman)
        with self.assertRaises(AccessError):
            (frozen - Snapshot.search([])).with_user(self.salesman).read(["user_id"])

    def test_routing_assigns_without_showing(self):
        """crm_territory routing: loads, leaves, territories, team, update."""
        spain = self.env.ref("base.es")
        Territory = self.env["crm.territory"]
        here = Territory.create(
            {
                "name": "Spain A",
                "company_id": self.company.id,
                "country_ids": [Command.set(spain.ids)],
                "member_ids": [Command.create({"user_id": self.salesman2.id})],
            }
        )
        there = Territory.create(
            {
                "name": "Spain B",
                "company_id": self.other_company.id,
                "country_ids": [Command.set(spain.ids)],
                "member_ids": [Command.create({"user_id": self.other_user.id})],
            }
        )
        self.assertTrue(here and there)
        lead = (
            self.env["crm.lead"]
            .with_user(self.leader)
            .create({"name": "Routed", "country_id": spain.id, "user_id": False})
        )
        self.assertEqual(lead.sudo().territory_id, here)
        self.assertEqual(lead.sudo().user_id, self.salesman2)
        self.assertFalse(
            self.env["crm.lead"].with_user(self.salesman).search([("id", "=", lead.id)])
        )
        with self.assertRaises(AccessError):
            there.with_user(self.salesman).read(["name"])


@tagged("post_install", "-at_install", "crm_suite")
class TestSudoSegmentation(TransactionCase):
    """crm_segmentation: counts, personas, mailing sync, snapshots, settings."""

    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Seg Co B"})
        cls.marketing = new_test_user(
            cls.env,
            login="sudo_marketing",
            groups="mass_mailing.group_mass_mailing_user,"
            "crm_segmentation.group_segmentation_user",
        )
        Partner = cls.env["res.partner"]
        es = cls.env.ref("base.es").id
        cls.partners = Partner.create(
            [
                {"name": "Seg One", "email": "one@example.com", "country_id": es},
                {"name": "Seg Two", "email": "two@example.com", "country_id": es},
            ]
        )
        cls.segment = cls.env["crm.segment"].create(
            {
                "name": "Sudo segment",
                "partner_domain": repr([("id", "in", cls.partners.ids)]),
            }
        )
        cls.segment.action_compute()

    def test_derived_data_needs_the_write_right(self):
        """crm_segment member count and persona lines written as superuser."""
        segment = self.segment.with_user(self.marketing)
        self.assertEqual(segment.member_count, 2)
        self.assertEqual(
            self.env["crm.segment.member"]
            .with_user(self.marketing)
            .search_count([("segment_id", "=", segment.id)]),
            2,
        )
        with self.assertRaises(AccessError):
            segment.action_compute()
        with self.assertRaises(AccessError):
            segment.action_compute_persona()
        self.assertTrue(segment.persona_line_ids)
        with self.assertRaises(AccessError):
            segment.persona_line_ids.unlink()

    def test_mailing_sync_leaves_the_segment_read_only(self):
        """crm_segment sync bookkeeping and error note as superuser."""
        segment = self.segment.with_user(self.marketing)
        segment.action_sync_mailing_list()
        self.assertIn(segment.sync_state, ("ok", "warning"))
        self.assertEqual(len(segment.mailing_list_id.contact_ids), 2)
        with self.assertRaises(AccessError):
            segment.write({"sync_state": "error", "name": "Hacked"})
        self.assertEqual(self.segment.name, "Sudo segment")
        self.assertIn(self.segment.sync_state, ("ok", "warning"))
        with self.assertRaises(AccessError):
            segment.message_post(body="not allowed")

    def test_snapshot_and_settings_need_the_write_right(self):
        """Snapshot bookkeeping, settings row and cron trigger as superuser."""
        Config = self.env["crm.rfm.config"].with_user(self.marketing)
        own = Config._get_for_company(self.company)
        self.assertEqual(own.read(["state"])[0]["id"], own.id)
        with self.assertRaises(AccessError):
            own.action_recompute_background()
        foreign = Config._get_for_company(self.other_company)
        with self.assertRaises(AccessError):
            foreign.read(["state"])
        snapshot = self.env["crm.segment.snapshot"].create({})
        with self.assertRaises(AccessError):
            snapshot.with_user(self.marketing).action_take()
        self.assertFalse(snapshot.line_ids)
