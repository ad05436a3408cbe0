# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import random
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .crm_segmentation_finite import FiniteFloat, FiniteMonetary, finite_sql

# What the split is drawn from: changed on a split campaign, the groups drawn
# are stale, so the campaign goes back to draft and is drawn again.
SPLIT_FROM = frozenset({"segment_id", "channel", "holdout_percent"})
# What may not change once the campaign went out: the groups measured and
# the window they are measured over.
FROZEN_AFTER_SEND = SPLIT_FROM | {"send_date", "window_days"}


def holdout_draw_sql(campaign_id, partner_id):
    """A number in [0, 100) drawn from (campaign, partner) alone: the same
    member of the same campaign draws the same number at every split, in any
    order and whatever the other members are."""
    return SQL(
        "(('x' || substr(md5(%s::text || '-' || %s::text), 1, 8))::bit(32)::bigint"
        " / 4294967296.0 * 100)",
        campaign_id,
        partner_id,
    )


class CrmSegmentCampaignRun(models.Model):
    """A campaign sent to a segment whose result is measured: a reproducible
    random share of the members (the holdout) is kept out, and the revenue
    and conversion of the treated members over a window after the send are
    compared with the holdout's, from posted invoices."""

    _name = "crm.segment.campaign.run"
    _description = "Measured Segment Campaign"
    _inherit = ["mail.thread", "crm.segmentation.guard"]
    _order = "send_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    segment_id = fields.Many2one(
        "crm.segment",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="segment_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(
        [("mailing", "Mailing"), ("call", "Call List")],
        required=True,
        default="mailing",
        tracking=True,
    )
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        ondelete="set null",
        check_company=True,
    )
    cost = FiniteMonetary(help="What the campaign cost, in the company currency.")
    send_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    window_days = fields.Integer(
        "Window (Days)",
        required=True,
        default=30,
        help="Invoices dated from the send date and the following days, this "
        "many days in all, count for the campaign.",
    )
    holdout_percent = FiniteFloat(
        "Holdout (%)",
        default=10.0,
        digits=(16, 2),
        help="The share of the members kept out of the campaign, drawn at "
        "random but the same at every split.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("split", "Split"), ("sent", "Sent")],
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    split_date = fields.Datetime(readonly=True, copy=False)
    measure_date = fields.Datetime("Measured On", readonly=True, copy=False)
    mailing_id = fields.Many2one(
        "mailing.mailing", readonly=True, copy=False, ondelete="set null"
    )
    member_ids = fields.One2many("crm.segment.campaign.run.member", "campaign_id")
    # --- results (what the members of each group did in the window) -----
    treated_count = fields.Integer(compute="_compute_results")
    holdout_count = fields.Integer(compute="_compute_results")
    treated_converted = fields.Integer(compute="_compute_results")
    holdout_converted = fields.Integer(compute="_compute_results")
    treated_conversion = FiniteFloat(
        "Treated Conversion (%)", compute="_compute_results", digits=(16, 2)
    )
    holdout_conversion = FiniteFloat(
        "Holdout Conversion (%)", compute="_compute_results", digits=(16, 2)
    )
    conversion_uplift = FiniteFloat(
        "Conversion Uplift (points)",
        compute="_compute_results",
        digits=(16, 2),
        allow_negative=True,
    )
    treated_revenue = FiniteMonetary(compute="_compute_results", allow_negative=True)
    holdout_revenue = FiniteMonetary(compute="_compute_results", allow_negative=True)
    treated_revenue_per_member = FiniteMonetary(
        compute="_compute_results", allow_negative=True
    )
    holdout_revenue_per_member = FiniteMonetary(
        compute="_compute_results", allow_negative=True
    )
    revenue_uplift_per_member = FiniteMonetary(
        compute="_compute_results", allow_negative=True
    )
    incremental_revenue = FiniteMonetary(
        compute="_compute_results",
        allow_negative=True,
        help="Revenue per treated member minus revenue per holdout member, "
        "times the treated members.",
    )
    roi = FiniteFloat(
        "ROI (%)",
        compute="_compute_results",
        digits=(16, 2),
        allow_negative=True,
        help="(Incremental revenue - cost) / cost.",
    )

    @api.constrains("holdout_percent", "window_days")
    def _check_figures(self):
        for campaign in self:
            if not 0 <= campaign.holdout_percent < 100:
                raise ValidationError(
                    self.env._("The holdout is a share from 0 to 99.99 %.")
                )
            if campaign.window_days < 1:
                raise ValidationError(
                    self.env._("The window after the send is at least one day.")
                )

    def write(self, vals):
        if FROZEN_AFTER_SEND.intersection(vals) and any(
            campaign.state == "sent" for campaign in self
        ):
            raise UserError(
                self.env._(
                    "The campaign was sent: its segment, channel, holdout, "
                    "send date and window can no longer change."
                )
            )
        if vals.get("segment_id"):
            # the company follows the segment: another company's segment would
            # move the campaign, with its members and results, to that company
            # sudo: only the segment's company is compared, whatever the caller
            # may read
            segment = self.env["crm.segment"].browse(vals["segment_id"]).sudo()
            if any(campaign.company_id != segment.company_id for campaign in self):
                raise UserError(
                    self.env._(
                        "A campaign stays in its company: choose a segment of "
                        "the campaign's company."
                    )
                )
        changed = SPLIT_FROM.intersection(vals)
        stale = self.filtered(
            lambda c: c.state == "split"
            and any(
                c._fields[name].convert_to_write(c[name], c) != vals[name]
                for name in changed
            )
        )
        res = super().write(vals)
        if stale:
            stale._reset_split()
        return res

    def _reset_split(self):
        """Back to draft without groups: the next send draws them again."""
        # sudo: members are written by the split only, which the caller may
        # run; the write right on the campaign was checked by write()
        self.sudo().member_ids.unlink()
        # sudo: the state is readonly bookkeeping, same right as above
        self.sudo().write({"state": "draft", "split_date": False})

    # ------------------------------------------------------------------
    # Split
    # ------------------------------------------------------------------
    def action_split(self):
        """Draw the holdout among the segment's current members: one
        statement for any number of members. Drawing again gives the same
        group to every member who was already there."""
        self.check_access("write")
        if any(campaign.state == "sent" for campaign in self):
            raise UserError(self.env._("A sent campaign keeps its groups."))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM crm_segment_campaign_run_member WHERE campaign_id IN %s",
                tuple(self.ids),
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO crm_segment_campaign_run_member
                       (campaign_id, partner_id, company_id, "group",
                        converted, conversion, revenue, revenue_per_member,
                        invoice_count,
                        create_uid, create_date, write_uid, write_date)
                SELECT c.id, sm.partner_id, c.company_id,
                       CASE WHEN %(draw)s < c.holdout_percent
                            THEN 'holdout' ELSE 'treated' END,
                       FALSE, 0, 0, 0, 0,
                       %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM crm_segment_campaign_run c
                  JOIN crm_segment_member sm ON sm.segment_id = c.segment_id
                 WHERE c.id IN %(ids)s
                """,
                draw=holdout_draw_sql(SQL("c.id"), SQL("sm.partner_id")),
                uid=self.env.uid,
                ids=tuple(self.ids),
            )
        )
        self.env["crm.segment.campaign.run.member"].invalidate_model()
        self.invalidate_recordset()
        # sudo: the split's bookkeeping, after the write right checked above
        self.sudo().write({"state": "split", "split_date": fields.Datetime.now()})
        return True

    # ------------------------------------------------------------------
    # Send: the treated group only
    # ------------------------------------------------------------------
    def _treated_partners(self):
        self.ensure_one()
        return self.member_ids.filtered(lambda m: m.group == "treated").partner_id

    def action_send(self):
        """The mailing or the call list of the treated group: the holdout is
        left out by construction."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "draft":
            self.action_split()
        if self.state == "sent":
            raise UserError(self.env._("The campaign was already sent."))
        partners = self._treated_partners()
        if not partners:
            raise UserError(self.env._("The treated group has no members."))
        if self.channel == "mailing":
            mailing = self.env["mailing.mailing"].create(
                {
                    "subject": self.name,
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": repr(
                        [
                            (
                                "segment_campaign_member_ids",
                                "any",
                                [
                                    ("campaign_id", "=", self.id),
                                    ("group", "=", "treated"),
                                ],
                            )
                        ]
                    ),
                    "campaign_id": self.utm_campaign_id.id,
                }
            )
            # sudo: bookkeeping of the send, write right checked above
            self.sudo().write({"state": "sent", "mailing_id": mailing.id})
            return {
                "type": "ir.actions.act_window",
                "res_model": "mailing.mailing",
                "res_id": mailing.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        activities = self.segment_id._plan_call_activities(partners, self.name)
        # sudo: bookkeeping of the send, write right checked above
        self.sudo().write({"state": "sent"})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s call activities planned, %(holdout)s members held out.",
                    count=len(activities),
                    holdout=len(self.member_ids) - len(partners),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Measure
    # ------------------------------------------------------------------
    def action_measure(self):
        """What each member did in the window, from the posted customer
        invoices and refunds of the campaign's company (amounts untaxed, in
        the company currency): one statement for any number of members.
        It rewrites the members' figures: the write right is needed."""
        self.check_access("write")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH inv AS (
                    SELECT m.id AS mid,
                           COUNT(am.id) FILTER (
                               WHERE am.move_type = 'out_invoice') AS n,
                           COALESCE(SUM(%(amount)s), 0) AS revenue
                      FROM crm_segment_campaign_run_member m
                      JOIN crm_segment_campaign_run c ON c.id = m.campaign_id
                      JOIN res_partner p ON p.id = m.partner_id
                 LEFT JOIN account_move am
                        ON am.commercial_partner_id = p.commercial_partner_id
                       AND am.company_id = c.company_id
                       AND am.state = 'posted'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                       AND am.invoice_date >= c.send_date
                       AND am.invoice_date < c.send_date + c.window_days
                     WHERE m.campaign_id IN %(ids)s
                  GROUP BY m.id
                )
                UPDATE crm_segment_campaign_run_member m
                   SET invoice_count = inv.n,
                       converted = inv.n > 0,
                       conversion = CASE WHEN inv.n > 0 THEN 100 ELSE 0 END,
                       revenue = inv.revenue,
                       revenue_per_member = inv.revenue
                  FROM inv
                 WHERE m.id = inv.mid
                """,
                amount=finite_sql(SQL("am.amount_untaxed_signed"), 0),
                ids=tuple(self.ids),
            )
        )
        self.env["crm.segment.campaign.run.member"].invalidate_model()
        self.invalidate_recordset()
        # sudo: when the figures were measured, for readers of the campaign
        self.sudo().write({"measure_date": fields.Datetime.now()})
        return True

    @api.depends("member_ids.group", "member_ids.conversion", "member_ids.revenue")
    @api.depends_context("uid")
    def _compute_results(self):
        rows = self.env["crm.segment.campaign.run.member"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "group"],
            ["__count", "conversion:sum", "revenue:sum"],
        )
        stats = {
            (campaign.id, group): (count, round((conv or 0) / 100), revenue or 0.0)
            for campaign, group, count, conv, revenue in rows
        }
        for campaign in self:
            t_n, t_conv, t_rev = stats.get((campaign.id, "treated"), (0, 0, 0.0))
            h_n, h_conv, h_rev = stats.get((campaign.id, "holdout"), (0, 0, 0.0))
            t_rate = 100.0 * t_conv / t_n if t_n else 0.0
            h_rate = 100.0 * h_conv / h_n if h_n else 0.0
            t_rpm = t_rev / t_n if t_n else 0.0
            h_rpm = h_rev / h_n if h_n else 0.0
            incremental = (t_rpm - h_rpm) * t_n if h_n else 0.0
            campaign.treated_count = t_n
            campaign.holdout_count = h_n
            campaign.treated_converted = t_conv
            campaign.holdout_converted = h_conv
            campaign.treated_conversion = t_rate
            campaign.holdout_conversion = h_rate
            campaign.conversion_uplift = t_rate - h_rate if h_n else 0.0
            campaign.treated_revenue = t_rev
            campaign.holdout_revenue = h_rev
            campaign.treated_revenue_per_member = t_rpm
            campaign.holdout_revenue_per_member = h_rpm
            campaign.revenue_uplift_per_member = t_rpm - h_rpm if h_n else 0.0
            campaign.incremental_revenue = incremental
            campaign.roi = (
                100.0 * (incremental - campaign.cost) / campaign.cost
                if campaign.cost
                else 0.0
            )

    def action_view_report(self):
        """The members' figures as last measured (Measure updates them):
        opening the report writes nothing."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_segmentation.crm_segment_campaign_run_member_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"search_default_group_by_group": 1}
        return action

    @api.model
    def _demo_populate(self, seed=11):
        """A sent campaign on the Spanish-speaking customers, a year ago (when
        the demo customers bought little), some of the treated members
        answering it with an order."""
        segment = self.env["crm.segment"].search(
            [
                ("name", "=", "Spanish-speaking Customers"),
                ("company_id", "=", self.env.company.id),
            ],
            limit=1,
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        product = self.env["product.product"].search(
            [("name", "=", "Segmentation Demo Services")], limit=1
        )
        if not segment.member_count or not journal or not product:
            return False
        today = fields.Date.context_today(self)
        campaign = self.create(
            {
                "name": "Spring offer calls",
                "segment_id": segment.id,
                "channel": "call",
                "send_date": today - timedelta(days=400),
                "window_days": 30,
                "holdout_percent": 20.0,
                "cost": 3500.0,
            }
        )
        campaign.action_split()
        # sudo: demo bookkeeping, the calls themselves are not planned
        campaign.sudo().state = "sent"
        rng = random.Random(seed)
        answered = [
            partner for partner in campaign._treated_partners() if rng.random() < 0.12
        ]
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": campaign.send_date
                    + timedelta(days=rng.randint(2, 25)),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "price_unit": round(rng.uniform(300, 1500), 2),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for partner in answered
            ]
        )
        moves.action_post()
        campaign.action_measure()
        return True
