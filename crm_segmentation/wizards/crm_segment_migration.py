# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmSegmentMigration(models.TransientModel):
    """How many customers moved from class A to class B between two snapshots."""

    _name = "crm.segment.migration"
    _description = "Segment Migration Matrix"
    _inherit = ["crm.segmentation.guard"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    snapshot_from_id = fields.Many2one(
        "crm.segment.snapshot",
        "From Snapshot",
        required=True,
        check_company=True,
        domain="[('state', '=', 'done'), ('company_id', '=', company_id)]",
        help="The earlier snapshot: its classes are the rows of the matrix.",
    )
    snapshot_to_id = fields.Many2one(
        "crm.segment.snapshot",
        "To Snapshot",
        required=True,
        check_company=True,
        domain="[('state', '=', 'done'), ('company_id', '=', company_id)]",
        help="The later snapshot: its classes are the columns of the matrix.",
    )
    segment_id = fields.Many2one(
        "crm.segment",
        check_company=True,
        help="Only the members of this segment; leave empty for all customers "
        "in the snapshots.",
    )
    line_ids = fields.One2many("crm.segment.migration.line", "wizard_id")

    @api.constrains("snapshot_from_id", "snapshot_to_id")
    def _check_snapshots(self):
        for rec in self:
            if rec.snapshot_from_id == rec.snapshot_to_id:
                raise UserError(self.env._("Choose two different snapshots."))

    def _compute_matrix(self):
        self.ensure_one()
        # the matrix reads snapshot lines in SQL: check the user may read them
        (self.snapshot_from_id | self.snapshot_to_id).check_access("read")
        self.segment_id.check_access("read")
        self.check_access("write")
        # sudo: the cells are computed rows of this wizard (the caller's own,
        # checked above), which users may not delete one by one
        self.line_ids.sudo().unlink()
        self.env.flush_all()
        seg_filter = (
            SQL("AND segment_id = %s", self.segment_id.id)
            if self.segment_id
            else SQL("")
        )
        self.env.execute_query(
            SQL(
                """
            WITH a AS (
                SELECT DISTINCT ON (partner_id) partner_id, class_id
                  FROM crm_segment_snapshot_line
                 WHERE snapshot_id = %(from)s %(seg)s
                 ORDER BY partner_id, segment_id),
            b AS (
                SELECT DISTINCT ON (partner_id) partner_id, class_id
                  FROM crm_segment_snapshot_line
                 WHERE snapshot_id = %(to)s %(seg)s
                 ORDER BY partner_id, segment_id)
            INSERT INTO crm_segment_migration_line (
                wizard_id, from_class_id, to_class_id, movement, partner_count,
                create_uid, create_date, write_uid, write_date)
            SELECT %(wizard)s, a.class_id, b.class_id,
                   CASE WHEN a.partner_id IS NULL THEN 'entered'
                        WHEN b.partner_id IS NULL THEN 'left'
                        WHEN a.class_id IS NOT DISTINCT FROM b.class_id THEN 'stayed'
                        ELSE 'moved' END,
                   COUNT(*), %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM a FULL OUTER JOIN b ON a.partner_id = b.partner_id
             GROUP BY 2, 3, 4
            """,
                **{"from": self.snapshot_from_id.id},
                to=self.snapshot_to_id.id,
                seg=seg_filter,
                wizard=self.id,
                uid=self.env.uid,
            )
        )
        self.env["crm.segment.migration.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def action_compute(self):
        self.ensure_one()
        self._compute_matrix()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_segment_migration_line_action"
        )
        action["domain"] = [("wizard_id", "=", self.id)]
        # the pivot shows class names only: the title says which axis is which
        action["name"] = action["display_name"] = self.env._(
            "Rows: class in %(from)s. Columns: class in %(to)s",
            **{"from": self.snapshot_from_id.display_name},
            to=self.snapshot_to_id.display_name,
        )
        return action


class CrmSegmentMigrationLine(models.TransientModel):
    _name = "crm.segment.migration.line"
    _description = "Segment Migration Matrix Cell"
    _inherit = ["crm.segmentation.guard"]

    wizard_id = fields.Many2one(
        "crm.segment.migration", required=True, ondelete="cascade"
    )
    from_class_id = fields.Many2one(
        "crm.rfm.class", "From Class (earlier)", readonly=True
    )
    to_class_id = fields.Many2one("crm.rfm.class", "To Class (later)", readonly=True)
    movement = fields.Selection(
        [
            ("stayed", "Stayed"),
            ("moved", "Moved"),
            ("entered", "Entered"),
            ("left", "Left"),
        ],
        readonly=True,
    )
    partner_count = fields.Integer("Customers", readonly=True)
