# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import logging
import random
from datetime import timedelta

from odoo import Command, api, fields, models

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
        self.env["crm.segment.snapshot"].create({}).action_take()
        return True
