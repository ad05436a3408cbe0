/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_quote_pricer_portal_configure_tour", {
    steps: () => [
        {
            content: "The customer sees the quote's configurable lines and total",
            trigger: "#pricer_configure .o_pricer_total:contains('520.00')",
        },
        {
            content: "The limits the salesperson set are shown",
            trigger: "#pricer_configure tr:contains('Frame A'):contains('1 - 20')",
        },
        {
            content: "Order 8 frames instead of 5",
            trigger: "#pricer_configure tr:contains('Frame A') input.o_pricer_qty",
            run: "edit 8 && click #pricer_configure h4",
        },
        {
            content: "The server repriced the quote: the new total is shown",
            trigger: "#pricer_configure .o_pricer_total:contains('820.00')",
        },
        {
            content: "Leave the option out",
            trigger: "#pricer_configure tr:contains('Bolt B') input.o_pricer_option",
            run: "click",
        },
        {
            content: "The total drops by the option's price",
            trigger: "#pricer_configure .o_pricer_total:contains('800.00')",
        },
        {
            content: "Asking for more than allowed is refused with the limits",
            trigger: "#pricer_configure tr:contains('Frame A') input.o_pricer_qty",
            run: "edit 50 && click #pricer_configure h4",
        },
        {
            content: "The refusal says why; the total is unchanged",
            trigger:
                "#pricer_configure .o_pricer_configure_error:contains('between 1 and 20')",
        },
        {
            content: "... and the quote can still be signed",
            trigger: "#pricer_configure .o_pricer_total:contains('800.00')",
        },
    ],
});
