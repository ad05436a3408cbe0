# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import HttpCase, new_test_user, tagged


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

    def test_marketing_tour_in_spanish(self):
        """The marketing user in Spanish walks a segment, its persona and a
        snapshot, and reads Spanish labels, country names and snapshot
        names."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["base", "web", "crm_segmentation"], ["es_ES"]
        )
        new_test_user(
            self.env,
            login="tour_marketing_es",
            groups="crm_segmentation.group_segmentation_manager,"
            "mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman",
            lang="es_ES",
            tz="Europe/Madrid",
        )
        spain = self.env.ref("base.es")
        partners = self.env["res.partner"].create(
            [{"name": f"Cliente Tour {i}", "country_id": spain.id} for i in (1, 2)]
        )
        segment = self.env["crm.segment"].create(
            {
                "name": "Segmento Tour",
                "partner_domain": repr([("id", "in", partners.ids)]),
            }
        )
        segment.action_compute()
        Snapshot = self.env["crm.segment.snapshot"]
        earlier = Snapshot.create({"segment_ids": segment.ids})
        # sudo: an earlier date and time, as the scheduler would have taken it
        earlier.sudo().write({"date": "2026-11-01", "taken_at": "2026-11-01 09:00:00"})
        earlier.action_take()
        Snapshot.create({"segment_ids": segment.ids}).action_take()
        self.start_tour(
            "/odoo/action-crm_segmentation.crm_segment_action",
            "crm_segmentation_es_tour",
            login="tour_marketing_es",
        )
