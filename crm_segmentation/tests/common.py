# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class SegmentationCommon(AccountTestInvoicingCommon):
    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("crm_segmentation.group_segmentation_manager")
            | cls.env.ref("sales_team.group_sale_manager")
            | cls.env.ref("mass_mailing.group_mass_mailing_user")
            | cls.env.ref("base.group_partner_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.config = cls.env["crm.rfm.config"]._get_for_company(cls.company)
        cls.config.write(
            {
                "recency_method": "fixed",
                "frequency_method": "fixed",
                "monetary_method": "fixed",
                "recency_thresholds": "30,90,180,365",
                "frequency_thresholds": "1,2,4,8",
                "monetary_thresholds": "500,2000,10000,50000",
            }
        )
        cls.category = cls.env["product.category"].create({"name": "Seg Category"})
        cls.product = cls.env["product.product"].create(
            {"name": "Seg Product", "categ_id": cls.category.id, "taxes_id": []}
        )

    @classmethod
    def _partner(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, **vals})

    @classmethod
    def _invoices(cls, specs, post=True):
        """specs: (partner, 'YYYY-MM-DD', amount, move_type)"""
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.to_date(date),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for partner, date, amount, move_type in specs
            ]
        )
        if post:
            moves.action_post()
        return moves

    @classmethod
    def _build_example(cls):
        """The hand-computed example (today = 2026-06-30)."""
        cls.partner_a = cls._partner("Seg A", email="a@example.com")
        cls.partner_b = cls._partner("Seg B", email="b@example.com")
        cls.partner_c = cls._partner("Seg C", email="c@example.com")
        cls.partner_d = cls._partner("Seg D")
        cls.partner_e = cls._partner("Seg E", email="e@example.com")
        inv = "out_invoice"
        specs = [
            (cls.partner_a, "2026-06-20", 1000, inv),
            (cls.partner_a, "2026-05-01", 2000, inv),
            (cls.partner_a, "2026-03-01", 3000, inv),
            (cls.partner_a, "2026-06-25", 500, "out_refund"),
            (cls.partner_b, "2025-06-30", 300, inv),
            (cls.partner_d, "2026-01-10", 200, "out_refund"),
        ]
        specs += [(cls.partner_c, "2026-06-29", 6000, inv)] * 10
        cls._invoices(specs)
        # a draft invoice counts for nothing
        cls._invoices([(cls.partner_e, "2026-06-01", 9999, inv)], post=False)

    def _count_queries(self, func):
        """Queries of ``func`` from cold caches."""
        self.env.flush_all()
        self.env.invalidate_all()
        count0 = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - count0

    @contextmanager
    def _no_commit(self, budget=None):
        """Run crons inside the test transaction; ``budget`` batches, then
        report the cron out of time."""
        calls = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            calls.append(processed)
            if budget is not None and len(calls) > budget:
                return 0.0
            return float("inf")

        with patch.object(
            type(self.env["ir.cron"]), "_commit_progress", commit_progress
        ):
            yield calls
