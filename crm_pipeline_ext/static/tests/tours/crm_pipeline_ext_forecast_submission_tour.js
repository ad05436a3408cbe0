/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("crm_pipeline_ext_forecast_submission_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open the CRM app"),
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='crm.crm_menu_report']",
            run: "click",
        },
        {
            content: "Open the forecast submissions",
            trigger: ".dropdown-menu .dropdown-item:contains('Forecast Submissions')",
            run: "click",
        },
        {
            content: "The list has a Commit column",
            trigger: ".o_list_view th[data-name='commit_amount']:contains('Commit')",
        },
        {
            content: "New forecast",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The salesperson is the user",
            trigger: ".o_field_widget[name='user_id'] input:value('Tour Forecaster')",
        },
        {
            content: "Commit",
            trigger: ".o_field_widget[name='commit_amount'] input",
            run: "edit 12000",
        },
        {
            content: "Best case",
            trigger: ".o_field_widget[name='best_case_amount'] input",
            run: "edit 18000",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved as a draft",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Submit",
            trigger: ".o_form_view button[name='action_submit']",
            run: "click",
        },
        {
            content: "The forecast is submitted",
            trigger:
                ".o_statusbar_status .o_arrow_button_current:contains('Submitted')",
        },
        {
            content: "and its commit can no longer be edited",
            trigger:
                ".o_field_widget.o_readonly_modifier[name='commit_amount']:contains('12,000')",
        },
        {
            content: "The Submit button is gone",
            trigger: ".o_form_view .o_statusbar_status",
            run() {
                if (
                    document.querySelector(".o_form_view button[name='action_submit']")
                ) {
                    throw new Error("A submitted forecast still offers Submit");
                }
            },
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .o_back_button a, .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The list shows the submitted forecast with its commit",
            trigger:
                ".o_list_view .o_data_row:contains('Tour Forecaster'):contains('12,000'):contains('Submitted')",
        },
    ],
});
