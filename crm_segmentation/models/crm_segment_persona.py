# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

from .crm_segment_persona_line import KIND_FIELDS
from .crm_segmentation_finite import FiniteFloat, FiniteMonetary, finite, finite_sql

PERSONA_TOP = 5


class CrmSegment(models.Model):
    """The segment's persona: size, average order value, purchase frequency
    and its top industries, countries and product categories."""

    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    persona_size = fields.Integer("Size", readonly=True)
    persona_avg_order_value = FiniteMonetary(
        "Average Order Value", readonly=True, allow_negative=True
    )
    persona_purchase_frequency = FiniteFloat(
        "Purchase Frequency", readonly=True, help="Average invoices per member."
    )
    persona_line_ids = fields.One2many("crm.segment.persona.line", "segment_id")
    persona_date = fields.Datetime(
        "Persona As Of",
        readonly=True,
        help="Refreshed with the members by Compute Members and the scheduler, "
        "or on its own by Refresh Persona.",
    )

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
                    """SELECT m.segment_id, COUNT(*), COALESCE(SUM(%s), 0),
                              COALESCE(SUM(s.frequency), 0),
                              COALESCE(AVG(COALESCE(s.frequency, 0)), 0)
                         FROM crm_segment_member m
                         LEFT JOIN crm_rfm_score s ON s.id = m.score_id
                        WHERE m.segment_id IN %s
                        GROUP BY m.segment_id""",
                    # a non-finite net revenue adds nothing, as the score
                    # shows it (0)
                    finite_sql(SQL("s.monetary")),
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
                          COALESCE(SUM(%(balance)s), 0) AS val
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
                # an invoice line whose balance is NaN or infinite (stored by
                # SQL, an import, another module) adds nothing to its
                # category: one such line would make the category NaN
                balance=finite_sql(SQL("-l.balance")),
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
                    "persona_avg_order_value": finite(
                        revenue / invoices if invoices else 0.0
                    ),
                    "persona_purchase_frequency": finite(float(freq)),
                }
            )
        # sudo: the refresh date of the derived persona
        self.sudo().persona_date = fields.Datetime.now()
        # sudo: persona lines are derived data, rewritten with the members
        self.persona_line_ids.sudo().unlink()
        # sudo: derived persona lines of segments the caller may write (checked)
        Line.sudo().create(lines)

    def _persona_lines(self, kind, names, rows, total):
        """``names``: {record id: display name} of the ``kind`` records.
        Industries and countries count members, categories sum revenue."""
        amount = "revenue" if kind == "category" else "member_count"
        # the SQL leaves non-finite amounts out; finite() keeps a sum beyond
        # the float range from becoming an infinity here
        total = finite(float(total or 0.0))
        lines = []
        for rid, value in rows:
            number = finite(float(value or 0.0))
            lines.append(
                {
                    "segment_id": self.id,
                    "kind": kind,
                    "name": names.get(rid) or "",
                    KIND_FIELDS[kind]: rid,
                    "value": number,
                    amount: number if kind == "category" else int(value or 0),
                    "share": finite(100.0 * number / total) if total else 0.0,
                }
            )
        return lines

    @api.readonly
    def action_view_persona_chart(self):
        """The persona's countries, industries or product categories as a
        chart: members per country or industry, revenue per category."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        kind = self.env.context.get("persona_kind", "country")
        if kind not in KIND_FIELDS:
            kind = "country"
        kinds = dict(
            self.env["crm.segment.persona.line"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "%(segment)s: %(kind)s", segment=self.display_name, kind=kinds[kind]
            ),
            "res_model": "crm.segment.persona.line",
            "view_mode": "graph,list",
            "views": [
                (
                    self.env.ref(
                        "crm_segmentation.crm_segment_persona_line_view_graph"
                    ).id,
                    "graph",
                ),
                (
                    self.env.ref(
                        "crm_segmentation.crm_segment_persona_line_view_list"
                    ).id,
                    "list",
                ),
            ],
            "domain": [("segment_id", "=", self.id), ("kind", "=", kind)],
            "context": {
                "graph_groupbys": [KIND_FIELDS[kind]],
                "graph_measure": "revenue" if kind == "category" else "member_count",
                "graph_mode": "bar" if kind == "category" else "pie",
            },
        }

    def action_compute_persona(self):
        self.check_access("write")
        self._compute_persona()
        return True
