# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from .crm_segment import RULE_ERRORS, RULE_SQL_ERRORS
from .crm_segmentation_finite import finite_sql

_logger = logging.getLogger(__name__)

# How long Compute Members waits for the same segment being computed by the
# scheduler or another user (ms), before telling the user to try again.
RECOMPUTE_WAIT_MS = 60_000


class CrmSegment(models.Model):
    """Members of a segment, materialized in crm.segment.member with one
    statement (DELETE + UPSERT in a CTE) whatever the number of partners,
    by hand or by the scheduler, always with the rights of the rules'
    owner."""

    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    member_ids = fields.One2many("crm.segment.member", "segment_id")
    member_count = fields.Integer(readonly=True)
    last_computed = fields.Datetime(readonly=True)
    compute_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the scheduler could not recompute the segment last time.",
    )

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
        # a non-finite net revenue counts as 0, the value the score shows:
        # NaN would pass any lower bound in PostgreSQL
        monetary = finite_sql(SQL("s.monetary"), 0)
        if self.revenue_min:
            conds.append(SQL("%s >= %s", monetary, self.revenue_min))
        if self.revenue_max:
            conds.append(SQL("%s <= %s", monetary, self.revenue_max))
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
        that writes only the difference."""
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

    def _lock_for_recompute(self, wait=True):
        """Take the segments' recompute locks, so that a user's Compute
        Members and the scheduler never compute the same segment at once.

        The locks are transaction-level advisory locks, not row locks: the
        scheduler writes the segment's row, and a row lock taken after that
        would fail to serialize on every retry while the scheduler keeps
        computing. Returns the segments locked; with ``wait``, the others
        were being computed by someone else and have been waited for (their
        members are as fresh as ours would be)."""
        if not self:
            return self
        key = SQL("hashtext('crm_segment_recompute')")
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM unnest(%s) AS id "
                "WHERE pg_try_advisory_xact_lock(%s, id)",
                list(self.ids),
                key,
            )
        )
        locked = self.browse([row[0] for row in rows])
        busy = self - locked
        if busy and wait:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            "SELECT current_setting('lock_timeout'), "
                            "set_config('lock_timeout', %s, true)",
                            f"{int(RECOMPUTE_WAIT_MS)}ms",
                        )
                    )
                    previous = self.env.cr.fetchone()[0]
                    for segment_id in busy.ids:
                        self.env.cr.execute(
                            SQL(
                                "SELECT pg_advisory_xact_lock(%s, %s)", key, segment_id
                            ),
                            # a wait past the timeout is answered below
                            log_exceptions=False,
                        )
                    self.env.cr.execute(
                        SQL("SELECT set_config('lock_timeout', %s, true)", previous)
                    )
            except psycopg2.errors.LockNotAvailable as exc:
                raise UserError(
                    self.env._(
                        "%(names)s is being recomputed right now. Try again in a "
                        "minute.",
                        names=", ".join(busy.mapped("name")),
                    )
                ) from exc
        return locked

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
        # a segment someone else was computing has just been computed: waited
        # for, not computed again behind them
        mine = self._lock_for_recompute()
        # sudo: a segment whose owner was deleted is taken over by the user
        # who may write it and computes it (read-only bookkeeping)
        mine.sudo().filtered(
            lambda s: not s.rules_owner_id
        ).rules_owner_id = self.env.user
        for segments in mine._grouped_by_rules_owner():
            segments._as_rules_owner()._recompute()
        return True

    @api.readonly
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
        if not self._lock_for_recompute(wait=False):
            # a user is computing it right now: theirs is as fresh as ours
            _logger.info("Segment %s skipped: being computed by a user", self.id)
            return
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
