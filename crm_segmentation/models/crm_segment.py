# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import ast

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, sql

from .crm_rfm_class import first_invalid_rfm_range
from .crm_segmentation_finite import FiniteMonetary

# Fields of the segment whose change does not change what its rules do:
# writing only these leaves the rules' owner as it is. Any other field the
# addon defines on the segment (a new one included) makes the writer the
# owner, whose rights then evaluate the rules.
COSMETIC_FIELDS = frozenset(
    {
        "name",
        "description",
        "sequence",
        "color",
        "active",
        "call_team_id",
        "call_activity_type_id",
        "call_summary",
        "apply_tag_id",
        "call_phone_preferred_only",
    }
)

# What a segment's rules can make PostgreSQL refuse (a value of the wrong
# type in the partner domain, a field gone with its module): the author's
# error, reported on the segment. Concurrency errors are not among them: the
# request or the job is retried.
RULE_SQL_ERRORS = (psycopg2.DataError, psycopg2.ProgrammingError)
# The fields that make the rules' SQL: a change is tried on save.
TRIED_FIELDS = frozenset(
    {
        "partner_domain",
        "commercial_only",
        "tag_ids",
        "country_ids",
        "industry_ids",
        "salesperson_ids",
        "min_open_tickets",
        "include_segment_ids",
        "exclude_segment_ids",
        "company_id",
        "rules_owner_id",
    }
)
# Errors of the rules or of their owner's rights: a WARNING in the log.
RULE_ERRORS = (UserError, ValueError, TypeError, KeyError, *RULE_SQL_ERRORS)


