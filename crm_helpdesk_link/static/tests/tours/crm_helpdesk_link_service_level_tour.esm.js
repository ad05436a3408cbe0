/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_helpdesk_link_service_level_tour", {
    steps: () => [
        {
            content: "The report opens as a pivot, per team",
            trigger: ".o_pivot th:contains(Support Desk)",
        },
        {
            content: "It shows the average response time",
            trigger: ".o_pivot th:contains(Response Time (h))",
        },
        {
            content: "... the breach rate",
            trigger: ".o_pivot th:contains(Breach Rate (%))",
        },
        {
            content: "... and the CSAT",
            trigger: ".o_pivot th:contains(CSAT (%))",
        },
        {
            content: "Two rated tickets, one satisfied: CSAT 50",
            trigger: ".o_pivot td:contains(50.00)",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The dissatisfied ticket is listed with its CSAT",
            trigger:
                ".o_data_row:contains(Slow tour ticket) td[name=csat_rating]:contains(Dissatisfied)",
        },
    ],
});
