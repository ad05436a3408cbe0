# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""crm_helpdesk_link's NPS campaign sent to a crm_segmentation segment.

The campaign's recipients are a partner domain; with crm_segmentation
installed, `segment_member_ids.segment_id` selects a segment's members.
"""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "crm_suite")
class TestNpsSegment(TransactionCase):
    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.email = "support@example.com"
        Partner = cls.env["res.partner"]
        cls.inside = Partner.create(
            [
                {"name": f"Segment NPS {i}", "email": f"seg{i}@example.com"}
                for i in range(3)
            ]
        )
        cls.outside = Partner.create(
            {"name": "Not in the segment", "email": "out@example.com"}
        )
        cls.segment = cls.env["crm.segment"].create(
            {
                "name": "NPS targets",
                "partner_domain": repr([("id", "in", cls.inside.ids)]),
            }
        )
        cls.segment.action_compute()

    def test_campaign_sends_to_the_segment_members(self):
        self.assertEqual(self.segment.member_ids.partner_id, self.inside)
        campaign = self.env["helpdesk.nps.campaign"].create(
            {
                "name": "NPS to a segment",
                "partner_domain": repr(
                    [("segment_member_ids.segment_id", "=", self.segment.id)]
                ),
            }
        )
        self.assertEqual(campaign.recipient_count, 3)
        campaign.action_send()
        self.assertEqual(campaign.user_input_ids.partner_id, self.inside)
        self.assertNotIn(self.outside, campaign.user_input_ids.partner_id)
        self.assertEqual(campaign.invited_count, 3)
