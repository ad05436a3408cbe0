# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from .sale_order_progress import MO_OPEN

# MO fields whose change may make it end after the promised date
LATE_TRIGGERS = ("date_start", "date_finished", "state")


class MrpProduction(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    """An MO planned to end after the delivery date promised on its order
    gives the order's salesperson one to-do.

    One open activity per MO at a time: the MO keeps a link to the activity
    it raised. While that activity is open, re-planning the MO later again
    raises nothing new; once the salesperson marks it done (Odoo archives
    done activities) or deletes it, the next late re-planning raises a new
    one. Raised where the dates change (MO create and write, order
    confirmation, a new promised date) and by a daily cron for what changes
    without a write (dates computed from work orders).
    """

    _inherit = "mrp.production"

    pricer_late_activity_id = fields.Many2one(
        "mail.activity",
        string="Late Production Activity",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The salesperson's to-do raised when this manufacturing order "
        "was planned after the date promised to the customer.",
    )

    def _pricer_planned_end(self):
        self.ensure_one()
        return self.date_finished or self.date_start

    def _pricer_is_late(self):
        self.ensure_one()
        promised = self.pricer_sale_order_id.commitment_date
        end = self._pricer_planned_end()
        return bool(
            self.state in MO_OPEN
            and self.pricer_sale_order_id.state == "sale"
            and promised
            and end
            and end > promised
        )

    def _pricer_raise_late_activities(self):
        """Schedule the salesperson's to-do for each late MO of ``self`` that
        has no open one; returns the activities created."""
        # sudo: production's change raises a to-do on the order for its
        # salesperson; the writer may not write the order, and no value of
        # the MO or order is shown to anyone who could not read it
        productions = self.sudo().filtered(lambda p: p.id and p._pricer_is_late())
        if not productions:
            return self.env["mail.activity"]
        # concurrent triggers for the same MO wait here, then see the link
        self.env.cr.execute(
            SQL(
                "SELECT id FROM mrp_production WHERE id IN %s FOR NO KEY UPDATE",
                tuple(productions.ids),
            )
        )
        productions.invalidate_recordset(["pricer_late_activity_id"])
        pending = productions.filtered(
            lambda p: not p.pricer_late_activity_id.active
            and p.pricer_sale_order_id.user_id
        )
        if not pending:
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get_id("sale.order")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        values = []
        for production in pending:
            order = production.pricer_sale_order_id
            end = production._pricer_planned_end()
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": order.id,
                    "activity_type_id": activity_type.id,
                    "user_id": order.user_id.id,
                    "date_deadline": fields.Date.context_today(self),
                    "summary": order.with_context(lang=order.user_id.lang).env._(
                        "%s planned after the promised date", production.name
                    ),
                    "note": Markup("<p>%s</p>")
                    % order.with_context(lang=order.user_id.lang).env._(
                        "%(mo)s is planned to end on %(end)s, after the delivery "
                        "date promised to %(customer)s (%(promised)s).",
                        mo=production.name,
                        end=fields.Datetime.to_string(end),
                        customer=order.partner_id.display_name,
                        promised=fields.Datetime.to_string(order.commitment_date),
                    ),
                }
            )
        # sudo: the to-do goes on the order, which production may not write
        activities = self.env["mail.activity"].sudo().create(values)
        for production, activity in zip(pending, activities, strict=True):
            production.pricer_late_activity_id = activity
        return activities

    @api.model_create_multi
    def create(self, vals_list):
        productions = super().create(vals_list)
        productions._pricer_raise_late_activities()
        return productions

    def write(self, vals):
        res = super().write(vals)
        if any(f in vals for f in LATE_TRIGGERS):
            self._pricer_raise_late_activities()
        return res

    @api.model
    def _cron_pricer_late_activities(self):
        # sudo: the cron looks at every open MO of a confirmed order with a
        # promised date, whatever the cron user's company
        candidates = self.sudo().search(
            [
                ("state", "in", MO_OPEN),
                ("pricer_sale_order_id.state", "=", "sale"),
                ("pricer_sale_order_id.commitment_date", "!=", False),
            ]
        )
        return candidates._pricer_raise_late_activities()
