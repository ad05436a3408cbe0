/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_ext_gate_tour", {
    steps: () => [
        {
            content: "Drag the opportunity to the gated stage",
            trigger: ".o_kanban_record:contains('Tour Gate Lead')",
            run: "drag_and_drop (.o_opportunity_kanban .o_kanban_group:has(.o_column_title:contains('Tour Gated')))",
        },
        {
            content: "The server refuses and lists what is missing",
            trigger: ".modal:contains('Tour checklist item')",
        },
        {
            content: "Close the error",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The card stays in its stage",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains('Tour Open')) .o_kanban_record:contains('Tour Gate Lead')",
            run: "click",
        },
        {
            content: "Open the stage history",
            trigger: ".o_form_view button[name='action_view_stage_history']",
            run: "click",
        },
        {
            content: "The history lists the entry in the stage",
            trigger: ".o_list_view .o_data_row:contains('Tour Open')",
        },
    ],
});
