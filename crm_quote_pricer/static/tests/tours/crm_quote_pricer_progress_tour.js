/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_quote_pricer_progress_lead_tour", {
    steps: () => [
        {
            content: "Open the opportunity's Order Progress tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Order Progress')",
            run: "click",
        },
        {
            content: "The late production is flagged",
            trigger: ".o_form_view .alert-warning:contains('planned to end after')",
        },
        {
            content: "The order's MO shows its state and planned date",
            trigger:
                ".o_form_view .o_pricer_progress tr:contains('Manufacturing'):contains('Confirmed'):contains('2030-02-01')",
        },
        {
            content: "... with what is invoiced, paid and still to invoice",
            trigger:
                ".o_form_view .o_pricer_progress tr:contains('Still to Invoice'):contains('1,000.00')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_quote_pricer_progress_order_tour", {
    steps: () => [
        {
            content: "The salesperson has the late-production to-do on the order",
            trigger: ".o-mail-Activity:contains('planned after the promised date')",
        },
        {
            content: "Open the Fulfilment tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Fulfilment')",
            run: "click",
        },
        {
            content: "Production is planned, late against the promised date",
            trigger:
                ".o_form_view .o_field_widget[name='pricer_mo_state']:contains('Planned')",
        },
        {
            content: "The late flag is shown",
            trigger:
                ".o_form_view .o_field_widget[name='pricer_mo_late'] input:checked",
        },
        {
            content: "Nothing is invoiced yet",
            trigger:
                ".o_form_view .o_field_widget[name='pricer_amount_to_invoice']:contains('1,000.00')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_quote_pricer_milestone_billing_tour", {
    steps: () => [
        {
            content: "Billing's list shows the quote of each draft",
            trigger: ".o_list_view th[data-name='pricer_sale_order_id']",
        },
        {
            content: "The down payment drafted at confirmation is there",
            trigger:
                ".o_list_view .o_data_row:contains('Plan Tour Customer'):contains('570.00')",
        },
        {
            content: "Open the production-done share",
            trigger:
                ".o_list_view .o_data_row:contains('Plan Tour Customer'):contains('760.00') td[name='invoice_partner_display_name']",
            run: "click",
        },
        {
            content: "Billing may post it",
            trigger: ".o_form_view button[name='action_post']",
        },
    ],
});
