/* Copyright 2026 CRM Suite Contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_segmentation_tour", {
    url: "/odoo/action-crm_segmentation.crm_segment_action",
    steps: () => [
        {
            content: "Open the segment",
            trigger: ".o_data_row td:contains('Tour Segment')",
            run: "click",
        },
        {
            content: "Sync its mailing list",
            trigger: "button[name='action_sync_mailing_list']",
            run: "click",
        },
        {
            content: "The sync reports what it did",
            trigger: ".o_notification:contains('added')",
        },
        {
            content: "The mailing list shows on the segment",
            trigger: "button[name='action_open_mailing_list']",
        },
        {
            content: "Create a mailing for the segment",
            trigger: "button[name='action_open_mailing']",
            run: "click",
        },
        {
            content: "Pick the basic theme",
            trigger: ".o_mailing_template_preview_wrapper [data-name='basic']",
            run: "click",
        },
        {
            trigger: ":iframe .o_mass_mailing_value .o_layout",
            // the mailing editor's assets may be rebuilt first (after an
            // install or uninstall): wait up to the tour maximum
            timeout: 60000,
        },
        {
            content: "The recipients are the segment's list",
            trigger:
                ".o_field_widget[name='contact_list_ids'] .o_tag:contains('Tour Segment')",
        },
        {
            content: "Save the mailing",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Back to the segment list (the mailing is saved on leaving)",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Segments')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td:contains('Tour Segment')",
        },
    ],
});
