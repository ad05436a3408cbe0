# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer satisfaction on closed tickets (issue 18)."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 10:00:00")
class TestCsat(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_done.rating_request = True
        cls.plan.write({"ticket_quota": 0, "hour_quota": 0.0})
        cls.agent = new_test_user(
            cls.env, login="csat_agent", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )

    def _rate(self, ticket, value):
        """The customer's flow: the public /rate page, in superuser mode
        after checking the token."""
        token = ticket._rating_get_access_token()
        ticket.sudo().rating_apply(value, token=token)

    def _closed_ticket(self, **vals):
        ticket = self._ticket(**vals)
        ticket.stage_id = self.stage_done
        return ticket

    def test_rating_request_on_close_once(self):
        ticket = self._ticket()
        Message = self.env["mail.message"]
        domain = [
            ("model", "=", "helpdesk.ticket"),
            ("res_id", "=", ticket.id),
            ("subject", "like", "How did we do?"),
        ]
        ticket.stage_id = self.stage_progress
        self.assertFalse(Message.search(domain))
        ticket.stage_id = self.stage_done
        self.assertEqual(len(Message.search(domain)), 1)
        self.assertEqual(ticket.rating_ids.partner_id, self.contact)
        # reopened and closed again: no second request
        ticket.stage_id = self.stage_progress
        ticket.stage_id = self.stage_done
        self.assertEqual(len(Message.search(domain)), 1)
        # a closed stage that does not ask
        other = self._ticket()
        other.stage_id = self.stage_cancelled
        self.assertFalse(other.rating_ids)

    def test_csat_per_ticket_contract_and_partner(self):
        happy = self._closed_ticket()
        self.assertFalse(happy.csat_rating)
        self._rate(happy, 5)
        self.assertEqual(happy.csat_rating, "satisfied")
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.support_csat_count, 1)
        self.assertEqual(self.contract.support_csat, 100.0)
        self.assertEqual(self.contract.support_health, "good")
        unhappy = self._closed_ticket()
        self._rate(unhappy, 1)
        self.assertEqual(unhappy.csat_rating, "dissatisfied")
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.support_csat, 50.0)
        self.assertEqual(self.contract.support_health, "warning")
        neutral = self._closed_ticket()
        self._rate(neutral, 3)
        self.assertEqual(neutral.csat_rating, "neutral")
        self.contract.invalidate_recordset()
        self.assertAlmostEqual(self.contract.support_csat, 100 / 3)
        self.assertEqual(self.contract.support_health, "critical")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.support_csat_count, 3)
        self.assertAlmostEqual(self.customer.support_csat, 100 / 3)
        self.assertEqual(self.customer.support_health, "critical")
        # the customer changes their mind: the last rating counts
        self._rate(unhappy, 5)
        self.assertEqual(unhappy.csat_rating, "satisfied")

    def test_only_the_customer_rates(self):
        """A rating by someone else than the ticket's customer does not count."""
        ticket = self._closed_ticket()
        self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                "res_id": ticket.id,
                "partner_id": self.other_customer.id,
                "rating": 5,
                "consumed": True,
            }
        )
        self.assertFalse(ticket.csat_rating)

    def test_support_user_cannot_rate_nor_change_ratings(self):
        """The weakest helpdesk role, through the API, on its own ticket and
        on another one: no rating created, changed, deleted or posted, and
        no CSAT written."""
        own = self._closed_ticket(user_id=self.agent.id)
        other = self._closed_ticket()
        self._rate(other, 1)
        rating = other.rating_ids
        Rating = self.env["rating.rating"].with_user(self.agent)
        with self.assertRaises(AccessError):
            Rating.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("helpdesk.ticket"),
                    "res_id": own.id,
                    "partner_id": self.contact.id,
                    "rating": 5,
                    "consumed": True,
                }
            )
        with self.assertRaises(AccessError):
            rating.with_user(self.agent).write({"rating": 5})
        with self.assertRaises(AccessError):
            rating.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            own.with_user(self.agent).message_post(body="Great!", rating_value=5)
        with self.assertRaises(UserError):
            own.with_user(self.agent).write({"csat_rating": "satisfied"})
        with self.assertRaises(AccessError):
            self.stage_done.with_user(self.agent).write({"rating_request": False})
        self.assertEqual(other.csat_rating, "dissatisfied")
        self.assertFalse(own.csat_rating)
        # ratings of other models keep the rating module's rules
        partner_rating = Rating.create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "rating": 3,
            }
        )
        partner_rating.write({"rating": 5})

    def test_customer_posts_a_rating(self):
        """The portal customer rates from the chatter of their ticket."""
        portal = new_test_user(
            self.env,
            login="csat_portal",
            groups="base.group_portal",
            partner_id=self.contact.id,
        )
        ticket = self._closed_ticket()
        ticket.with_user(portal).sudo().message_post(
            body="Thanks", rating_value=5, message_type="comment"
        )
        self.assertEqual(ticket.csat_rating, "satisfied")
        # posted in the name of another customer: refused before sudo
        with self.assertRaises(AccessError):
            self._closed_ticket(partner_id=self.other_customer.id).with_user(
                portal
            ).message_post(body="x", rating_value=1)
