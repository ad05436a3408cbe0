# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer x month fact table, frozen at each cut-off.

At each cut-off (a snapshot taken) one INSERT ... SELECT writes, for every
customer with something in a month (an invoice, an order, a ticket, a done
activity, a ticket rating), that month's figures as of the cut-off. Rows are
never updated: a month still open at a cut-off gets a new row at the next
cut-off, so a BI tool reads, per customer and month, the row of the latest
``cutoff_date``.
The months frozen are those since the month of the previous cut-off (the
last twelve at the first one)."""

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from .crm_segment_snapshot import partner_range_sql
from .crm_segmentation_finite import FiniteMonetary, finite_sql

FIRST_MONTHS = 12
# rating's RATING_LIMIT_SATISFIED and RATING_LIMIT_MIN (Odoo's 1/3/5 scale),
# not imported: the rating module may be absent
RATING_SATISFIED = 4
RATING_MIN = 1


class CrmRfmConfig(models.Model):
    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    def _ticket_months_sql(self, m0, end, lower=None, upper=None):
        """SQL (pid, mon, tickets, breaches) of the helpdesk tickets opened
        per month and of those whose SLA (response or resolution) was
        breached, or None when no helpdesk is installed. Checked at run time,
        once per freeze: the addon installs without a helpdesk, and the
        breach flags exist only with crm_helpdesk_link (0 without)."""
        if "helpdesk.ticket" not in self.env:
            return None
        Ticket = self.env["helpdesk.ticket"]
        if "partner_id" not in Ticket._fields or "company_id" not in Ticket._fields:
            return None
        flags = [
            SQL.identifier("t", name)
            for name in ("sla_response_breached", "sla_resolution_breached")
            if name in Ticket._fields and Ticket._fields[name].store
        ]
        breached = (
            SQL("COUNT(*) FILTER (WHERE %s)", SQL(" OR ").join(flags))
            if flags
            else SQL("0")
        )
        return SQL(
            """
            SELECT p.commercial_partner_id AS pid,
                   date_trunc('month', t.create_date)::date AS mon,
                   COUNT(*) AS tickets, %(breached)s AS breaches
              FROM helpdesk_ticket t
              JOIN res_partner p ON p.id = t.partner_id
             WHERE t.company_id = %(company)s
               AND t.create_date >= %(m0)s
               AND t.create_date < %(end)s
               AND %(range)s
             GROUP BY 1, 2""",
            breached=breached,
            range=partner_range_sql(SQL("p.commercial_partner_id"), lower, upper),
            company=self.company_id.id,
            m0=m0,
            end=end,
        )

    def _rating_months_sql(self, m0, end, lower=None, upper=None):
        """SQL (pid, mon, rated, satisfied): the tickets rated per month by
        their customer (a contact of the ticket's commercial partner), by
        the month of the answer, the last answer of a ticket in a month
        counting; satisfied as crm_helpdesk_link's CSAT says (rating 4-5 on
        Odoo's 1/3/5 scale). None without helpdesk tickets or ratings."""
        if "helpdesk.ticket" not in self.env or "rating.rating" not in self.env:
            return None
        Ticket = self.env["helpdesk.ticket"]
        if "partner_id" not in Ticket._fields or "company_id" not in Ticket._fields:
            return None
        return SQL(
            """
            SELECT pid, mon, COUNT(*) AS rated,
                   COUNT(*) FILTER (WHERE rating >= %(satisfied)s) AS satisfied
              FROM (
                SELECT DISTINCT ON (r.res_id, a.mon)
                       tp.commercial_partner_id AS pid, a.mon, r.rating
                  FROM rating_rating r
                  CROSS JOIN LATERAL (
                    SELECT COALESCE(r.rated_on, r.write_date) AS at,
                           date_trunc('month', COALESCE(r.rated_on, r.write_date))
                               ::date AS mon) a
                  JOIN helpdesk_ticket t ON t.id = r.res_id
                  JOIN res_partner tp ON tp.id = t.partner_id
                  JOIN res_partner rp ON rp.id = r.partner_id
                 WHERE r.res_model = 'helpdesk.ticket'
                   AND r.consumed AND r.rating >= %(min)s
                   AND rp.commercial_partner_id = tp.commercial_partner_id
                   AND t.company_id = %(company)s
                   AND a.at >= %(m0)s AND a.at < %(end)s
                   AND %(range)s
                 ORDER BY r.res_id, a.mon, a.at DESC, r.id DESC
              ) last_answer
             GROUP BY 1, 2""",
            satisfied=RATING_SATISFIED,
            range=partner_range_sql(SQL("tp.commercial_partner_id"), lower, upper),
            min=RATING_MIN,
            company=self.company_id.id,
            m0=m0,
            end=end,
        )

    def _freeze_customer_months(self, date, lower=None, upper=None):
        """Insert the customer x month rows of the cut-off ``date`` (of the
        customers whose id is in (lower, upper] when bounds are given: a
        chunk; run again, it writes nothing twice)."""
        self.ensure_one()
        self.env.flush_all()
        date = fields.Date.to_date(date)
        # the first month frozen: the month of the previous cut-off, or the
        # last FIRST_MONTHS months at the first one; given to the statement
        # as plain dates, which the planner estimates better
        previous = self.env.execute_query(
            SQL(
                "SELECT MAX(cutoff_date) FROM crm_customer_month "
                "WHERE company_id = %s AND cutoff_date < %s",
                self.company_id.id,
                date,
            )
        )[0][0]
        m0 = (previous or date - relativedelta(months=FIRST_MONTHS - 1)).replace(day=1)
        end = date + relativedelta(days=1)  # timestamps before the next day
        tickets = self._ticket_months_sql(m0, end, lower, upper)
        ticket_cte = tickets or SQL(
            "SELECT NULL::int AS pid, NULL::date AS mon, 0 AS tickets,"
            " 0 AS breaches WHERE false"
        )
        rating_cte = self._rating_months_sql(m0, end, lower, upper) or SQL(
            "SELECT NULL::int AS pid, NULL::date AS mon, 0 AS rated,"
            " 0 AS satisfied WHERE false"
        )
        self.env.execute_query(
            SQL(
                """
            WITH inv AS (
                SELECT m.commercial_partner_id AS pid,
                       date_trunc('month', m.invoice_date)::date AS mon,
                       SUM(-%(balance)s) AS revenue, SUM(%(margin)s) AS margin,
                       COUNT(DISTINCT m.id)
                           FILTER (WHERE m.move_type = 'out_invoice') AS invoices
                  FROM account_move m
                  JOIN account_move_line l
                    ON l.move_id = m.id AND l.display_type = 'product'
                  LEFT JOIN product_product pp ON pp.id = l.product_id
                 WHERE %(filter)s
                   AND m.invoice_date >= %(m0)s
                   AND m.invoice_date <= %(d)s
                   AND %(range_inv)s
                 GROUP BY 1, 2),
            so AS (
                SELECT p.commercial_partner_id AS pid,
                       date_trunc('month', o.date_order)::date AS mon,
                       COUNT(*) AS orders
                  FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state = 'sale' AND o.company_id = %(company)s
                   AND o.date_order >= %(m0)s
                   AND o.date_order < %(end)s
                   AND %(range_p)s
                 GROUP BY 1, 2),
            tk AS (%(tickets)s),
            rt AS (%(ratings)s),
            act AS (
                SELECT p.commercial_partner_id AS pid,
                       date_trunc('month', msg.date)::date AS mon,
                       COUNT(*) AS activities
                  FROM mail_message msg
                  LEFT JOIN crm_lead ld
                    ON msg.model = 'crm.lead' AND ld.id = msg.res_id
                  JOIN res_partner p
                    ON p.id = CASE WHEN msg.model = 'res.partner' THEN msg.res_id
                                   ELSE ld.partner_id END
                 WHERE msg.mail_activity_type_id IS NOT NULL
                   AND msg.model IN ('res.partner', 'crm.lead')
                   AND (ld.id IS NULL OR ld.company_id = %(company)s)
                   AND msg.date >= %(m0)s
                   AND msg.date < %(end)s
                   AND %(range_p)s
                 GROUP BY 1, 2),
            k AS (
                SELECT pid, mon FROM inv UNION SELECT pid, mon FROM so
                UNION SELECT pid, mon FROM tk UNION SELECT pid, mon FROM act
                UNION SELECT pid, mon FROM rt)
            INSERT INTO crm_customer_month (
                company_id, cutoff_date, month, partner_id, class_id, revenue,
                margin, invoice_count, order_count, ticket_count,
                activity_count, breach_count, rated_count, satisfied_count,
                create_uid, create_date, write_uid, write_date)
            SELECT %(company)s, %(date)s, k.mon, k.pid, s.class_id,
                   COALESCE(inv.revenue, 0), COALESCE(inv.margin, 0),
                   COALESCE(inv.invoices, 0), COALESCE(so.orders, 0),
                   COALESCE(tk.tickets, 0), COALESCE(act.activities, 0),
                   COALESCE(tk.breaches, 0), COALESCE(rt.rated, 0),
                   COALESCE(rt.satisfied, 0),
                   %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM k
              LEFT JOIN inv ON inv.pid = k.pid AND inv.mon = k.mon
              LEFT JOIN so ON so.pid = k.pid AND so.mon = k.mon
              LEFT JOIN tk ON tk.pid = k.pid AND tk.mon = k.mon
              LEFT JOIN act ON act.pid = k.pid AND act.mon = k.mon
              LEFT JOIN rt ON rt.pid = k.pid AND rt.mon = k.mon
              LEFT JOIN crm_rfm_score s
                ON s.partner_id = k.pid AND s.company_id = %(company)s
            ON CONFLICT (company_id, cutoff_date, month, partner_id) DO NOTHING
            """,
                date=date,
                d=date,
                m0=m0,
                end=end,
                company=self.company_id.id,
                balance=finite_sql(SQL("l.balance"), 0),
                margin=self._margin_sql(),
                filter=self._invoice_filter(),
                tickets=ticket_cte,
                ratings=rating_cte,
                uid=self.env.uid,
                range_inv=partner_range_sql(
                    SQL("m.commercial_partner_id"), lower, upper
                ),
                range_p=partner_range_sql(SQL("p.commercial_partner_id"), lower, upper),
            )
        )


class CrmSegmentSnapshot(models.Model):
    _inherit = "crm.segment.snapshot"  # pylint: disable=consider-merging-classes-inherited

    def action_take(self):
        """A cut-off also freezes the customer x month facts."""
        res = super().action_take()
        Config = self.env["crm.rfm.config"]
        for company, snaps in self.grouped("company_id").items():
            # sudo: the facts are the application's bookkeeping of the
            # cut-off whose right (snapshot write) super() checked
            config = Config._get_for_company(company).sudo()
            for date in sorted(set(snaps.mapped("date"))):
                config._freeze_customer_months(date)
        return res


class CrmCustomerMonth(models.Model):
    """One customer, one month, as of one cut-off: insert-only.

    Table ``crm_customer_month``, readable over SQL by a BI tool (columns in
    the README)."""

    _name = "crm.customer.month"
    _description = "Customer Month (frozen at a cut-off)"
    _inherit = ["crm.segmentation.guard"]
    _order = "month desc, cutoff_date desc, partner_id"
    _rec_name = "partner_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade", index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cutoff_date = fields.Date("Cut-off", required=True, readonly=True, index=True)
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    class_id = fields.Many2one(
        "crm.rfm.class",
        "RFM Class",
        readonly=True,
        check_company=True,
        help="The customer's class at the cut-off.",
    )
    revenue = FiniteMonetary(
        readonly=True,
        allow_negative=True,
        help="Posted invoice and refund lines of the month, company currency.",
    )
    margin = FiniteMonetary(
        readonly=True,
        allow_negative=True,
        help="Revenue minus the products' cost times the quantities.",
    )
    invoice_count = fields.Integer("Invoices", readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    ticket_count = fields.Integer(
        "Tickets", readonly=True, help="Helpdesk tickets opened (0 without a helpdesk)."
    )
    activity_count = fields.Integer(
        "Activities",
        readonly=True,
        help="Activities done on the customer or its leads.",
    )
    breach_count = fields.Integer(
        "SLA Breaches",
        readonly=True,
        help="Tickets opened in the month whose response or resolution SLA "
        "was breached (0 without crm_helpdesk_link's SLA).",
    )
    rated_count = fields.Integer(
        "Rated Tickets",
        readonly=True,
        help="Tickets the customer rated in the month, the last answer "
        "counting (0 without a helpdesk).",
    )
    satisfied_count = fields.Integer(
        "Satisfied",
        readonly=True,
        help="Rated tickets whose answer was satisfied (rating 4-5): CSAT is "
        "satisfied over rated.",
    )

    _cutoff_month_partner_uniq = models.Constraint(
        "unique(company_id, cutoff_date, month, partner_id)",
        "A customer has one row per month and cut-off.",
    )
