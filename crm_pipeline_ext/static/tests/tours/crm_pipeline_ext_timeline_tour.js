/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_ext_timeline_tour", {
    steps: () => [
        {
            content: "The customer's form is open",
            trigger: ".o_breadcrumb:contains('Tour Timeline Co')",
        },
        {
            content: "Open the Timeline tab",
            trigger: ".o_notebook .nav-link:contains('Timeline')",
            run: "click",
        },
        {
            content: "The timeline has a Department column",
            trigger: ".o_crm_timeline_table th:contains('Department')",
        },
        {
            content: "The salesperson's e-mail is on the timeline",
            trigger:
                ".o_crm_timeline_entry:contains('Price list sent'):contains('E-mail'):contains('Sales')",
        },
        {
            content: "and the signed order, with its amount",
            trigger: ".o_crm_timeline_entry[data-kind='order']:contains('250.00')",
        },
        {
            content: "Show only the quotes and orders",
            trigger: ".o_crm_timeline_filters select[name='kind']",
            run: "select order",
        },
        {
            content: "The e-mail is filtered out",
            trigger: ".o_crm_timeline_pager_value:contains('1-1 / 1')",
            run() {
                const kinds = [
                    ...document.querySelectorAll(".o_crm_timeline_entry"),
                ].map((row) => row.dataset.kind);
                if (kinds.join() !== "order") {
                    throw new Error(`Filtered timeline shows ${kinds.join()}`);
                }
            },
        },
        {
            content: "Open the order from the timeline",
            trigger: ".o_crm_timeline_entry[data-kind='order'] .o_crm_timeline_open",
            run: "click",
        },
        {
            content: "The order opens",
            trigger:
                ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Timeline Co'), " +
                ".o_form_view .o_field_widget[name='partner_id'] input:value('Tour Timeline Co')",
        },
    ],
});
