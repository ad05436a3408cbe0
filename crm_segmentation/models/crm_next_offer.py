# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .crm_segmentation_finite import FiniteFloat

# Offers kept per customer.
TOP_OFFERS = 3


class CrmNextOffer(models.Model):
    """The product categories to offer a customer next: those bought by
    customers who bought what it bought, and that it has not bought.

    Over the customers of a company (posted customer invoices), the lift of
    the rule A -> B is P(B|A) / P(B) = n(A and B) * N / (n(A) * n(B)), N the
    customers who bought anything. A category B the customer has not bought
    scores the best lift among the categories A it bought (support: the
    customers behind that rule, n(A and B)); those above 1 are kept, best
    first. Written by the recompute in SQL: clients only read them."""

    _name = "crm.next.offer"
    _description = "Next Product to Offer"
    _inherit = ["crm.segmentation.guard"]
    _order = "company_id, partner_id, rank"
    _rec_name = "categ_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    categ_id = fields.Many2one(
        "product.category",
        "Product Category",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    rank = fields.Integer(readonly=True)
    lift = FiniteFloat(
        readonly=True,
        digits=(16, 4),
        aggregator="max",
        help="How much more often customers who bought what this customer "
        "bought also bought this category, than customers in general.",
    )
    support = fields.Integer(
        readonly=True, help="Customers who bought both: the evidence of the lift."
    )
    source_categ_id = fields.Many2one(
        "product.category",
        "Because of",
        ondelete="set null",
        readonly=True,
        help="The category bought by the customer that gives the lift.",
    )
    basis_customers = fields.Integer(
        "Customers Behind",
        readonly=True,
        help="Customers of the company whose invoices the lifts were computed from.",
    )
    basis_date = fields.Datetime("Computed On", readonly=True)

    @api.model
    def _recompute(self, companies=None):
        """All offers of the companies, in one statement whatever the number
        of customers, invoices and categories."""
        if not (
            self.env.su
            or self.env.user.has_group("crm_segmentation.group_segmentation_manager")
        ):
            raise AccessError(
                self.env._("Only segmentation managers recompute the next offers.")
            )
        companies = companies or self.env.companies
        self.env.flush_all()
        ids = tuple(companies.ids)
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL("DELETE FROM crm_next_offer WHERE company_id IN %s", ids)
        )
        self.env.cr.execute(
            SQL(
                """
                WITH cp AS (
                    SELECT DISTINCT am.company_id, am.commercial_partner_id AS pid,
                           pt.categ_id AS cat
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN product_product pp ON pp.id = aml.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE am.state = 'posted'
                       AND am.move_type = 'out_invoice'
                       AND aml.display_type = 'product'
                       AND am.company_id IN %(ids)s
                       AND am.commercial_partner_id IS NOT NULL
                       AND pt.categ_id IS NOT NULL
                ),
                -- each customer's basket: the categories it bought, sorted
                basket AS (
                    SELECT company_id, pid, array_agg(cat ORDER BY cat) AS cats
                      FROM cp GROUP BY 1, 2
                ),
                -- the distinct baskets and their customers: customers with
                -- the same basket get the same offers, so everything below
                -- works on baskets (a few thousand at most with a few
                -- dozen categories), not on customers x rules
                kind AS (
                    SELECT company_id, cats, COUNT(*) AS n
                      FROM basket GROUP BY 1, 2
                ),
                total AS (
                    SELECT company_id, SUM(n)::bigint AS n FROM kind GROUP BY 1
                ),
                per_cat AS (
                    SELECT k.company_id, c.cat, SUM(k.n)::bigint AS n
                      FROM kind k CROSS JOIN LATERAL unnest(k.cats) AS c(cat)
                     GROUP BY 1, 2
                ),
                pair AS (
                    SELECT k.company_id, a.cat AS ca, b.cat AS cb,
                           SUM(k.n)::bigint AS nab
                      FROM kind k
                     CROSS JOIN LATERAL unnest(k.cats) AS a(cat)
                     CROSS JOIN LATERAL unnest(k.cats) AS b(cat)
                     WHERE b.cat <> a.cat
                     GROUP BY 1, 2, 3
                ),
                rule AS (
                    SELECT p.company_id, p.ca, p.cb, p.nab, t.n AS customers,
                           p.nab::float8 * t.n / (na.n * nb.n) AS lift
                      FROM pair p
                      JOIN total t ON t.company_id = p.company_id
                      JOIN per_cat na ON na.company_id = p.company_id
                                     AND na.cat = p.ca
                      JOIN per_cat nb ON nb.company_id = p.company_id
                                     AND nb.cat = p.cb
                     -- only rules that lift: a basket's best source for a
                     -- category is then the same, with fewer pairs to join
                     WHERE p.nab::float8 * t.n / (na.n * nb.n) > 1 + 1e-9
                ),
                candidate AS (
                    SELECT DISTINCT ON (k.company_id, k.cats, r.cb)
                           k.company_id, k.cats, r.cb AS cat, r.ca AS source,
                           r.lift, r.nab, r.customers
                      FROM kind k
                     CROSS JOIN LATERAL unnest(k.cats) AS a(cat)
                      JOIN rule r ON r.company_id = k.company_id AND r.ca = a.cat
                     WHERE r.cb <> ALL (k.cats)
                     ORDER BY k.company_id, k.cats, r.cb, r.lift DESC, r.nab DESC,
                              r.ca
                ),
                ranked AS (
                    SELECT *, ROW_NUMBER() OVER (
                               PARTITION BY company_id, cats
                               ORDER BY lift DESC, nab DESC, cat) AS rk
                      FROM candidate
                )
                INSERT INTO crm_next_offer
                       (partner_id, company_id, categ_id, source_categ_id, rank,
                        lift, support, basis_customers, basis_date,
                        create_uid, create_date, write_uid, write_date)
                SELECT b.pid, o.company_id, o.cat, o.source, o.rk,
                       ROUND(o.lift::numeric, 4), o.nab, o.customers, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM ranked o
                  JOIN basket b ON b.company_id = o.company_id AND b.cats = o.cats
                 WHERE o.rk <= %(top)s
                """,
                ids=ids,
                now=now,
                uid=self.env.uid,
                top=TOP_OFFERS,
            )
        )
        count = self.env.cr.rowcount
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["next_offer_ids"])
        return count

    def action_recompute(self):
        """From the list's action menu; the rows given, if any, must be
        readable (the recompute covers the user's companies)."""
        self.check_access("read")
        count = self._recompute()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s offers computed.", count=count),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
