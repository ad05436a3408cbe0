/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

const billedRow = ".o_data_row:contains(Billed tour ticket)";

registry.category("web_tour.tours").add("crm_helpdesk_link_billing_tour", {
    steps: () => [
        {
            content: "Billable tickets are filtered by default",
            trigger: ".o_searchview_facet:contains(Billable)",
        },
        {
            content: "The list shows the hours spent",
            trigger: "th[data-name=support_hours]:contains(Hours Spent)",
        },
        {
            content: "... the billable hours",
            trigger: "th[data-name=billable_hours]:contains(Billable Hours)",
        },
        {
            content: "... the billing state",
            trigger: "th[data-name=billing_state]:contains(Billing)",
        },
        {
            content: "... and the amount",
            trigger: "th[data-name=billable_amount]:contains(Amount)",
        },
        {
            content: "The billed ticket's hours, in decimals as on the invoice",
            trigger: `${billedRow} td[name=billable_hours]:contains(3.00)`,
        },
        {
            content: "Its billing state",
            trigger: `${billedRow} td[name=billing_state]:contains(On Invoice)`,
        },
        {
            content: "Its amount: 3 hours at 60.00",
            trigger: `${billedRow} td[name=billable_amount]:contains(180.00)`,
        },
        {
            content: "The cancelled ticket is not listed",
            trigger:
                ".o_list_table:not(:has(.o_data_row:contains(Cancelled tour ticket)))",
        },
        {
            content: "Open the billed ticket",
            trigger: `${billedRow} td[name=name]`,
            run: "click",
        },
        {
            content: "Its invoice is one click away",
            trigger: "button[name=action_view_invoices]",
        },
    ],
});

registry.category("web_tour.tours").add("crm_helpdesk_link_helpdesk_tour", {
    steps: () => [
        {
            content: "Open the coverage tab of the ticket",
            trigger: ".o_notebook .nav-link:contains(Coverage)",
            run: "click",
        },
        {
            content: "The ticket is covered",
            trigger: ".o_field_widget[name=coverage_state]:contains(Covered)",
        },
        {
            content: "by the customer's plan",
            trigger: ".o_field_widget[name=support_plan_id] input:value(Tour Plan)",
        },
        {
            content: "of the customer's contract",
            trigger: ".o_field_widget[name=contract_id]:contains(Tour Contract)",
        },
        {
            content: "Hours left in the period, in decimals",
            trigger: ".o_field_widget[name=hours_remaining]:contains(2.50)",
        },
        {
            content: "The SLA deadline of the plan's tier",
            trigger: ".o_field_widget[name=sla_resolution_deadline]:not(:empty)",
        },
        {
            content: "Log the hours spent",
            trigger: ".o_field_widget[name=support_hours] input",
            run: "edit 1.5",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The hours left count the ticket's hours",
            trigger:
                ".o_form_saved .o_field_widget[name=hours_remaining]:contains(1.00)",
        },
    ],
});
