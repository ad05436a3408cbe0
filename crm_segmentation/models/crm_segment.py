# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import ast
import logging

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, sql

from .crm_rfm_class import first_invalid_rfm_range

_logger = logging.getLogger(__name__)

PERSONA_TOP = 5

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
    """A partner domain plus conditions on RFM scores and metrics.

    Members are materialized in crm.segment.member with one statement
    (DELETE + UPSERT in a CTE), whatever the number of partners."""

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
    revenue_min = fields.Monetary(
        "Total Revenue From", allow_negative=True, help="0 means no lower bound."
    )
    revenue_max = fields.Monetary(
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
    # --- members -----------------------------------------------------------
    member_ids = fields.One2many("crm.segment.member", "segment_id")
    member_count = fields.Integer(readonly=True)
    last_computed = fields.Datetime(readonly=True)
    rules_owner_id = fields.Many2one(
        "res.users",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The user who last changed the rules. Compute Members and the "
        "scheduler evaluate them with this user's rights, in the segment's "
        "company only, so both find the same members.",
    )
    compute_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the scheduler could not recompute the segment last time.",
    )
    # --- persona -----------------------------------------------------------
    persona_size = fields.Integer("Size", readonly=True)
    persona_avg_order_value = fields.Monetary(
        "Average Order Value", readonly=True, allow_negative=True
    )
    persona_purchase_frequency = fields.Float(
        "Purchase Frequency", readonly=True, help="Average invoices per member."
    )
    persona_line_ids = fields.One2many("crm.segment.persona.line", "segment_id")
    persona_date = fields.Datetime(
        "Persona As Of",
        readonly=True,
        help="Refreshed with the members by Compute Members and the scheduler, "
        "or on its own by Refresh Persona.",
    )
    # --- campaigns -----------------------------------------------------------
    # mailing.list has no company in Odoo: see _check_mailing_list_company
    mailing_list_id = fields.Many2one("mailing.list", copy=False, tracking=True)
    auto_sync_mailing_list = fields.Boolean(
        help="Sync the mailing list each time the scheduler recomputes the segment."
    )
    sync_state = fields.Selection(
        [
            ("never", "Never Synced"),
            ("ok", "Synced"),
            ("warning", "Synced with Warnings"),
            ("error", "Failed"),
        ],
        default="never",
        readonly=True,
        copy=False,
    )
    sync_message = fields.Text(readonly=True, copy=False)
    last_sync_date = fields.Datetime(readonly=True, copy=False)
    call_team_id = fields.Many2one(
        "crm.team",
        check_company=True,
        help="Members without a salesperson are spread round-robin over this "
        "team's members.",
    )
    call_activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ),
    )
    call_summary = fields.Char()
    apply_tag_id = fields.Many2one("res.partner.category", "Tag to Apply")

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

    @api.constrains("mailing_list_id", "company_id")
    def _check_mailing_list_company(self):
        """mailing.list has no company in Odoo. The rule here: a list fed by
        segments belongs to the company of those segments, and a segment of
        another company cannot feed (and so replace the subscribers of) it.
        Lists no segment feeds stay shared, as Email Marketing has them."""
        lists = self.mailing_list_id
        if not lists:
            return
        # sudo: how many companies' segments feed these lists, whatever the
        # caller reads; only that yes/no leaves this method
        all_segments = self.sudo().with_context(active_test=False)
        rows = all_segments._read_group(
            [("mailing_list_id", "in", lists.ids)],
            ["mailing_list_id"],
            ["company_id:count_distinct"],
        )
        shared = {mailing_list for mailing_list, count in rows if count > 1}
        bad = self.filtered(lambda seg: seg.mailing_list_id in shared)
        if bad:
            raise ValidationError(
                self.env._(
                    "Segment %(name)s: the chosen mailing list is fed by "
                    "segments of another company. Choose another list, or "
                    "leave it empty and Sync Mailing List creates one.",
                    name=bad[0].name,
                )
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

    # ------------------------------------------------------------------
    # Membership
    # ------------------------------------------------------------------
    def _get_partner_domain(self):
        self.ensure_one()
        domain = self._parse_domain()
        # members are partners of the segment's company or shared ones,
        # whoever evaluates the rules (the superuser included)
        domain &= Domain("company_id", "in", [self.company_id.id, False])
        if self.commercial_only:
            domain &= Domain("parent_id", "=", False)
        if self.tag_ids:
            domain &= Domain("category_id", "in", self.tag_ids.ids)
        if self.country_ids:
            domain &= Domain("country_id", "in", self.country_ids.ids)
        if self.industry_ids:
            domain &= Domain("industry_id", "in", self.industry_ids.ids)
        if self.salesperson_ids:
            domain &= Domain("user_id", "in", self.salesperson_ids.ids)
        return domain

    def _member_select(self):
        """SQL selecting (pid, sid) of the members: one query for any size.

        The score conditions are added to the partners' own query (its domain
        and record rules), not to a second scan of the partners."""
        self.ensure_one()
        query = self.env["res.partner"]._search(self._get_partner_domain())
        pid = SQL.identifier(query.table, "id")
        query.add_join(
            "LEFT JOIN",
            "s",
            "crm_rfm_score",
            SQL("s.partner_id = %s AND s.company_id = %s", pid, self.company_id.id),
        )
        conds = []
        for col, low, high in (
            ("r_score", self.r_min, self.r_max),
            ("f_score", self.f_min, self.f_max),
            ("m_score", self.m_min, self.m_max),
        ):
            if low > 1 or high < 5:
                conds.append(
                    SQL("s.%s BETWEEN %s AND %s", SQL.identifier(col), low, high)
                )
        if self.class_ids:
            conds.append(SQL("s.class_id IN %s", tuple(self.class_ids.ids)))
        if self.revenue_min:
            conds.append(SQL("s.monetary >= %s", self.revenue_min))
        if self.revenue_max:
            conds.append(SQL("s.monetary <= %s", self.revenue_max))
        if self.last_order_from:
            conds.append(SQL("s.last_order_date >= %s", self.last_order_from))
        if self.last_order_to:
            conds.append(SQL("s.last_order_date <= %s", self.last_order_to))
        if self.include_segment_ids:
            conds.append(
                SQL(
                    "EXISTS (SELECT 1 FROM crm_segment_member i WHERE "
                    "i.partner_id = %s AND i.segment_id IN %s)",
                    pid,
                    tuple(self.include_segment_ids.ids),
                )
            )
        if self.exclude_segment_ids:
            conds.append(
                SQL(
                    "NOT EXISTS (SELECT 1 FROM crm_segment_member x WHERE "
                    "x.partner_id = %s AND x.segment_id IN %s)",
                    pid,
                    tuple(self.exclude_segment_ids.ids),
                )
            )
        if self.min_open_tickets > 0 and "helpdesk.ticket" in self.env:
            tickets = self.env["helpdesk.ticket"]._search(
                [("stage_id.closed", "=", False)]
            )
            conds.append(
                SQL(
                    """%s IN (SELECT tp.commercial_partner_id
                                  FROM helpdesk_ticket t
                                  JOIN res_partner tp ON tp.id = t.partner_id
                                 WHERE t.id IN %s
                                 GROUP BY tp.commercial_partner_id
                                HAVING COUNT(*) >= %s)""",
                    pid,
                    tickets.subselect(),
                    self.min_open_tickets,
                )
            )
        for cond in conds:
            query.add_where(cond)
        return query.select(SQL("%s AS pid", pid), SQL("s.id AS sid"))

    def _compute_members(self):
        """Materialize the members and their count: one statement per segment
        that writes only the difference (bench row 2)."""
        self.env.flush_all()
        now = fields.Datetime.now()
        for seg in self:
            seg._write_members(now)
        self.env["crm.segment.member"].invalidate_model()
        self.invalidate_recordset(["member_ids"])
        self._refresh_member_count()
        # sudo: when the members were last computed (read-only bookkeeping)
        self.sudo().write({"last_computed": now, "compute_error": False})

    def _write_members(self, now):
        """One statement: the members of this segment as its rules select
        them in the current environment (the rules' owner)."""
        self.ensure_one()
        try:
            select = self._member_select()
        except AccessError as error:
            raise AccessError(self._rules_error_message(error)) from None
        # The FULL JOIN classifies each partner as joining, leaving or
        # re-scored: PostgreSQL runs a full join only as a hash or merge
        # join, never as a nested loop, so the diff stays linear whatever
        # the statistics of a segment that just grew say. The writes then
        # touch rows by id, and unchanged members are not written at all.
        query = SQL(
            """
            WITH new AS (%(select)s),
            diff AS MATERIALIZED (
                SELECT new.pid, new.sid, old.id AS mid
                  FROM new
                  FULL JOIN (SELECT id, partner_id, score_id
                               FROM crm_segment_member
                              WHERE segment_id = %(seg)s) old
                    ON old.partner_id = new.pid
                 WHERE new.pid IS NULL OR old.id IS NULL
                    OR old.score_id IS DISTINCT FROM new.sid),
            gone AS (
                DELETE FROM crm_segment_member m USING diff
                 WHERE diff.pid IS NULL AND m.id = diff.mid),
            rescored AS (
                UPDATE crm_segment_member m
                   SET score_id = diff.sid, write_uid = %(uid)s,
                       write_date = %(now)s
                  FROM diff
                 WHERE diff.pid IS NOT NULL AND m.id = diff.mid)
            INSERT INTO crm_segment_member (
                segment_id, partner_id, company_id, score_id,
                create_uid, create_date, write_uid, write_date)
            SELECT %(seg)s, diff.pid, %(company)s, diff.sid,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM diff
             WHERE diff.mid IS NULL
            -- a concurrent recompute of the same segment added it first
            ON CONFLICT (segment_id, partner_id)
            DO UPDATE SET score_id = EXCLUDED.score_id
            """,
            select=select,
            seg=self.id,
            company=self.company_id.id,
            uid=self.env.uid,
            now=now,
        )
        self.env.flush_query(query)
        try:
            # bad rules are their author's error, not the server's: a clear
            # message instead of an ERROR line from the cursor
            self.env.cr.execute(query, log_exceptions=False)
        except RULE_SQL_ERRORS as error:
            raise UserError(self._rules_error_message(error)) from None

    def _recompute(self):
        """Members, then the persona of the new members."""
        self._compute_members()
        self._compute_persona()

    def _refresh_member_count(self):
        if not self:
            return
        counts = dict(
            self.env["crm.segment.member"]
            # sudo: a count per segment of self, no member leaves this method
            .sudo()  # counting only, whatever rules the caller has
            ._read_group([("segment_id", "in", self.ids)], ["segment_id"], ["__count"])
        )
        for seg in self:
            # sudo: a stored count kept right for readers who cannot write segments
            seg.sudo().member_count = counts.get(seg, 0)

    def _compute_persona(self):
        """Aggregate profile: a fixed number of queries for all segments."""
        if not self:
            return
        self.env.flush_all()
        Line = self.env["crm.segment.persona.line"]
        seg_ids = tuple(self.ids)
        stats = {
            sid: rest
            for sid, *rest in self.env.execute_query(
                SQL(
                    """SELECT m.segment_id, COUNT(*), COALESCE(SUM(s.monetary), 0),
                              COALESCE(SUM(s.frequency), 0),
                              COALESCE(AVG(COALESCE(s.frequency, 0)), 0)
                         FROM crm_segment_member m
                         LEFT JOIN crm_rfm_score s ON s.id = m.score_id
                        WHERE m.segment_id IN %s
                        GROUP BY m.segment_id""",
                    seg_ids,
                )
            )
        }

        def top_rows(query):
            """{segment id: [(key, value)]}, the PERSONA_TOP best per segment."""
            rows = self.env.execute_query(
                SQL(
                    """SELECT sid, rid, val FROM (
                           SELECT t.*, ROW_NUMBER() OVER (
                                  PARTITION BY t.sid ORDER BY t.val DESC, t.rid) AS rn
                             FROM (%(query)s) t) r
                        WHERE rn <= %(top)s
                        ORDER BY sid, rn""",
                    query=query,
                    top=PERSONA_TOP,
                )
            )
            result = {}
            for sid, rid, val in rows:
                result.setdefault(sid, []).append((rid, val))
            return result

        tops = {}
        for kind, column in (("industry", "industry_id"), ("country", "country_id")):
            tops[kind] = top_rows(
                SQL(
                    """SELECT m.segment_id AS sid, p.%(col)s AS rid, COUNT(*) AS val
                         FROM crm_segment_member m
                         JOIN res_partner p ON p.id = m.partner_id
                        WHERE m.segment_id IN %(segs)s AND p.%(col)s IS NOT NULL
                        GROUP BY 1, 2""",
                    col=SQL.identifier(column),
                    segs=seg_ids,
                )
            )
        tops["category"] = top_rows(
            SQL(
                """SELECT m.segment_id AS sid, pt.categ_id AS rid,
                          SUM(-l.balance) AS val
                     FROM crm_segment_member m
                     JOIN crm_segment sg ON sg.id = m.segment_id
                     JOIN account_move mv
                       ON mv.commercial_partner_id = m.partner_id
                      AND mv.company_id = sg.company_id
                     JOIN account_move_line l ON l.move_id = mv.id
                     JOIN product_product pp ON pp.id = l.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    WHERE m.segment_id IN %(segs)s
                      AND mv.state = 'posted'
                      AND mv.move_type IN ('out_invoice', 'out_refund')
                      AND l.display_type = 'product'
                    GROUP BY 1, 2""",
                segs=seg_ids,
            )
        )
        names = {}
        for kind, model in (
            ("industry", "res.partner.industry"),
            ("country", "res.country"),
            ("category", "product.category"),
        ):
            ids = {rid for rows in tops[kind].values() for rid, _val in rows}
            records = self.env[model].browse(sorted(ids))
            names[kind] = {rec.id: rec.display_name for rec in records}
        lines = []
        for seg in self:
            size, revenue, invoices, freq = stats.get(seg.id, (0, 0, 0, 0))
            for kind, total in (
                ("industry", size),
                ("country", size),
                ("category", revenue or 0.0),
            ):
                rows = tops[kind].get(seg.id, [])
                lines += seg._persona_lines(kind, names[kind], rows, total)
            # sudo: derived persona figures on the same segment
            seg.sudo().write(
                {
                    "persona_size": size,
                    "persona_avg_order_value": revenue / invoices if invoices else 0.0,
                    "persona_purchase_frequency": float(freq),
                }
            )
        # sudo: the refresh date of the derived persona
        self.sudo().persona_date = fields.Datetime.now()
        # sudo: persona lines are derived data, rewritten with the members
        self.persona_line_ids.sudo().unlink()
        # sudo: derived persona lines of segments the caller may write (checked)
        Line.sudo().create(lines)

    def _persona_lines(self, kind, names, rows, total):
        """``names``: {record id: display name} of the ``kind`` records."""
        return [
            {
                "segment_id": self.id,
                "kind": kind,
                "name": names.get(rid) or "",
                "value": float(value or 0.0),
                "share": 100.0 * float(value or 0.0) / float(total) if total else 0.0,
            }
            for rid, value in rows
        ]

    def action_compute(self):
        self.check_access("write")
        frozen = self.filtered(lambda s: s.segment_type == "static" and s.last_computed)
        if frozen:
            raise UserError(
                self.env._(
                    "Static segments keep their frozen members: %(names)s. Make "
                    "the segment dynamic to recompute it.",
                    names=", ".join(frozen.mapped("name")),
                )
            )
        # sudo: a segment whose owner was deleted is taken over by the user
        # who may write it and computes it (read-only bookkeeping)
        self.sudo().filtered(
            lambda s: not s.rules_owner_id
        ).rules_owner_id = self.env.user
        for segments in self._grouped_by_rules_owner():
            segments._as_rules_owner()._recompute()
        return True

    def action_compute_persona(self):
        self.check_access("write")
        self._compute_persona()
        return True

    def action_view_members(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_segment_member_action"
        )
        action["domain"] = [("segment_id", "=", self.id)]
        action["context"] = {"default_segment_id": self.id}
        return action

    @api.model
    def _cron_recompute(self):
        """Dynamic segments one by one, each committed; then their lists.

        Each segment runs as its rules' owner (see _as_rules_owner), never
        with the job's superuser rights, and in a savepoint of its own: a
        segment that fails is marked with the reason and the job goes on."""
        segments = self.search([("segment_type", "=", "dynamic")])
        cron = self.env["ir.cron"]
        cron._commit_progress(0, remaining=len(segments))
        for seg in segments:
            seg._scheduled_recompute()
            if cron._commit_progress(1) <= 0:
                break

    def _scheduled_recompute(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                owned = self._as_rules_owner()
                owned._recompute()
        except (
            psycopg2.errors.SerializationFailure,
            psycopg2.errors.LockNotAvailable,
        ):
            raise  # concurrency: the job runs again and retries
        except Exception as error:  # noqa: BLE001 - one segment never stops the job
            if isinstance(error, RULE_ERRORS):
                message = (
                    str(error)
                    if isinstance(error, UserError)
                    else self._rules_error_message(error)
                )
                _logger.warning("Segment %s not recomputed: %s", self.id, message)
            else:
                message = self.env._(
                    "The segment could not be recomputed (%(error)s); the "
                    "server log has the details.",
                    error=type(error).__name__,
                )
                _logger.exception("Segment %s not recomputed", self.id)
            # sudo: the reason of the failure on the segment (bookkeeping)
            self.sudo().compute_error = message
            return
        if self.auto_sync_mailing_list and self.mailing_list_id:
            owned._sync_mailing_list_safe(scheduled=True)

    # ------------------------------------------------------------------
    # Campaigns
    # ------------------------------------------------------------------
    def _sync_mailing_list(self):
        """Make the list hold exactly one contact per member email, with the
        rights of the current user (the caller, or the rules' owner in the
        scheduler)."""
        self.ensure_one()
        self._check_mailing_list_company()
        List = self.env["mailing.list"]
        Contact = self.env["mailing.contact"]
        mailing_list = self.mailing_list_id
        if not mailing_list:
            mailing_list = List.create({"name": self.name})
        partners = self.member_ids.partner_id
        wanted = {}
        skipped = []
        for partner in partners:
            if partner.email_normalized:
                wanted.setdefault(partner.email_normalized, partner)
            else:
                skipped.append(partner.display_name)
        subs = self.env["mailing.subscription"].search(
            [("list_id", "=", mailing_list.id)]
        )
        present = {}
        to_unsubscribe = self.env["mailing.subscription"]
        for sub in subs:
            email = sub.contact_id.email_normalized
            if email not in wanted or email in present:
                to_unsubscribe |= sub
            else:
                present[email] = sub
        to_unsubscribe.unlink()
        vals = [
            {
                "name": partner.name,
                "email": partner.email,
                "country_id": partner.country_id.id,
                "list_ids": [Command.link(mailing_list.id)],
            }
            for email, partner in wanted.items()
            if email not in present
        ]
        Contact.create(vals)
        message = self.env._(
            "%(added)s added, %(removed)s removed, %(total)s in the list.",
            added=len(vals),
            removed=len(to_unsubscribe),
            total=len(wanted),
        )
        state = "ok"
        if skipped:
            state = "warning"
            message += "\n" + self.env._(
                "%(count)s members have no valid email and were left out: %(names)s",
                count=len(skipped),
                names=", ".join(skipped[:50]),
            )
        # sudo: sync bookkeeping on the segment, for users who may only read it
        self.sudo().write(
            {
                "mailing_list_id": mailing_list.id,
                "sync_state": state,
                "sync_message": message,
                "last_sync_date": fields.Datetime.now(),
            }
        )
        return state, message

    def _sync_mailing_list_safe(self, scheduled=False):
        """Sync errors end up on the segment (and in its chatter).

        A missing right of the caller is not a sync error: it is raised, and
        nothing is written. Only the scheduler, which acts for the rules'
        owner, records the owner's missing rights on the segment."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return self._sync_mailing_list()
        except (UserError, ValidationError) as error:
            if isinstance(error, AccessError) and not scheduled:
                raise
            message = str(error)
            # sudo: error report on a segment the user may only read
            self.sudo().write(
                {
                    "sync_state": "error",
                    "sync_message": message,
                    "last_sync_date": fields.Datetime.now(),
                }
            )
            # sudo: the error note on a segment the user may only read
            self.sudo().message_post(
                body=self.env._("Mailing list sync failed: %(error)s", error=message)
            )
            _logger.warning(
                "Segment %s: mailing list sync failed: %s", self.id, message
            )
            return "error", message

    def _check_sync_access(self):
        """The caller may read the segment and maintain its mailing list:
        checked before anything is written, sudo bookkeeping included."""
        self.check_access("read")
        if self.mailing_list_id:
            self.mailing_list_id.check_access("write")
        else:
            self.env["mailing.list"].check_access("create")
        self.env["mailing.contact"].check_access("create")
        self.env["mailing.subscription"].check_access("unlink")
        self._check_mailing_list_company()

    def action_sync_mailing_list(self):
        self.ensure_one()
        self._check_sync_access()
        state, message = self._sync_mailing_list_safe()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": {"ok": "success", "warning": "warning"}.get(state, "danger"),
                "title": self.env._("Mailing list"),
                "message": message,
                "sticky": state != "ok",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_mailing_list(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.list",
            "res_id": self.mailing_list_id.id,
            "view_mode": "form",
        }

    def action_open_mailing(self):
        """A new mailing whose recipients are the segment."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        context = {"default_subject": self.name, "default_name": self.name}
        if self.mailing_list_id:
            context.update(
                default_mailing_model_id=self.env["ir.model"]._get_id("mailing.list"),
                default_contact_list_ids=[self.mailing_list_id.id],
            )
        else:
            context.update(
                default_mailing_model_id=self.env["ir.model"]._get_id("res.partner"),
                default_mailing_domain=repr(
                    [("segment_member_ids.segment_id", "=", self.id)]
                ),
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }

    def action_create_call_list(self):
        """One activity per member: its salesperson, else round-robin."""
        self.ensure_one()
        activity_type = self.call_activity_type_id or self.env.ref(
            "mail.mail_activity_data_call"
        )
        team_users = self.call_team_id.member_ids.filtered("active").sorted("id")
        model_id = self.env["ir.model"]._get_id("res.partner")
        today = fields.Date.context_today(self)
        vals = []
        missing = []
        turn = 0
        for partner in self.member_ids.partner_id:
            user = partner.user_id
            if not user or not user.active or user.share:
                if not team_users:
                    missing.append(partner.display_name)
                    continue
                user = team_users[turn % len(team_users)]
                turn += 1
            vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.call_summary or self.name,
                    "user_id": user.id,
                    "date_deadline": today,
                }
            )
        if missing:
            raise UserError(
                self.env._(
                    "These members have no salesperson and the segment has no call "
                    "team to share them: %(names)s",
                    names=", ".join(missing[:50]),
                )
            )
        activities = self.env["mail.activity"].create(vals)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s call activities planned.", count=len(activities)
                ),
            },
        }

    def action_apply_tag(self):
        self.ensure_one()
        if not self.apply_tag_id:
            raise UserError(self.env._("Choose the tag to apply first."))
        self.member_ids.partner_id.write(
            {"category_id": [Command.link(self.apply_tag_id.id)]}
        )
        return True

    def action_create_leads(self):
        """One open lead per member of the segment, however often it runs.

        A lead goes to the member's salesperson, else to nobody, for the
        lead routing installed (territories, teams) to assign. Marketing
        users may create leads for other salespeople's customers, which
        their own lead rules refuse: the leads are created as superuser,
        once the caller's rights on this segment and on leads are checked."""
        self.ensure_one()
        self.check_access("read")
        Lead = self.env["crm.lead"]
        Lead.check_access("create")
        partners = self.member_ids.partner_id
        if not partners:
            raise UserError(self.env._("The segment has no members."))
        # A row version of the segment per run: a concurrent run of the same
        # segment waits for this one, then fails to serialize and is retried,
        # and finds these leads instead of creating them twice.
        self.env.cr.execute(
            SQL("UPDATE crm_segment SET write_date = write_date WHERE id = %s", self.id)
        )
        # context defaults come from the client: none reaches these leads
        clean = {
            k: v for k, v in self.env.context.items() if not k.startswith("default_")
        }
        # sudo: the open leads of this segment whoever's they are (the caller
        # may see only its own), and new leads for the members' salespeople,
        # whom an "own documents" salesperson cannot assign. The caller's read
        # right on this segment and create right on leads are checked above;
        # the values below come from the segment and its members only.
        all_leads = self.env(context=clean)["crm.lead"].sudo()
        existing = all_leads.search(
            [
                ("segment_id", "=", self.id),
                ("partner_id", "in", partners.ids),
                ("won_status", "!=", "won"),
            ]
        )
        company = self.company_id
        vals = []
        for partner in partners - existing.partner_id:
            user = partner.user_id
            if (
                not user
                or not user.active
                or user.share
                or company not in user.company_ids
            ):
                user = self.env["res.users"]
            vals.append(
                {
                    "name": f"{self.name}: {partner.name}",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "segment_id": self.id,
                    **({"team_id": self.call_team_id.id} if self.call_team_id else {}),
                }
            )
        leads = all_leads.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("id", "in", (leads | existing).ids)],
        }
