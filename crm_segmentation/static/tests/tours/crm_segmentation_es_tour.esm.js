/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

/* The marketing user, in Spanish: a segment, its persona and a snapshot. */
registry.category("web_tour.tours").add("crm_segmentation_es_tour", {
    url: "/odoo/action-crm_segmentation.crm_segment_action",
    steps: () => [
        {
            content: "The segments, in Spanish",
            trigger: ".o_breadcrumb:contains('Segmentos')",
        },
        {
            content: "Open the segment",
            trigger: ".o_data_row td:contains('Segmento Tour')",
            run: "click",
        },
        {
            content: "Open its persona",
            trigger: ".o_notebook .nav-link:contains('Perfil')",
            run: "click",
        },
        {
            content: "Members per country: a header the user can read",
            trigger: ".o_field_widget[name='persona_line_ids'] th:contains('Miembros')",
        },
        {
            content: "The country is named in Spanish, its count a whole number",
            trigger:
                ".o_field_widget[name='persona_line_ids'] .o_data_row:has(td:contains('España')) td[name='member_count']:contains('2'):not(:contains(','))",
        },
        {
            content: "A chart of the countries",
            trigger:
                "button[name='action_view_persona_chart']:contains('Gráfico de países')",
            run: "click",
        },
        {
            content: "The chart opens",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "Go to the snapshots",
            trigger: "body",
            run: "goToUrl /odoo/action-crm_segmentation.crm_segment_snapshot_action",
            expectUnloadPage: true,
        },
        {
            content: "The snapshots, in Spanish",
            trigger: ".o_breadcrumb:contains('Instantáneas')",
        },
        {
            content: "The snapshot is named after its segment, date and time",
            trigger:
                ".o_data_row td[name='name']:contains('Segmento Tour, '):contains(' a las ')",
            run: "click",
        },
        {
            content: "Its form shows the same name",
            trigger:
                ".o_form_view .oe_title:contains('Segmento Tour, '):contains(' a las ')",
        },
        {
            content: "The RFM classes",
            trigger: "body",
            run: "goToUrl /odoo/action-crm_segmentation.crm_rfm_class_action",
            expectUnloadPage: true,
        },
        {
            content: "Lower and upper bounds have their own short headers",
            trigger: ".o_list_view th:contains('R mín.')",
        },
        {
            trigger: ".o_list_view th:contains('R máx.')",
        },
        {
            content: "The migration matrix",
            trigger: "body",
            run: "goToUrl /odoo/action-crm_segmentation.crm_segment_migration_action",
            expectUnloadPage: true,
        },
        {
            content: "Pick the earlier snapshot",
            trigger: ".o_field_widget[name='snapshot_from_id'] input",
            run: "edit Segmento",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('01/11/2026')",
            run: "click",
        },
        {
            content: "Pick the later snapshot",
            trigger: ".o_field_widget[name='snapshot_to_id'] input",
            run: "edit Segmento",
        },
        {
            trigger:
                ".o-autocomplete--dropdown-item:contains(' a las '):not(:contains('01/11/2026'))",
            run: "click",
        },
        {
            content: "Show the matrix",
            trigger: "button[name='action_compute']",
            run: "click",
        },
        {
            content: "The title says which axis is the earlier snapshot",
            trigger:
                ".o_breadcrumb:contains('Filas: clase en Segmento Tour, 01/11/2026 a las 10:00'):contains('Columnas: clase en Segmento Tour, ')",
        },
    ],
});
