/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_helpdesk_link_tour", {
    steps: () => [
        {
            content: "Open the coverage tab of the ticket",
            trigger: ".o_notebook .nav-link:contains(Coverage)",
            run: "click",
        },
        {
            content: "The ticket is over its plan's quota",
            trigger: ".o_field_widget[name=coverage_state]:contains(Over Quota)",
        },
        {
            content: "The contract is linked",
            trigger: ".o_field_widget[name=contract_id]:contains(Live Contract)",
        },
        {
            content: "Log the hours spent",
            trigger: ".o_field_widget[name=support_hours] input",
            run: "edit 2",
        },
        {
            content: "Close the ticket",
            trigger: ".o_statusbar_status button:contains(Done)",
            run: "click",
        },
        {
            content: "The billable hours are on a draft invoice",
            trigger: ".o_field_widget[name=billing_state]:contains(On Invoice)",
        },
        {
            content: "The invoice is reachable from the ticket",
            trigger: "button[name=action_view_invoices]",
        },
        {
            content: "Open the upsell opportunity",
            trigger: "button[name=action_view_leads]",
            run: "click",
        },
        {
            content: "The opportunity is there for the salesperson",
            trigger: ".o_kanban_record:contains(Upsell), .o_data_row:contains(Upsell)",
        },
    ],
});
