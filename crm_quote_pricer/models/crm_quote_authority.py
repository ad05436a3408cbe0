# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from .finite_values import FiniteFloat


class CrmQuoteAuthority(models.Model):
    _name = "crm.quote.authority"
    _description = "Discount Authority"
    _inherit = ["mail.thread", "crm.quote.pricer.finite"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", tracking=True, index=True, check_company=True
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", tracking=True, check_company=True
    )
    max_discount = FiniteFloat(
        string="Max Discount (%)",
        tracking=True,
        help="Largest discount below the rate-card price this user or team "
        "may grant without approval.",
    )
    min_margin = FiniteFloat(
        string="Min Margin (%)",
        tracking=True,
        help="Lowest line margin this user or team may sell at without approval.",
    )
    allow_below_floor = fields.Boolean(
        string="May Sell Below Floor",
        tracking=True,
        help="Lines under the rules' margin floor are flagged but not blocked.",
    )
    can_approve = fields.Boolean(
        string="Approver",
        tracking=True,
        help="The user approves quotes of others that fall within this authority.",
    )
    forbid_self_approval = fields.Boolean(
        default=True,
        tracking=True,
        help="The user may not approve quotes they sell or asked approval for.",
    )

    @api.depends("user_id", "team_id")
    def _compute_name(self):
        for rec in self:
            rec.name = rec.user_id.name or rec.team_id.name or ""

    @api.constrains("user_id", "team_id", "can_approve", "max_discount", "min_margin")
    def _check_holder(self):
        for rec in self:
            if not 0 <= rec.max_discount <= 100:
                raise ValidationError(
                    self.env._("The maximum discount must be between 0 and 100%.")
                )
            if not -100 < rec.min_margin < 100:
                raise ValidationError(
                    self.env._("The minimum margin must be between -100 and 100%.")
                )
            if bool(rec.user_id) == bool(rec.team_id):
                raise ValidationError(
                    self.env._("An authority applies to a user or to a team, not both.")
                )
            if rec.can_approve and not rec.user_id:
                raise ValidationError(
                    self.env._("Only an authority given to a user can approve quotes.")
                )
            if rec.can_approve and not rec.user_id.has_group(
                "crm_quote_pricer.group_quote_approver"
            ):
                raise ValidationError(
                    self.env._(
                        "%s must be in the Quote Approver group to approve quotes.",
                        rec.user_id.name,
                    )
                )

    @api.model
    def _for_user(self, user, team, company):
        """The authority of a salesperson: their own row, else their team's."""
        return self._pricer_candidates(user, team, company)._pricer_pick(
            user, team, company
        )

    @api.model
    def _pricer_candidates(self, users, teams, companies):
        """One search for the rows :meth:`_pricer_pick` may choose from.

        ``users``/``teams`` may hold empty records: those match rows without a
        user/team, as ``_for_user`` always did.
        """
        return self.search(
            Domain("company_id", "in", companies.ids + [False])
            & (
                Domain("user_id", "in", [u.id or False for u in users] or [False])
                | Domain("team_id", "in", [t.id or False for t in teams] or [False])
            )
        )

    def _pricer_pick(self, user, team, company):
        """Among ``self`` (candidates), the row of ``user`` else of ``team``."""
        rows = self.filtered(
            lambda r: r.company_id.id in (company.id, False)
            and (r.user_id == user or r.team_id == team)
        )
        own = rows.filtered(lambda r: r.user_id == user)
        return own[:1] or rows.filtered(lambda r: team and r.team_id == team)[:1]
