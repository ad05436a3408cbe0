/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("crm_pipeline_ext_manager_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "The card says what the next stage still needs, before any move",
            trigger:
                ".o_kanban_record:contains('Tour Hint Lead') .o_crm_gate_next_hint:contains('Tour Hint Gated needs'):contains('Tour hint checklist')",
        },
        {
            content: "A ready card shows no hint",
            trigger: ".o_kanban_record:contains('Tour Ready Lead')",
            run() {
                const card = [...document.querySelectorAll(".o_kanban_record")].find(
                    (el) => el.textContent.includes("Tour Ready Lead")
                );
                if (card.querySelector(".o_crm_gate_next_hint")) {
                    throw new Error("A card meeting the next gate shows a hint");
                }
            },
        },
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            content: "Open the salesperson KPIs",
            trigger:
                ".dropdown-menu .dropdown-item:contains('Salesperson KPIs'):not(:contains('Excel'))",
            run: "click",
        },
        {
            content: "The KPI pivot lists the salesperson",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('Tour Manager')",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list has a Month column",
            trigger: ".o_list_view th[data-name='month_label']:contains('Month')",
        },
        {
            content: "and a Company column, to tell companies apart",
            trigger: ".o_list_view th[data-name='company_id']",
        },
        {
            content: "The salesperson's row shows the month with its year",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Manager') td[name='month_label']:contains(' 20')",
        },
        {
            content: "The Excel export is offered in the report's menu",
            trigger: "button[data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            content: "Salesperson KPIs (Excel) is there",
            trigger:
                ".dropdown-menu .dropdown-item:contains('Salesperson KPIs (Excel)')",
        },
    ],
});
