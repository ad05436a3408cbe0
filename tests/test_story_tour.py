# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The story of test_story.py through the web client, one tour per role.

Each role logs in with its own browser session and does its part on the
screens it uses; Python only plays what comes from outside (the lead and the
tickets arriving, the customer's contract) and checks the database between
the tours. The tours are registered at run time in the "web_tour.tours"
registry (tests/ is not an addon and has no assets), then started the way
``HttpCase.start_tour`` starts a bundled tour.
"""

import json

from odoo.tests import HttpCase, tagged

from .story_common import EXTRA_DISCOUNT, StoryMixin

# Stands in for the page change that follows the portal signature: the tour
# lives in this page only, so the redirect is recorded on <body> instead.
KEEP_PAGE_JS = """
const { browser } = odoo.loader.modules.get("@web/core/browser/browser");
const real = window.location;
const record = (url) => { document.body.dataset.storyRedirect = url || real.href; };
const location = new Proxy({}, {
    get(_target, key) {
        if (["assign", "replace", "reload"].includes(key)) {
            return record;
        }
        const value = real[key];
        return typeof value === "function" ? value.bind(real) : value;
    },
});
Object.defineProperty(browser, "location", { get: () => location, configurable: true });
"""


# per step, in ms: the suite runs tours while other databases install
STEP_TIMEOUT = 30000


def check(trigger, content=""):
    return {"trigger": trigger, "content": content or trigger, "timeout": STEP_TIMEOUT}


def click(trigger, content=""):
    return {**check(trigger, content), "run": "click"}


def edit(trigger, value, content=""):
    return {**check(trigger, content), "run": f"edit {value}"}


def form_field(name, text=""):
    selector = f".o_form_view .o_field_widget[name='{name}']"
    return f"{selector}:contains('{text}')" if text else selector


def stage_button(stage):
    return f".o_form_view .o_statusbar_status button[data-value='{stage.id}']"


def current_stage(stage):
    return f"{stage_button(stage)}.o_arrow_button_current"


@tagged("post_install", "-at_install", "crm_suite")
class TestStoryTour(StoryMixin, HttpCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_story()

    def run_tour(self, name, url, login, steps, before=""):
        """Register ``steps`` as tour ``name`` in the page, then start it."""
        options = {
            "stepDelay": 0,
            "keepWatchBrowser": False,
            "debug": False,
            "startUrl": url,
            "delayToCheckUndeterminisms": 0,
        }
        code = f"""
            (async () => {{
                {before}
                const {{ registry }} = odoo.loader.modules.get("@web/core/registry");
                const steps = {json.dumps(steps)};
                registry.category("web_tour.tours").add({json.dumps(name)}, {{
                    steps: () => steps,
                }});
                await odoo.startTour({json.dumps(name)}, {json.dumps(options)});
            }})()
        """
        self.start_tour(
            url,
            name,
            login=login,
            code=code,
            ready="!!(odoo.startTour && odoo.loader.modules.get('@web/core/registry'))",
            timeout=120,
        )

    def test_story_in_the_browser(self):
        # A lead arrives (entered by the sales manager) and is routed.
        lead = self.lead_arrives()
        self.assertEqual(lead.user_id, self.sales)
        self.assertEqual(lead.territory_id, self.territory)
        # the salesperson drafted a quote by hand during the first call
        order = (
            self.env["sale.order"]
            .with_user(self.sales)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": lead.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.press.id,
                                "product_uom_qty": 2,
                                "price_unit": 11000.0,
                                "discount": EXTRA_DISCOUNT,
                            },
                        )
                    ],
                }
            )
        )
        self._tour_sales(lead, order)
        self._tour_approver(order)
        # approved: the salesperson sends it (the mail itself is not the story)
        order.with_user(self.sales).action_quotation_sent()
        self._tour_customer(order)
        self._tour_production(order)
        self._tour_billing(order)
        contract, plan = self.setup_support_contract()
        ticket = self.portal_ticket("HP-200 loses pressure")
        self.assertEqual(ticket.contract_id, contract)
        self._tour_support(ticket)
        # the same month, a second ticket: the hours are used up
        over_quota = self.portal_ticket("HP-200 control panel error")
        self.assertEqual(over_quota.coverage_state, "over_quota")
        self._tour_upsell(over_quota)
        # billing posts the support hours, so both invoices count in the RFM
        ticket.invoice_line_ids.move_id.with_user(self.billing).action_post()
        self._tour_marketing()

    def test_opportunity_header_in_spanish(self):
        """With the four addons installed, the Spanish opportunity header keeps
        the whole stage bar beside its buttons (none folded into a dropdown)."""
        self.env["res.lang"]._activate_lang("es_ES")
        modules = ["crm", "sale_crm", "iap_crm", "crm_iap_enrich", "mail"]
        modules += ["crm_pipeline_ext", "crm_quote_pricer"]
        modules += ["crm_helpdesk_link", "crm_segmentation"]
        self.env["ir.module.module"]._load_module_terms(
            modules, ["es_ES"], overwrite=True
        )
        self.sales.lang = "es_ES"
        # the stage bar of a company with Odoo's four stages, as in the demo
        (self.stage_qualified | self.stage_proposal).team_ids = self.team_fr
        lead = self.lead_arrives()
        self.assertEqual(lead.user_id, self.sales)
        self.env["sale.order"].with_user(self.sales).create(
            {"partner_id": self.customer.id, "opportunity_id": lead.id}
        )
        stages = self.env["crm.stage"].search(
            ["|", ("team_ids", "=", False), ("team_ids", "in", lead.team_id.ids)]
        )
        self.assertGreaterEqual(len(stages), 4)
        steps = [
            check(
                ".o_form_view .o_statusbar_buttons "
                "button[name='action_pricer_price_quotes']:contains('Tarificar')",
                "The pricer's header button, in Spanish",
            ),
            *(
                check(f"{stage_button(stage)}:visible", f"Stage {stage.name} shown")
                for stage in stages
            ),
            check(
                ".o_form_view button[name='action_view_sale_quotation']"
                ":contains('Presupuestos')",
                "The quotations counter, in Spanish",
            ),
        ]
        url = f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}"
        self.run_tour("story_header_es", url, self.sales.login, steps)

    # ------------------------------------------------------------------
    def _tour_sales(self, lead, order):
        steps = [
            click(stage_button(self.stage_qualified), "Move to a gated stage"),
            check(
                ".modal:contains('Expected Revenue')", "The gate says what is missing"
            ),
            click(".modal .modal-footer .btn-primary", "Close the message"),
            check(
                current_stage(self.stage_qualified),
                "The refused stage stays unsaved on the screen",
            ),
            edit(form_field("expected_revenue") + " input", "19000"),
            click(".o_form_button_save", "Save with the revenue"),
            check(".o_form_saved"),
            check(current_stage(self.stage_qualified), "The gate lets it in"),
            edit(form_field("probability") + " input", "40"),
            click(".o_notebook .nav-link:contains('Pipeline Control')"),
            edit(form_field("checklist_done_ids") + " input", "Budget"),
            click(".o-autocomplete--dropdown-item:contains('Budget confirmed')"),
            check(form_field("checklist_done_ids") + " .o_tag:contains('Budget')"),
            click(stage_button(self.stage_proposal), "Move to Proposal"),
            check(current_stage(self.stage_proposal)),
            click(
                ".o_form_view button[name='action_pricer_price_quotes']",
                "Price the quote from the rate card",
            ),
            check(
                form_field("order_line")
                + " .o_data_row td[name='price_unit']:contains('9,500.00')",
                "The rate card price replaced the hand-typed one",
            ),
            click(".o_form_view button[name='request_validation']"),
            check(
                ".o_form_view .alert-warning [name='next_review']",
                "The quote waits for the approver",
            ),
        ]
        url = f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}"
        self.run_tour("story_sales", url, self.sales.login, steps)
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertEqual(lead.expected_revenue, 19000.0)
        self.assertEqual(order.order_line.price_unit, 9500.0)
        self.assertEqual(order.validation_status, "pending")
        self.assertEqual(order.review_ids.reviewer_ids, self.approver)

    def _tour_approver(self, order):
        steps = [
            click(".o_form_view button[name='validate_tier']", "Approve"),
            check(".o_form_view .alert-success", "Validated"),
        ]
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"
        self.run_tour("story_approver", url, self.approver.login, steps)
        self.assertEqual(order.validation_status, "validated")

    def _tour_customer(self, order):
        steps = [
            check("body[is-ready=true]", "The portal page is ready"),
            check("#quote_content:contains('9,500.00')", "The approved price"),
            click(".o_portal_sale_sidebar a[data-bs-target='#modalaccept']"),
            edit(".modal .o_web_sign_name_and_signature input", self.portal.name),
            {
                **check(
                    ".modal canvas.o_web_sign_signature",
                    "The name is drawn as the signature",
                ),
                "run": "canvasNotEmpty",
            },
            click(".modal .o_portal_sign_submit:enabled", "Accept and sign"),
            check(
                "body[data-story-redirect*='sign_ok']",
                "Signed: the portal moves on to the confirmed order",
            ),
        ]
        url = f"/my/orders/{order.id}"
        self.run_tour(
            "story_customer", url, self.portal.login, steps, before=KEEP_PAGE_JS
        )
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, self.portal.name)

    def _tour_production(self, order):
        production = order.sudo().mrp_production_ids
        self.assertEqual(len(production), 1)
        steps = [
            click(
                f".o_list_view .o_data_row:contains('{production.name}') "
                "td[name='product_id']",
                "Open the new manufacturing order",
            ),
            check(form_field("pricer_partner_id", self.customer.name)),
            click(
                form_field("pricer_sale_order_id", order.name) + " a",
                "Open the quote behind it",
            ),
            check(
                form_field("order_line")
                + " .o_data_row td[name='price_unit']:contains('9,500.00')",
                "The approved price, read only",
            ),
            check(
                ".o_form_readonly:has(.o_field_widget[name='order_line'])",
                "Production reads the quote, cannot edit it",
            ),
        ]
        url = "/odoo/action-mrp.mrp_production_action"
        self.run_tour("story_production", url, self.production.login, steps)

    def _tour_billing(self, order):
        down_payment = order.sudo().invoice_ids
        self.assertEqual(len(down_payment), 1)
        steps = [
            click(
                f".o_list_view .o_data_row:contains('{self.customer.name}') "
                "td[name='invoice_partner_display_name']",
                "Open the down payment to invoice",
            ),
            click(".o_form_view button[name='action_post']", "Post it"),
            check(".o_statusbar_status .o_arrow_button_current:contains('Posted')"),
        ]
        url = "/odoo/action-crm_quote_pricer.account_move_action_pricer_to_invoice"
        self.run_tour("story_billing", url, self.billing.login, steps)
        self.assertEqual(down_payment.state, "posted")

    def _tour_support(self, ticket):
        steps = [
            click(".o_notebook .nav-link:contains('Coverage')"),
            check(form_field("coverage_state", "Covered")),
            check(form_field("support_plan_id") + " input:value(Story Gold)"),
            edit(form_field("support_hours") + " input", "6"),
            click(stage_button(self.stage_done), "Close the ticket"),
            check(current_stage(self.stage_done)),
            check(form_field("billing_state", "On Invoice")),
            check(form_field("billable_hours") + ":contains('2.00')"),
        ]
        url = f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}"
        self.run_tour("story_support", url, self.support.login, steps)
        self.assertEqual(ticket.support_hours, 6.0)
        self.assertEqual(ticket.billable_hours, 2.0)
        line = ticket.sudo().invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit), (2.0, 100.0))

    def _tour_upsell(self, over_quota):
        upsell = self.env["crm.lead"].search(
            [("helpdesk_ticket_id", "=", over_quota.id)]
        )
        self.assertEqual(upsell.user_id, self.sales)
        steps = [
            click(
                f".o_kanban_record:contains('{upsell.name}')",
                "The upsell opportunity is in the salesperson's pipeline",
            ),
            check(form_field("partner_id") + f" input:value({self.customer.name})"),
            check(".o_form_view button[name='action_view_helpdesk_ticket']"),
            click(".o_notebook .nav-link:contains('Support')"),
            check(form_field("upsell_rule", "Over quota")),
        ]
        url = "/odoo/action-crm.crm_lead_action_pipeline"
        self.run_tour("story_upsell", url, self.sales.login, steps)

    def _tour_marketing(self):
        config = self.fixed_rfm_config()
        steps = [
            click(".o_form_view button[name='action_recompute']", "Recompute now"),
            check(".o_notification:contains('RFM scores recomputed')"),
        ]
        url = f"/odoo/action-crm_segmentation.crm_rfm_config_action/{config.id}"
        self.run_tour("story_rfm", url, self.marketing.login, steps)
        new_customers = self.env.ref("crm_segmentation.rfm_class_new")
        score = self.env["crm.rfm.score"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(score.class_id, new_customers)
        segment = (
            self.env["crm.segment"]
            .with_user(self.marketing)
            .create({"name": "Story new customers", "class_ids": new_customers.ids})
        )
        steps = [
            click(".o_form_view button[name='action_compute']", "Compute members"),
            check(
                ".o_form_view button[name='action_view_members']:contains('Members')"
            ),
            click(".o_form_view button[name='action_sync_mailing_list']"),
            check(".o_notification:contains('added')"),
        ]
        url = f"/odoo/action-crm_segmentation.crm_segment_action/{segment.id}"
        self.run_tour("story_segment", url, self.marketing.login, steps)
        self.assertIn(self.customer, segment.member_ids.partner_id)
        self.assertIn(
            self.customer.email_normalized,
            segment.mailing_list_id.contact_ids.mapped("email_normalized"),
        )