class CrmSegment(models.Model):
    """A partner domain plus conditions on RFM scores and metrics: the
    rules, their validation, and the user whose rights evaluate them.

    Members (``crm_segment_membership.py``), persona
    (``crm_segment_persona.py``) and campaigns (``crm_segment_campaign.py``)
    extend the model in their own files."""

    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.segmentation.guard"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(translate=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    segment_type = fields.Selection(
        [("dynamic", "Dynamic"), ("static", "Static")],
        required=True,
        default="dynamic",
        tracking=True,
        help="Dynamic segments are recomputed by the scheduler and on demand; "
        "static segments keep the member list frozen at their first computation.",
    )
    # --- rules -----------------------------------------------------------
    partner_domain = fields.Char(default="[]", tracking=True)
    commercial_only = fields.Boolean(
        "Companies and Individuals Only",
        default=True,
        help="Leave contacts of a company out: scores are kept on the "
        "commercial entity.",
    )
    tag_ids = fields.Many2many("res.partner.category", string="Tags")
    country_ids = fields.Many2many("res.country", string="Countries")
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    salesperson_ids = fields.Many2many(
        "res.users", string="Salespersons", check_company=True
    )
    r_min = fields.Integer("Recency Score From", default=1)
    r_max = fields.Integer("Recency Score To", default=5)
    f_min = fields.Integer("Frequency Score From", default=1)
    f_max = fields.Integer("Frequency Score To", default=5)
    m_min = fields.Integer("Monetary Score From", default=1)
    m_max = fields.Integer("Monetary Score To", default=5)
    class_ids = fields.Many2many(
        "crm.rfm.class", string="RFM Classes", check_company=True
    )
    revenue_min = FiniteMonetary(
        "Total Revenue From", allow_negative=True, help="0 means no lower bound."
    )
    revenue_max = FiniteMonetary(
        "Total Revenue To", allow_negative=True, help="0 means no upper bound."
    )
    last_order_from = fields.Date()
    last_order_to = fields.Date()
    min_open_tickets = fields.Integer(
        help="Only with a helpdesk installed: at least this many open tickets."
    )
    helpdesk_available = fields.Boolean(compute="_compute_helpdesk_available")
    include_segment_ids = fields.Many2many(
        "crm.segment",
        "crm_segment_include_rel",
        "segment_id",
        "other_id",
        string="Also Member Of",
        check_company=True,
        help="Members must also be in one of these segments.",
    )
    exclude_segment_ids = fields.Many2many(
        "crm.segment",
        "crm_segment_exclude_rel",
        "segment_id",
        "other_id",
        string="Not Member Of",
        check_company=True,
    )
    rules_owner_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The user who last changed the rules. Compute Members and the "
        "scheduler evaluate them with this user's rights, in the segment's "
        "company only, so both find the same members.",
    )

    @api.depends_context("uid")
    def _compute_helpdesk_available(self):
        available = "helpdesk.ticket" in self.env
        for rec in self:
            rec.helpdesk_available = available

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    def _parse_domain(self):
        """Parse the stored domain as a literal: no evaluation of user code."""
        self.ensure_one()
        text = (self.partner_domain or "").strip() or "[]"
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise ValidationError(
                self.env._(
                    "The partner domain of segment %(name)s is not a valid "
                    "domain: %(domain)s. Only literal values are allowed.",
                    name=self.name,
                    domain=text,
                )
            ) from None
        if not isinstance(value, list | tuple):
            raise ValidationError(
                self.env._(
                    "The partner domain of segment %(name)s must be a list.",
                    name=self.name,
                )
            )
        try:
            domain = Domain(list(value))
            domain.validate(self.env["res.partner"])
        except (ValueError, TypeError, KeyError, AttributeError, UserError) as error:
            raise ValidationError(
                self.env._(
                    "The partner domain of segment %(name)s is invalid: %(error)s",
                    name=self.name,
                    error=error,
                )
            ) from None
        return domain

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for rec in self:
            rec._parse_domain()

    def _try_rules(self):
        """Run the rules once, cheaply (one row at most), as they will run:
        as their owner (see _as_rules_owner), in the segment's company. What
        PostgreSQL or the owner's rights would refuse at compute time is
        refused on save. Not a constraint: constraints run as superuser."""
        for segments in self._grouped_by_rules_owner():
            for seg in segments._as_rules_owner():
                try:
                    with self.env.cr.savepoint(flush=False):
                        query = SQL(
                            "SELECT 1 FROM (%s) t LIMIT 1", seg._member_select()
                        )
                        # an expected user error: no ERROR line from the cursor
                        self.env.cr.execute(query, log_exceptions=False)
                except (*RULE_ERRORS, AccessError) as error:
                    raise ValidationError(seg._rules_error_message(error)) from None

    def _rules_error_message(self, error):
        if isinstance(error, psycopg2.Error):
            detail = error.diag.message_primary or str(error).splitlines()[0]
        else:
            detail = str(error)
        return self.env._(
            "The rules of segment %(name)s cannot be evaluated: %(error)s",
            name=self.name,
            error=detail,
        )

    @api.constrains("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")
    def _check_score_ranges(self):
        bad = first_invalid_rfm_range(self)
        if bad:
            raise ValidationError(
                self.env._(
                    "Segment %(name)s: score ranges go from 1 to 5, the "
                    "lower bound first.",
                    name=bad.name,
                )
            )

    @api.constrains("revenue_min", "revenue_max", "last_order_from", "last_order_to")
    def _check_bounds(self):
        for rec in self:
            if rec.revenue_max and rec.revenue_min > rec.revenue_max:
                raise ValidationError(
                    self.env._(
                        "Segment %(name)s: revenue bounds are inverted.", name=rec.name
                    )
                )
            if (
                rec.last_order_from
                and rec.last_order_to
                and rec.last_order_from > rec.last_order_to
            ):
                raise ValidationError(
                    self.env._(
                        "Segment %(name)s: order dates are inverted.", name=rec.name
                    )
                )

    @api.constrains("include_segment_ids", "exclude_segment_ids")
    def _check_self_reference(self):
        for rec in self:
            seen = set()
            todo = rec.include_segment_ids | rec.exclude_segment_ids
            while todo:
                if rec in todo:
                    raise ValidationError(
                        self.env._(
                            "Segment %(name)s references itself, directly or "
                            "through other segments.",
                            name=rec.name,
                        )
                    )
                seen.update(todo.ids)
                todo = (todo.include_segment_ids | todo.exclude_segment_ids).filtered(
                    lambda s, seen=seen: s.id not in seen
                )

    # ------------------------------------------------------------------
    # Owner of the rules
    # ------------------------------------------------------------------
    def _auto_init(self):
        new = not sql.column_exists(self.env.cr, self._table, "rules_owner_id")
        res = super()._auto_init()
        if new:
            # segments saved before owners were kept: their creator wrote them
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_segment SET rules_owner_id = create_uid "
                    "WHERE rules_owner_id IS NULL"
                )
            )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        unowned = segments.filtered(lambda seg: not seg.rules_owner_id)
        # sudo: the creator owns the rules (a read-only bookkeeping field);
        # that write tries the rules as their owner
        unowned.sudo().rules_owner_id = self.env.user
        (segments - unowned)._try_rules()
        return segments

    def write(self, vals):
        res = super().write(vals)
        rules = {
            name
            for name in vals
            if name not in COSMETIC_FIELDS
            and self._fields[name]._modules[:1] == ("crm_segmentation",)
        }
        if rules and not self.env.su:
            # sudo: whoever changes the rules owns them from now on, and the
            # scheduler evaluates them with that user's rights (bookkeeping);
            # that write tries the rules as their new owner
            self.sudo().rules_owner_id = self.env.user
        elif rules & TRIED_FIELDS:
            self._try_rules()
        return res

    def _as_rules_owner(self):
        """These segments (one owner, one company) as their rules' owner,
        with the segment's company as the only allowed company: the manual
        compute and the scheduler both evaluate the rules this way, never
        with the rights of whoever runs the job."""
        # sudo: the owner and company of the segments, to switch to them
        segs = self.sudo()
        owner, company = segs.rules_owner_id, segs.company_id
        if len(owner) != 1 or len(company) != 1:
            raise UserError(
                self.env._(
                    "Segment %(name)s has no rules owner any more: compute it "
                    "by hand to take its rules over.",
                    name=self[:1].name,
                )
            )
        if not owner._is_superuser() and company not in owner.company_ids:
            raise UserError(
                self.env._(
                    "Segment %(name)s: its rules owner %(user)s may not work "
                    "in %(company)s. Change the rules as a user of that "
                    "company to take them over.",
                    name=self[0].name,
                    user=owner.name,
                    company=company.name,
                )
            )
        return self.with_user(owner).with_context(allowed_company_ids=company.ids)

    def _grouped_by_rules_owner(self):
        """[segments] of one rules owner and company each."""
        groups = {}
        # sudo: owner and company only, to group the segments
        for seg in self.sudo():
            key = (seg.rules_owner_id.id, seg.company_id.id)
            groups.setdefault(key, []).append(seg.id)
        return [self.browse(ids) for ids in groups.values()]
