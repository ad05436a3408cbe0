# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from lxml import etree

from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestUi(SupportCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.live_contract, cls.live_plan = cls._running_plan(
            "Live Contract", name="Live plan"
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_globex",
            groups="base.group_portal",
            partner_id=cls.other_customer.id,
        )

    def test_portal_ticket_page_shows_coverage(self):
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertEqual(ticket.coverage_state, "covered")
        foreign = self._ticket()
        self.authenticate("portal_globex", "portal_globex")
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Live Contract", page.text)
        self.assertIn("Covered", page.text)
        page = self.url_open(f"/my/ticket/{foreign.id}")
        self.assertNotIn("Gold Contract", page.text)

    def test_tour_ticket_to_opportunity(self):
        """Ticket -> coverage -> billable line -> opportunity, in the browser."""
        self.company.helpdesk_upsell_over_quota = 1
        self.company.helpdesk_billing_mode = "separate"
        self.stage_done.fold = False
        self._ticket(partner_id=self.other_customer.id)
        self._ticket(partner_id=self.other_customer.id)
        ticket = self._ticket(partner_id=self.other_customer.id)
        self.assertEqual(ticket.coverage_state, "over_quota")
        self.assertEqual(ticket.lead_count, 1)
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "crm_helpdesk_link_tour",
            login="admin",
        )
        self.assertEqual(ticket.billing_state, "invoiced")
        self.assertEqual(ticket.invoice_line_ids.quantity, 2.0)
        self.assertEqual(ticket.invoice_line_ids.price_unit, 100.0)

    def test_list_headers_fit(self):
        """Column headers of plans and coverage are short enough not to be cut."""
        lists = [
            ("helpdesk.support.plan", "list", "/list"),
            ("contract.contract", "form", "//field[@name='support_plan_ids']/list"),
            (
                "contract.contract",
                self.env.ref("crm_helpdesk_link.contract_contract_view_form_coverage"),
                "//field[@name='support_plan_ids']/list",
            ),
            ("helpdesk.ticket", "list", "/list"),
        ]
        # the ticket list is helpdesk_mgmt's: the columns this addon adds
        ours = {"contract_id", "coverage_state", "sla_resolution_deadline"}
        ours |= {"support_hours", "billing_state"}
        for model, view, path in lists:
            Model = self.env[model]
            if isinstance(view, str):
                arch = Model.get_view(view_type=view)["arch"]
            else:
                arch = Model.get_view(view.id, "form")["arch"]
            for node in etree.fromstring(arch).xpath(f"{path}/field"):
                if node.get("column_invisible") in ("1", "True"):
                    continue
                if model == "helpdesk.ticket" and node.get("name") not in ours:
                    continue
                comodel = Model
                if path != "/list":
                    comodel = self.env[Model._fields["support_plan_ids"].comodel_name]
                label = node.get("string") or comodel._fields[
                    node.get("name")
                ]._description_string(self.env)
                with self.subTest(model=model, field=node.get("name")):
                    self.assertLessEqual(len(label), 14, label)
