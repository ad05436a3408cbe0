/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("crm_pipeline_ext_competitor_tab_tour", {
    steps: () => [
        {
            content: "Open the Competitors tab of the lost opportunity",
            trigger: ".o_notebook .nav-link:contains('Competitors')",
            run: "click",
        },
        {
            content: "Their price has its own column",
            trigger:
                ".o_field_widget[name='competitor_line_ids'] th:contains('Their Price')",
        },
        {
            content: "The competitor who won it is listed, with the outcome",
            trigger:
                ".o_field_widget[name='competitor_line_ids'] .o_data_row:contains('Tour Rival'):contains('Won by them')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_pipeline_ext_win_loss_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            content: "Open the win/loss report",
            trigger:
                ".dropdown-menu .dropdown-item:contains('Win/Loss'):not(:contains('Excel'))",
            run: "click",
        },
        {
            content: "The pivot has a row for the competitor",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('Tour Rival')",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the lost revenue",
            trigger:
                ".o_list_view th[data-name='lost_amount']:contains('Lost Revenue')",
        },
        {
            content: "The lost opportunity's row, with its reason",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Lost Deal'):contains('Tour Too expensive')",
        },
    ],
});
