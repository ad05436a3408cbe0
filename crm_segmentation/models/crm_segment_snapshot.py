# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_date, format_list, format_time

from .crm_segmentation_finite import finite_sql


def partner_range_sql(column, lower=None, upper=None):
    """SQL condition: ``column`` in (lower, upper], a bound None being open
    (both None: every partner). Snapshots taken in chunks of partner ids."""
    conditions = []
    if lower is not None:
        conditions.append(SQL("%s > %s", column, lower))
    if upper is not None:
        conditions.append(SQL("%s <= %s", column, upper))
    return SQL(" AND ").join(conditions) if conditions else SQL("TRUE")


class CrmSegmentSnapshot(models.Model):
    """A dated photograph of segment members and their scores."""

    _name = "crm.segment.snapshot"
    _description = "Segment Snapshot"
    _inherit = ["mail.thread", "crm.segmentation.guard"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # what was photographed and when, in the reader's language and time zone
    name = fields.Char(compute="_compute_name", search="_search_name")
    date = fields.Date(
        required=True, default=fields.Date.context_today, readonly=True, tracking=True
    )
    taken_at = fields.Datetime("Taken On", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    segment_ids = fields.Many2many(
        "crm.segment",
        string="Segments",
        check_company=True,
        help="Leave empty to photograph every active segment.",
    )
    trigger = fields.Selection(
        [("manual", "By Hand"), ("cron", "Scheduled")],
        default="manual",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Taken")],
        default="draft",
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("crm.segment.snapshot.line", "snapshot_id")
    line_count = fields.Integer(readonly=True)

    @api.depends("date", "taken_at", "segment_ids.name")
    @api.depends_context("lang", "tz")
    def _compute_name(self):
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        for rec in self:
            segments = rec.segment_ids
            if not segments:
                what = self.env._("All segments")
            elif len(segments) <= 2:
                what = format_list(self.env, sorted(segments.mapped("name")))
            else:
                what = self.env._("%(count)s segments", count=len(segments))
            if rec.taken_at:
                rec.name = self.env._(
                    "%(segments)s, %(date)s at %(time)s",
                    segments=what,
                    date=format_date(self.env, rec.date),
                    time=format_time(
                        self.env, rec.taken_at, tz=tz, time_format="short"
                    ),
                )
            else:
                rec.name = self.env._(
                    "%(segments)s, %(date)s",
                    segments=what,
                    date=format_date(self.env, rec.date),
                )

    def _search_name(self, operator, value):
        """By the name of a photographed segment (the date has its own field)."""
        if operator in ("ilike", "=ilike", "like") and not value:
            return Domain.TRUE
        return Domain("segment_ids.name", operator, value)

    def action_take(self):
        """Copy members and their scores in one INSERT ... SELECT."""
        self.check_access("write")
        for snap in self:
            snap._check_not_taken()
            segments = snap._segments_to_take()
            count = snap._insert_lines(segments)
            snap._mark_taken(segments, count)
        self.env["crm.segment.snapshot.line"].invalidate_model()
        return True

    def _check_not_taken(self):
        self.ensure_one()
        if self.state == "done":
            raise UserError(
                self.env._("Snapshot %(name)s is already taken.", name=self.name)
            )

    def _segments_to_take(self):
        self.ensure_one()
        return self.segment_ids or self.env["crm.segment"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _insert_lines(self, segments, lower=None, upper=None):
        """The lines of ``segments``' members whose partner id is in
        (lower, upper] (all without bounds); returns how many were written.
        Insert-only and idempotent: a member already photographed by this
        snapshot is skipped (a partner is once in a segment), so a chunk
        of a snapshot taken in parts can be run again."""
        self.ensure_one()
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """
            INSERT INTO crm_segment_snapshot_line (
                snapshot_id, date, company_id, segment_id, segment_name,
                partner_id, class_id, rfm_code, r_score, f_score, m_score,
                recency_days, frequency, monetary,
                create_uid, create_date, write_uid, write_date)
            SELECT %(snap)s, %(date)s, %(company)s, m.segment_id,
                   COALESCE(sg.name->>%(lang)s, sg.name->>'en_US'),
                   m.partner_id,
                   s.class_id, s.rfm_code, s.r_score, s.f_score, s.m_score,
                   %(recency)s, s.frequency, %(monetary)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM crm_segment_member m
              JOIN crm_segment sg ON sg.id = m.segment_id
              LEFT JOIN crm_rfm_score s ON s.id = m.score_id
             WHERE m.segment_id IN %(segments)s AND %(range)s
               AND NOT EXISTS (
                   SELECT 1 FROM crm_segment_snapshot_line l
                    WHERE l.snapshot_id = %(snap)s
                      AND l.segment_id = m.segment_id
                      AND l.partner_id = m.partner_id)
            """,
                snap=self.id,
                lang=self.env.lang or "en_US",
                date=self.date,
                recency=self.env["crm.rfm.score"]._recency_sql("s", self.date),
                # a non-finite net revenue is kept as 0, the value the
                # score shows, not carried into the history
                monetary=finite_sql(SQL("s.monetary"), 0),
                company=self.company_id.id,
                uid=self.env.uid,
                segments=tuple(segments.ids) or (0,),
                range=partner_range_sql(SQL("m.partner_id"), lower, upper),
            )
        )
        return self.env.cr.rowcount  # lines the INSERT just wrote

    def _mark_taken(self, segments, count):
        """The snapshot's bookkeeping once its lines are written."""
        self.ensure_one()
        self.segment_ids = segments
        # sudo: the snapshot's own bookkeeping (read-only fields), after
        # the write right on it was checked by the caller
        self.sudo().write(
            {
                "state": "done",
                "line_count": count,
                "taken_at": self.taken_at or fields.Datetime.now(),
            }
        )
        config = self.env["crm.rfm.config"]._get_for_company(self.company_id)
        # sudo: bookkeeping of the snapshot period on the settings row
        config.sudo().last_snapshot_date = self.date

    @api.readonly
    def action_view_lines(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_segment_snapshot_line_action"
        )
        action["domain"] = [("snapshot_id", "=", self.id)]
        return action
