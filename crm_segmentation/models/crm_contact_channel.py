# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import random

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# The contacts counted are those of the last year.
CHANNEL_DAYS = 365
# Preferred channel on a tie: the first of these.
CHANNELS = [
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("meeting", "Meeting"),
    ("portal", "Portal"),
]
# helpdesk_mgmt's ticket channels, by XML id, and the contact channel each is
TICKET_CHANNELS = {
    "helpdesk_mgmt.helpdesk_ticket_channel_email": "email",
    "helpdesk_mgmt.helpdesk_ticket_channel_phone": "phone",
    "helpdesk_mgmt.helpdesk_ticket_channel_web": "portal",
}


class ResPartner(models.Model):
    """How each customer answers, from what the database records of the last
    year, counted per channel on the commercial entity:

    * e-mail: mailing traces opened or replied (on the partner or its leads)
      and e-mails received from it;
    * phone and meeting: activities done, by the category of their type
      (the message an activity leaves when marked done), on the partner or
      its leads;
    * portal: logins of its portal users and messages it posted there;
    * tickets (with helpdesk_mgmt installed): by the ticket's channel.

    The preferred channel is the one with most contacts."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    contact_email_count = fields.Integer("E-mail Contacts", readonly=True)
    contact_phone_count = fields.Integer("Phone Contacts", readonly=True)
    contact_meeting_count = fields.Integer("Meeting Contacts", readonly=True)
    contact_portal_count = fields.Integer("Portal Visits", readonly=True)
    contact_ticket_count = fields.Integer("Tickets", readonly=True)
    preferred_contact_channel = fields.Selection(
        CHANNELS,
        readonly=True,
        index=True,
        help="The channel with the most contacts in the last year (e-mails "
        "opened or replied, calls and meetings done, portal use, tickets).",
    )
    contact_channel_date = fields.Datetime("Channels Computed On", readonly=True)

    def _contact_sources(self, since):
        """SQL of (pid, channel, n) rows: one per source, pid the partner
        (or contact) the contact is recorded on."""
        sources = [
            # mailing traces opened or replied, on partners and on leads
            SQL(
                """SELECT CASE WHEN t.model = 'res.partner' THEN t.res_id
                               ELSE l.partner_id END AS pid,
                          'email' AS ch, COUNT(*) AS n
                     FROM mailing_trace t
                LEFT JOIN crm_lead l ON t.model = 'crm.lead' AND l.id = t.res_id
                    WHERE (t.model = 'res.partner' OR l.partner_id IS NOT NULL)
                      AND t.trace_status IN ('open', 'reply')
                      AND COALESCE(t.reply_datetime, t.open_datetime,
                                   t.create_date) >= %s
                 GROUP BY 1""",
                since,
            ),
            # e-mails from the partner, and what it posted on the portal
            SQL(
                """SELECT m.author_id AS pid,
                          CASE WHEN m.message_type = 'email'
                               THEN 'email' ELSE 'portal' END AS ch,
                          COUNT(*) AS n
                     FROM mail_message m
                     JOIN res_partner ap ON ap.id = m.author_id
                    WHERE m.message_type IN ('email', 'comment')
                      AND m.date >= %s
                      AND NOT EXISTS (
                          SELECT 1 FROM res_users u
                           WHERE u.partner_id = m.author_id AND NOT u.share)
                 GROUP BY 1, 2""",
                since,
            ),
            # activities done: calls and meetings, on partners and on leads
            SQL(
                """SELECT CASE WHEN m.model = 'res.partner' THEN m.res_id
                               ELSE l.partner_id END AS pid,
                          CASE WHEN t.category = 'phonecall'
                               THEN 'phone' ELSE 'meeting' END AS ch,
                          COUNT(*) AS n
                     FROM mail_message m
                     JOIN mail_activity_type t ON t.id = m.mail_activity_type_id
                LEFT JOIN crm_lead l ON m.model = 'crm.lead' AND l.id = m.res_id
                    WHERE (m.model = 'res.partner' OR l.partner_id IS NOT NULL)
                      AND t.category IN ('phonecall', 'meeting')
                      AND m.date >= %s
                 GROUP BY 1, 2""",
                since,
            ),
            # logins of the partner's portal users
            SQL(
                """SELECT u.partner_id AS pid, 'portal' AS ch, COUNT(*) AS n
                     FROM res_users_log g
                     JOIN res_users u ON u.id = g.create_uid AND u.share
                    WHERE g.create_date >= %s
                 GROUP BY 1""",
                since,
            ),
        ]
        ticket_sql = self._contact_ticket_source(since)
        if ticket_sql:
            sources.append(ticket_sql)
        return SQL(" UNION ALL ").join(sources)

    def _contact_ticket_source(self, since):
        """Tickets per channel, if helpdesk_mgmt is installed: crm_segmentation
        installs without it."""
        if "helpdesk.ticket" not in self.env:
            return None
        Ticket = self.env["helpdesk.ticket"]
        if "channel_id" not in Ticket._fields:
            return self._contact_ticket_sql(since, {})
        channel_of = {}
        for xmlid, channel in TICKET_CHANNELS.items():
            record = self.env.ref(xmlid, raise_if_not_found=False)
            if record:
                channel_of[record.id] = channel
        return self._contact_ticket_sql(since, channel_of)

    @api.model
    def _contact_ticket_sql(self, since, channel_of):
        """Tickets per partner, plus one contact per ticket on the channel
        its channel maps to ({ticket channel id: contact channel}); without
        any mapping (channels deleted or renamed) the tickets alone."""
        tickets = SQL(
            """SELECT t.partner_id AS pid, 'ticket' AS ch, COUNT(*) AS n
                 FROM helpdesk_ticket t
                WHERE t.partner_id IS NOT NULL AND t.create_date >= %s
             GROUP BY 1""",
            since,
        )
        if not channel_of:
            return tickets
        cases = SQL(" ").join(
            SQL("WHEN %s THEN %s", channel_id, channel)
            for channel_id, channel in channel_of.items()
        )
        return SQL(
            """%(tickets)s
            UNION ALL
               SELECT t.partner_id AS pid,
                      CASE t.channel_id %(cases)s ELSE NULL END AS ch,
                      COUNT(*) AS n
                 FROM helpdesk_ticket t
                WHERE t.partner_id IS NOT NULL AND t.create_date >= %(since)s
                  AND t.channel_id IS NOT NULL
             GROUP BY 1, 2""",
            tickets=tickets,
            since=since,
            cases=cases,
        )

    @api.model
    def _recompute_contact_channels(self, companies=None):
        """Counts and preferred channel of the partners, in one statement
        whatever their number.

        ``companies``: only the partners of these companies and those shared
        by all companies are rewritten (what a manager recomputes from the
        contacts, for the companies it works in); None, every partner (the
        nightly cron, whose figures are the same for all companies)."""
        if not (
            self.env.su
            or self.env.user.has_group("crm_segmentation.group_segmentation_manager")
        ):
            raise AccessError(
                self.env._("Only segmentation managers recompute the contact channels.")
            )
        self.env.flush_all()
        now = fields.Datetime.now()
        since = fields.Datetime.subtract(now, days=CHANNEL_DAYS)
        self.env.cr.execute(
            SQL(
                """
                WITH src AS (%(sources)s),
                agg AS (
                    SELECT p.commercial_partner_id AS pid,
                           SUM(n) FILTER (WHERE ch = 'email') AS e,
                           SUM(n) FILTER (WHERE ch = 'phone') AS ph,
                           SUM(n) FILTER (WHERE ch = 'meeting') AS mt,
                           SUM(n) FILTER (WHERE ch = 'portal') AS po,
                           SUM(n) FILTER (WHERE ch = 'ticket') AS tk
                      FROM src
                      JOIN res_partner p ON p.id = src.pid
                     GROUP BY 1
                ),
                new AS (
                    SELECT p.id,
                           COALESCE(a.e, 0)::int AS e,
                           COALESCE(a.ph, 0)::int AS ph,
                           COALESCE(a.mt, 0)::int AS mt,
                           COALESCE(a.po, 0)::int AS po,
                           COALESCE(a.tk, 0)::int AS tk
                      FROM res_partner p
                 LEFT JOIN agg a ON a.pid = p.id
                     WHERE (a.pid IS NOT NULL
                            OR p.preferred_contact_channel IS NOT NULL
                            OR p.contact_ticket_count > 0)
                       AND %(in_companies)s
                )
                UPDATE res_partner p
                   SET contact_email_count = new.e,
                       contact_phone_count = new.ph,
                       contact_meeting_count = new.mt,
                       contact_portal_count = new.po,
                       contact_ticket_count = new.tk,
                       preferred_contact_channel = CASE
                           WHEN GREATEST(new.e, new.ph, new.mt, new.po) = 0
                                THEN NULL
                           WHEN new.e = GREATEST(new.e, new.ph, new.mt, new.po)
                                THEN 'email'
                           WHEN new.ph = GREATEST(new.ph, new.mt, new.po)
                                THEN 'phone'
                           WHEN new.mt = GREATEST(new.mt, new.po)
                                THEN 'meeting'
                           ELSE 'portal' END,
                       contact_channel_date = %(now)s
                  FROM new
                 WHERE p.id = new.id
                """,
                sources=self._contact_sources(since),
                now=now,
                in_companies=(
                    SQL("TRUE")
                    if companies is None
                    else SQL(
                        "(p.company_id IS NULL OR p.company_id IN %s)",
                        tuple(companies.ids) or (None,),
                    )
                ),
            )
        )
        self.invalidate_model(
            [
                "contact_email_count",
                "contact_phone_count",
                "contact_meeting_count",
                "contact_portal_count",
                "contact_ticket_count",
                "preferred_contact_channel",
                "contact_channel_date",
            ]
        )
        return self.env.cr.rowcount

    def action_recompute_contact_channels(self):
        """From the contacts' action menu; the rows given, if any, must be
        readable; the recompute covers the partners of the user's current
        companies and the shared ones, not another company's."""
        self.check_access("read")
        count = self._recompute_contact_channels(self.env.companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Contact channels recomputed for %(count)s partners.",
                    count=count,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _demo_contact_channels(self, seed=5):
        """Calls and meetings done and e-mails received for the demo
        customers, each with a habit, then the channels computed."""
        partners = self.search([("name", "=like", "Demo Customer %")])
        if not partners:
            return False
        rng = random.Random(seed)
        call = self.env.ref("mail.mail_activity_data_call")
        meeting = self.env.ref("mail.mail_activity_data_meeting")
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_vals = []
        for partner in partners:
            habit = rng.random()
            if habit < 0.35:  # answers the phone
                kinds = [call] * rng.randint(2, 5) + [meeting] * rng.randint(0, 1)
            elif habit < 0.5:  # wants to meet
                kinds = [meeting] * rng.randint(2, 3) + [call] * rng.randint(0, 1)
            elif habit < 0.8 and partner.email:  # writes e-mails
                kinds = [call] * rng.randint(0, 1)
                for _i in range(rng.randint(2, 4)):
                    partner.message_post(
                        body=self.env._("Question about my last invoice"),
                        author_id=partner.id,
                        message_type="email",
                        subtype_xmlid="mail.mt_comment",
                    )
            else:
                kinds = []
            activity_vals += [
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": kind.id,
                    "user_id": (partner.user_id or self.env.user).id,
                }
                for kind in kinds
            ]
        self.env["mail.activity"].create(activity_vals).action_feedback(
            feedback=self.env._("Done")
        )
        self._recompute_contact_channels()
        return True
