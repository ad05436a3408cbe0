# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""crm_segmentation's customer x month facts with a helpdesk installed: SLA
breaches and ticket ratings.

crm_segmentation does not depend on helpdesk_mgmt: it counts breaches and
ratings only when crm_helpdesk_link's breach flags and rating.rating are in
the registry. Alone it cannot test that path; with all four addons it can.
"""

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "crm_suite")
class TestCustomerMonthService(TransactionCase):
    """Customer C (contact Cc), tickets and ratings by hand:

    - T3 opened 2026-05-20, response and resolution SLA breached;
    - T1 opened 2026-06-03 by Cc, resolution SLA breached;
    - T2 opened 2026-06-10, not breached.

    Ratings (all on tickets of C, answered in June unless said):
    - T1 by Cc, 5 (satisfied); T1 by Cc, not answered (consumed False);
    - T2 by C, 5 on the 11th then 1 on the 25th: the last counts (dissatisfied);
    - T2 by another partner (an agent), 5: not the customer's, ignored;
    - T3 by C, 3 (neutral), answered in June although the ticket is of May.

    Expected: May 1 ticket, 1 breach, 0 rated; June 2 tickets, 1 breach,
    3 rated, 1 satisfied."""

    test_module = "crm_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Month Service C", "is_company": True})
        cls.contact = Partner.create(
            {"name": "Month Service Cc", "parent_id": cls.customer.id}
        )
        cls.agent = Partner.create({"name": "Month Service Agent"})
        Ticket = cls.env["helpdesk.ticket"]

        def ticket(name, partner, opened, **flags):
            rec = Ticket.create(
                {"name": name, "description": "<p>x</p>", "partner_id": partner.id}
            )
            if flags:
                rec.write(flags)
            rec.flush_recordset()
            # the opening date by hand: create_date is the transaction's time
            cls.env.cr.execute(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                (opened, rec.id),
            )
            return rec

        cls.t3 = ticket(
            "T3",
            cls.customer,
            "2026-05-20 09:00:00",
            sla_response_breached=True,
            sla_resolution_breached=True,
        )
        cls.t1 = ticket(
            "T1", cls.contact, "2026-06-03 09:00:00", sla_resolution_breached=True
        )
        cls.t2 = ticket("T2", cls.customer, "2026-06-10 09:00:00")
        model = cls.env["ir.model"]._get_id("helpdesk.ticket")
        for t, partner, value, consumed, rated_on in [
            (cls.t1, cls.contact, 5, True, "2026-06-20 10:00:00"),
            (cls.t1, cls.contact, 0, False, "2026-06-21 10:00:00"),
            (cls.t2, cls.customer, 5, True, "2026-06-11 10:00:00"),
            (cls.t2, cls.customer, 1, True, "2026-06-25 10:00:00"),
            (cls.t2, cls.agent, 5, True, "2026-06-26 10:00:00"),
            (cls.t3, cls.customer, 3, True, "2026-06-02 10:00:00"),
        ]:
            # rating.rating stamps rated_on with now() when a value is given
            with freeze_time(rated_on):
                cls.env["rating.rating"].create(
                    {
                        "res_model_id": model,
                        "res_id": t.id,
                        "partner_id": partner.id,
                        "rating": value,
                        "consumed": consumed,
                    }
                )
        cls.env.invalidate_all()
        cls.config = cls.env["crm.rfm.config"]._get_for_company(cls.env.company)

    def test_breaches_and_ratings_frozen(self):
        # the breach and rating counts below are 0 if either part of the
        # statement (_ticket_months_sql, _rating_months_sql) is not built
        self.config.sudo()._freeze_customer_months("2026-06-30")
        rows = self.env["crm.customer.month"].search(
            [
                ("cutoff_date", "=", "2026-06-30"),
                ("partner_id", "in", (self.customer | self.contact | self.agent).ids),
            ],
            order="month",
        )
        self.assertEqual(
            [
                (
                    r.partner_id,
                    str(r.month),
                    r.ticket_count,
                    r.breach_count,
                    r.rated_count,
                    r.satisfied_count,
                )
                for r in rows
            ],
            [
                (self.customer, "2026-05-01", 1, 1, 0, 0),
                (self.customer, "2026-06-01", 2, 1, 3, 1),
            ],
        )
