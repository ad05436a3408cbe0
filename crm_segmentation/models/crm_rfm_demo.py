# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging
import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from .crm_segmentation_finite import finite

_logger = logging.getLogger(__name__)


class CrmRfmConfig(models.Model):
    """Demo data of the addon, loaded from demo/crm_segmentation_demo.xml."""

    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_populate(self, count=200, seed=42):
        """Customers with posted invoices so that the views are not empty."""
        company = self.env.company
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal or not journal.default_account_id:
            _logger.info("Segmentation demo data skipped: no sales journal.")
            return False
        rng = random.Random(seed)
        categories = self.env["product.category"].create(
            [{"name": name} for name in ("Hardware", "Services", "Subscriptions")]
        )
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Segmentation Demo {cat.name}",
                    "categ_id": cat.id,
                    "taxes_id": [],
                }
                for cat in categories
            ]
        )
        countries = self.env["res.country"].search(
            [("code", "in", ["ES", "MX", "AR", "CO", "US", "FR"])]
        )
        industries = self.env["res.partner.industry"].search([], limit=8)
        users = self.env.ref("base.user_admin")
        demo_user = self.env.ref("base.user_demo", raise_if_not_found=False)
        if demo_user:
            users |= demo_user
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"Demo Customer {i:03d}",
                    "is_company": True,
                    "email": f"customer{i:03d}@example.com" if i % 17 else False,
                    "country_id": rng.choice(countries).id if countries else False,
                    "industry_id": rng.choice(industries).id if industries else False,
                    "user_id": rng.choice(users).id if i % 5 else False,
                }
                for i in range(1, count + 1)
            ]
        )
        today = fields.Date.context_today(self)
        vals = []
        for partner in partners:
            profile = rng.random()
            n = 1 + int(profile * profile * 12)
            horizon = 720 if profile < 0.3 else 240
            for _ in range(n):
                refund = rng.random() < 0.08
                vals.append(
                    {
                        "move_type": "out_refund" if refund else "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": today - timedelta(days=rng.randint(1, horizon)),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": rng.choice(products).id,
                                    "quantity": rng.randint(1, 5),
                                    "price_unit": round(rng.uniform(50, 2500), 2),
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        moves = self.env["account.move"].create(vals)
        moves.action_post()
        config = self._get_for_company(company)
        config.action_recompute()
        Segment = self.env["crm.segment"]
        ref = self.env.ref
        segments = Segment.create(
            [
                {
                    "name": "Champions",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_champions").ids)
                    ],
                },
                {
                    "name": "At Risk",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_at_risk").ids)
                    ],
                },
                {"name": "Big Spenders", "m_min": 4},
                {
                    "name": "Spanish-speaking Customers",
                    "country_ids": [
                        Command.set(
                            countries.filtered(
                                lambda c: c.code in ("ES", "MX", "AR", "CO")
                            ).ids
                        )
                    ],
                },
                {
                    "name": "Lost (frozen list)",
                    "segment_type": "static",
                    "class_ids": [
                        Command.set(ref("crm_segmentation.rfm_class_lost").ids)
                    ],
                },
            ]
        )
        segments._recompute()
        self._demo_snapshot_history(company)
        return True

    @api.model
    def _demo_snapshot_history(self, company, months=12, seed=7):
        """A year of monthly snapshots, so that the trend graph draws lines
        and the migration matrix has something to compare: this month's is
        taken for real; each earlier one holds the customers invoiced by
        then, with the metrics of their invoices up to that day, while their
        classes drift back in time one neighbouring class at a time."""
        rng = random.Random(seed)
        today = fields.Date.context_today(self)
        segments = self.env["crm.segment"].search([("company_id", "=", company.id)])
        classes = self.env["crm.rfm.class"].search(
            [("company_id", "in", [company.id, False])]
        )
        scores = self.env["crm.rfm.score"].search(
            [("company_id", "=", company.id), ("class_id", "!=", False)]
        )
        invoices = {}
        for partner_id, day, move_type, amount in self.env.execute_query(
            SQL(
                """SELECT commercial_partner_id, invoice_date, move_type,
                          amount_untaxed_signed
                     FROM account_move
                    WHERE company_id = %s AND state = 'posted'
                      AND move_type IN ('out_invoice', 'out_refund')""",
                company.id,
            )
        ):
            invoices.setdefault(partner_id, []).append((day, move_type, amount))
        members = {seg: set(seg.member_ids.partner_id.ids) for seg in segments}
        class_of = {score.partner_id.id: score.class_id for score in scores}
        # sudo: the demo writes the snapshots' bookkeeping (dates, lines,
        # counts) that only the snapshot's own code writes otherwise
        Snapshot = self.env["crm.segment.snapshot"].sudo()
        # sudo: the lines of those demo snapshots, as their INSERT writes them
        Line = self.env["crm.segment.snapshot.line"].sudo()
        history = []
        for back in range(1, months):
            day = today - relativedelta(months=back)
            for partner_id, klass in class_of.items():
                if rng.random() < 0.25:
                    index = list(classes).index(klass) + rng.choice((-1, 1))
                    class_of[partner_id] = classes[min(max(index, 0), len(classes) - 1)]
            history.append((day, dict(class_of)))
        for day, classes_then in reversed(history):
            snapshot = Snapshot.create(
                {
                    "company_id": company.id,
                    "date": day,
                    "trigger": "cron",
                    "segment_ids": [Command.set(segments.ids)],
                }
            )
            vals = []
            for score in scores:
                partner = score.partner_id
                past = [row for row in invoices.get(partner.id, []) if row[0] <= day]
                if not past:
                    continue  # not a customer yet
                klass = classes_then[partner.id]
                if klass == score.class_id:
                    r, f, m = score.r_score, score.f_score, score.m_score
                else:
                    r, f, m = (
                        rng.randint(low, high)
                        for low, high in (
                            (klass.r_min, klass.r_max),
                            (klass.f_min, klass.f_max),
                            (klass.m_min, klass.m_max),
                        )
                    )
                for seg in segments:
                    if seg.class_ids:
                        if klass not in seg.class_ids:
                            continue
                    elif partner.id not in members[seg]:
                        continue
                    vals.append(
                        {
                            "snapshot_id": snapshot.id,
                            "date": day,
                            "segment_id": seg.id,
                            "segment_name": seg.name,
                            "partner_id": partner.id,
                            "class_id": klass.id,
                            "rfm_code": f"{r}{f}{m}",
                            "r_score": r,
                            "f_score": f,
                            "m_score": m,
                            "recency_days": (day - max(row[0] for row in past)).days,
                            "frequency": sum(
                                1 for row in past if row[1] == "out_invoice"
                            ),
                            # a non-finite invoice amount adds nothing, as in
                            # the recompute
                            "monetary": sum(finite(row[2]) for row in past),
                        }
                    )
            Line.create(vals)
            snapshot.write(
                {
                    "state": "done",
                    "line_count": len(vals),
                    "taken_at": datetime.combine(day, time(3, 0)),
                }
            )
        self.env["crm.segment.snapshot"].create(
            {"company_id": company.id}
        ).action_take()
