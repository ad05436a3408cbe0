/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_quote_pricer_tour", {
    steps: () => [
        {
            content: "Price the quote of the opportunity",
            trigger: ".o_form_view button[name='action_pricer_price_quotes']",
            run: "click",
        },
        {
            content: "The priced quote opens with its lines",
            trigger: ".o_form_view .o_field_widget[name='order_line'] .o_data_row",
        },
        {
            content: "Ask for approval: the discount is outside authority",
            trigger: ".o_form_view button[name='request_validation']",
            run: "click",
        },
        {
            content: "Approve as approver",
            trigger: ".o_form_view button[name='validate_tier']",
            run: "click",
        },
        {
            content: "Approved",
            trigger: ".o_form_view .alert-success",
        },
        {
            content: "Confirm the quote",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The quote is a sales order",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "Open the fulfilment tab",
            trigger: ".o_notebook .nav-link:contains('Fulfilment')",
            run: "click",
        },
        {
            content: "The manufacturing order is listed",
            trigger: ".o_field_widget[name='pricer_production_ids'] .o_data_row",
        },
        {
            content: "The down-payment invoice is listed",
            trigger: ".o_field_widget[name='invoice_ids'] .o_data_row",
        },
    ],
});
