# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestTour(HttpCase):
    def test_segment_to_mailing(self):
        # sender and reply-to of the mailing come from the user's email
        self.env.ref("base.partner_admin").email = "admin@example.com"
        partners = self.env["res.partner"].create(
            [
                {"name": "Tour Customer 1", "email": "tour1@example.com"},
                {"name": "Tour Customer 2", "email": "tour2@example.com"},
            ]
        )
        segment = self.env["crm.segment"].create(
            {
                "name": "Tour Segment",
                "partner_domain": repr([("id", "in", partners.ids)]),
            }
        )
        segment.action_compute()
        self.start_tour(
            "/odoo/action-crm_segmentation.crm_segment_action",
            "crm_segmentation_tour",
            login="admin",
        )
        self.assertEqual(segment.sync_state, "ok")
        self.assertEqual(len(segment.mailing_list_id.contact_ids), 2)
        mailing = self.env["mailing.mailing"].search(
            [("contact_list_ids", "in", segment.mailing_list_id.ids)]
        )
        self.assertEqual(len(mailing), 1)
