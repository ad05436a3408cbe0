# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""crm_helpdesk_link's NPS campaign sent to a crm_segmentation segment.

The campaign's recipients are a partner domain; with crm_segmentation
installed, `segment_member_ids.segment_id` selects a segment's members.
"""

from datetime import timedelta

from odoo import Command, fields
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

    def test_segment_of_detractors_with_an_active_contract(self):
        """The segment of crm_helpdesk_link's readme."""
        today = fields.Date.today()
        detractor, promoter, no_contract = self.inside
        product = self.env["product.product"].create(
            {"name": "Support", "type": "service"}
        )
        for partner in (detractor, promoter):
            self.env["contract.contract"].create(
                {
                    "name": f"Support {partner.name}",
                    "partner_id": partner.id,
                    "contract_type": "sale",
                    "line_recurrence": True,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": "Support",
                                "quantity": 1,
                                "price_unit": 100.0,
                                "recurring_rule_type": "monthly",
                                "date_start": today - timedelta(days=30),
                                "recurring_next_date": today,
                            }
                        )
                    ],
                }
            )
        question = self.env.ref("crm_helpdesk_link.survey_nps_question_score")
        campaign = self.env["helpdesk.nps.campaign"].create(
            {"name": "NPS", "partner_domain": repr([("id", "in", self.inside.ids)])}
        )
        campaign.action_send()
        for answer in campaign.user_input_ids:
            answer._save_lines(question, "10" if answer.partner_id == promoter else "3")
            answer._mark_done()
        segment = self.env["crm.segment"].create(
            {
                "name": "Detractors with an active contract",
                "partner_domain": repr(
                    [
                        ("nps_category", "=", "detractor"),
                        ("support_contract_active", "=", True),
                    ]
                ),
            }
        )
        segment.action_compute()
        self.assertEqual(segment.member_ids.partner_id, detractor)
        self.assertEqual(no_contract.nps_category, "detractor")
