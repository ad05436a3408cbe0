# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .crm_period_mixin import PERIOD_KEY
from .numeric_guard import FINITE_CONTEXT, FiniteFloat, FiniteMonetary, finite

INVOICE_TYPES = ("out_invoice", "out_refund")


class CrmSalesTarget(models.Model):
    """What a salesperson or a team is expected to bring in a month or a
    quarter: won revenue, invoiced revenue and margin, each against its
    actual (the attainment)."""

    _name = "crm.sales.target"
    _description = "Sales Target"
    _inherit = ["crm.period.mixin"]
    _order = "date_from desc, team_id, user_id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Empty for the target of the whole team.",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_won_revenue = FiniteMonetary(string="Won Revenue Target")
    target_invoiced_revenue = FiniteMonetary(string="Invoiced Revenue Target")
    target_margin = FiniteMonetary(string="Margin Target")
    actual_won_revenue = FiniteMonetary(
        string="Won Revenue",
        compute="_compute_actuals",
        compute_sudo=True,
        help="Expected revenue of the opportunities won in the period.",
    )
    actual_invoiced_revenue = FiniteMonetary(
        string="Invoiced Revenue",
        compute="_compute_actuals",
        compute_sudo=True,
        help="Untaxed amount of the customer invoices (less credit notes) "
        "posted with an invoice date in the period.",
    )
    actual_margin = FiniteMonetary(
        string="Margin",
        compute="_compute_actuals",
        compute_sudo=True,
        help="Invoiced revenue less the cost of the products invoiced.",
    )
    won_attainment = FiniteFloat(
        string="Won Attainment (%)", compute="_compute_actuals", compute_sudo=True
    )
    invoiced_attainment = FiniteFloat(
        string="Invoiced Attainment (%)",
        compute="_compute_actuals",
        compute_sudo=True,
    )
    margin_attainment = FiniteFloat(
        string="Margin Attainment (%)", compute="_compute_actuals", compute_sudo=True
    )

    _unique_period = models.UniqueIndex(
        PERIOD_KEY, "There is already a target for this salesperson or team and period."
    )

    def _period_no_one_error(self):
        return self.env._("A sales target is for a salesperson or a team.")

    # actuals, for every target at once: one grouped read per source
    def _sum_into(self, targets, rows):
        """{target: sum} of (user, team, company, month, amount) rows that fall
        in the target's period and scope (its salesperson, else its team)."""
        result = defaultdict(float)
        index = defaultdict(list)
        for user_id, team_id, company_id, month, amount in rows:
            index[("user", user_id, company_id)].append((month, amount))
            index[("team", team_id, company_id)].append((month, amount))
        for target in targets:
            key = (
                ("user", target.user_id.id, target.company_id.id)
                if target.user_id
                else ("team", target.team_id.id, target.company_id.id)
            )
            for month, amount in index.get(key, ()):
                if target.date_from <= month <= target.date_to:
                    result[target] += finite(amount or 0.0)
        return result

    def _won_rows(self, companies, start, end):
        Lead = self.env["crm.lead"].with_context(
            active_test=False, **{FINITE_CONTEXT: True}
        )
        groups = Lead._read_group(
            [
                ("won_status", "=", "won"),
                ("company_id", "in", companies.ids),
                ("date_closed", ">=", fields.Datetime.to_datetime(start)),
                (
                    "date_closed",
                    "<",
                    fields.Datetime.to_datetime(end + relativedelta(days=1)),
                ),
            ],
            ["user_id", "team_id", "company_id", "date_closed:month"],
            ["expected_revenue:sum"],
        )
        return [
            (user.id, team.id, company.id, month.date(), amount)
            for user, team, company, month, amount in groups
        ]

    def _invoice_lines(self, companies, start, end):
        """(user, team, company, month, revenue, cost) per salesperson, team,
        month and product: grouped in SQL, so the rows do not grow with the
        number of invoices."""
        Line = self.env["account.move.line"].with_context(**{FINITE_CONTEXT: True})
        groups = Line._read_group(
            [
                ("move_id.move_type", "in", INVOICE_TYPES),
                ("parent_state", "=", "posted"),
                ("display_type", "=", "product"),
                ("company_id", "in", companies.ids),
                ("move_id.invoice_date", ">=", start),
                ("move_id.invoice_date", "<=", end),
            ],
            [
                "move_id.invoice_user_id",
                "move_id.team_id",
                "company_id",
                "move_id.invoice_date:month",
                "move_id.move_type",
                "product_id",
            ],
            ["balance:sum", "quantity:sum"],
        )
        result = []
        for user, team, company, month, move_type, product, balance, qty in groups:
            sign = -1 if move_type == "out_refund" else 1
            cost = (
                sign
                * finite(qty or 0.0)
                * finite(product.with_company(company).standard_price or 0.0)
            )
            result.append(
                (user.id, team.id, company.id, month, -finite(balance or 0.0), cost)
            )
        return result

    @api.depends(
        "user_id",
        "team_id",
        "company_id",
        "date_from",
        "date_to",
        "target_won_revenue",
        "target_invoiced_revenue",
        "target_margin",
    )
    def _compute_actuals(self):
        dated = self.filtered(lambda t: t.date_from and t.date_to)
        won = invoiced = margin = {}
        if dated:
            start = min(dated.mapped("date_from"))
            end = max(dated.mapped("date_to"))
            companies = dated.company_id
            won = self._sum_into(dated, self._won_rows(companies, start, end))
            lines = self._invoice_lines(companies, start, end)
            invoiced = self._sum_into(dated, [r[:5] for r in lines])
            margin = self._sum_into(dated, [(*r[:4], r[4] - r[5]) for r in lines])
        for target in self:
            target.actual_won_revenue = won.get(target, 0.0)
            target.actual_invoiced_revenue = invoiced.get(target, 0.0)
            target.actual_margin = margin.get(target, 0.0)
            target.won_attainment = self._ratio(
                target.actual_won_revenue, target.target_won_revenue
            )
            target.invoiced_attainment = self._ratio(
                target.actual_invoiced_revenue, target.target_invoiced_revenue
            )
            target.margin_attainment = self._ratio(
                target.actual_margin, target.target_margin
            )

    @staticmethod
    def _ratio(actual, target):
        return actual * 100.0 / target if target else 0.0
