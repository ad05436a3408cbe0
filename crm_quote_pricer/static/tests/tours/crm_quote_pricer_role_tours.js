/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

const LINES = ".o_form_view .o_field_widget[name='order_line']";

registry.category("web_tour.tours").add("crm_quote_pricer_salesperson_tour", {
    steps: () => [
        {
            content: "The quote's lines show the Discount column",
            trigger: `${LINES} th[data-name='discount']`,
        },
        {
            content: "The hand discount of the line is visible",
            trigger: `${LINES} .o_data_row td[name='discount']:contains('12')`,
        },
        {
            content: "Open the line's price waterfall",
            trigger: `${LINES} .o_data_row button[name='action_pricer_open_line_waterfall']`,
            run: "click",
        },
        {
            content: "The waterfall starts from the list price",
            trigger:
                ".modal .o_pricer_waterfall tr:contains('List price'):contains('1,000.00')",
        },
        {
            content: "... goes through the rate card's rule",
            trigger:
                ".modal .o_pricer_waterfall tr:contains('Role catalogue'):contains('950.00')",
        },
        {
            content: "... and ends with the salesperson's discount",
            trigger:
                ".modal .o_pricer_waterfall tr:last-child:contains('discount'):contains('12.00 %'):contains('836.00')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            content: "The Waterfall button lists the quote's lines",
            trigger: ".o_form_view button[name='action_pricer_open_waterfall']",
            run: "click",
        },
        {
            content: "A line of the list opens its waterfall",
            trigger:
                ".o_list_view .o_data_row td[name='product_id']:contains('Role press')",
            run: "click",
        },
        {
            content: "The line's waterfall, discount last",
            trigger:
                ".o_form_view .o_pricer_waterfall tr:last-child:contains('discount'):contains('836.00')",
        },
    ],
});

registry.category("web_tour.tours").add("crm_quote_pricer_approver_tour", {
    steps: () => [
        {
            content: "Open Sales > Orders",
            trigger: ".o_menu_sections .dropdown-toggle:contains('Orders')",
            run: "click",
        },
        {
            content: "Open the approver's queue",
            trigger: ".o-dropdown--menu .dropdown-item:contains('To Approve')",
            run: "click",
        },
        {
            content: "The queue is filtered on what waits for my review only",
            trigger: ".o_searchview .o_facet_value:contains('Needs my Review')",
        },
        {
            content: "... not on my own quotations",
            trigger:
                ".o_searchview:not(:has(.o_facet_value:contains('My Quotations')))",
        },
        {
            content: "The waiting quote is listed",
            trigger:
                ".o_list_view .o_data_row:contains('Role Customer') td[name='partner_id']",
            run: "click",
        },
        {
            content: "The approver can approve it",
            trigger: ".o_form_view button[name='validate_tier']",
        },
    ],
});

registry.category("web_tour.tours").add("crm_quote_pricer_production_tour", {
    steps: () => [
        {
            content: "The manufacturing order of the quote is listed with its customer",
            trigger:
                ".o_list_view .o_data_row td[name='pricer_partner_id']:contains('Role Customer')",
            run: "click",
        },
        {
            content: "Open the quote from the manufacturing order",
            trigger: ".o_form_view .o_field_widget[name='pricer_sale_order_id'] a",
            run: "click",
        },
        {
            content: "The read-only quote heads its down payments with a section",
            trigger: `${LINES} .o_is_line_section:contains('Down Payments')`,
        },
        {
            content: "... and names the down-payment row",
            trigger: `${LINES} .o_data_row:not(.o_is_line_section):contains('Down Payment')`,
        },
        {
            content: "The product line is there too",
            trigger: `${LINES} .o_data_row:contains('Role press')`,
        },
    ],
});

registry.category("web_tour.tours").add("crm_quote_pricer_salesperson_es_tour", {
    steps: () => [
        {
            content: "Open the line's price waterfall",
            trigger: `${LINES} .o_data_row button[name='action_pricer_open_line_waterfall']`,
            run: "click",
        },
        {
            content: "Spanish labels and number format: the list price",
            trigger:
                ".modal .o_pricer_waterfall tr:contains('Precio de tarifa'):contains('1.000,00')",
        },
        {
            content: "... and the salesperson's discount last",
            trigger:
                ".modal .o_pricer_waterfall tr:last-child:contains('Descuento del comercial'):contains('12,00 %'):contains('836,00')",
        },
    ],
});
