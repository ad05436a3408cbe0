# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import math

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.crm_customer_value import lifetime_values
from .common import SegmentationCommon
from .test_rfm_transition import TestRfmTransition


@tagged("post_install", "-at_install")
class TestCustomerValue(SegmentationCommon):
    """The history of TestRfmTransition, with a product costing 40 and:

    * p1 (champions at D1) invoiced 100 on 05-15: margin 60, period D1-D2;
    * p3 (loyal at D2) invoiced 200 on 06-10: margin 160, period D2-D3;
    * p2 (loyal at D2) refunded 50 on 06-15: margin -50 + 40 = -10.

    Mean margin in the period after a cut-off: champions (p1, p2 at D1, p1
    at D2) 60 / 3 = 20; loyal (p3, p4 at D1; p2, p3 at D2) 150 / 4 = 37.5;
    at risk 0."""

    _history = TestRfmTransition.__dict__["_history"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.champ = ref("crm_segmentation.rfm_class_champions")
        cls.loyal = ref("crm_segmentation.rfm_class_loyal")
        cls.risk = ref("crm_segmentation.rfm_class_at_risk")
        cls.lost = ref("crm_segmentation.rfm_class_lost")
        cls.p = [cls._partner(f"Value P{i}") for i in range(1, 7)]
        C, L, R, X = cls.champ, cls.loyal, cls.risk, cls.lost
        cls._history(
            cls.p,
            [(C, C, L), (C, L, R), (L, L, L), (L, R, X), (R, X, X), (R, R, None)],
        )
        cls.product.standard_price = 40.0
        p1, p2, p3 = cls.p[:3]
        cls._invoices(
            [
                (p1, "2026-05-15", 100, "out_invoice"),
                (p3, "2026-06-10", 200, "out_invoice"),
                (p2, "2026-06-15", 50, "out_refund"),
            ]
        )

    def _scores(self):
        return {
            s.partner_id: s
            for s in self.env["crm.rfm.score"].search(
                [("partner_id", "in", [p.id for p in self.p])]
            )
        }

    def test_hand_computed_margin_and_value(self):
        self.config.write({"clv_discount_rate": 0.0, "clv_horizon": 2})
        matrix = self.config._recompute_transitions()
        scores = self._scores()
        p1, p2, p3, p4 = self.p[:4]
        self.assertEqual(
            [scores[p].margin for p in (p1, p2, p3, p4)], [60.0, -10.0, 160.0, 0.0]
        )
        rows = {row.class_id: row for row in matrix.class_ids}
        C, L, R = self.champ, self.loyal, self.risk
        self.assertEqual((rows[C].margin_count, rows[C].margin_per_period), (3, 20.0))
        self.assertEqual((rows[L].margin_count, rows[L].margin_per_period), (4, 37.5))
        self.assertEqual(rows[R].margin_per_period, 0.0)
        # m = (C 20, L 37.5, R 0); P m = (C 95/3, L 18.75, R 0);
        # P^2 m = (C 415/18, L 9.375): two periods, no discount
        self.assertAlmostEqual(rows[C].clv, 95 / 3 + 415 / 18, delta=0.01)
        self.assertAlmostEqual(rows[L].clv, 18.75 + 9.375, delta=0.01)
        self.assertEqual(rows[R].clv, 0.0)
        self.assertEqual(rows[self.lost].clv, 0.0)
        # expected periods in a class that is not lost: C stays alive two
        # periods; L: 1 + (1/2 + 1/2 * 1/3)
        self.assertAlmostEqual(rows[C].expected_periods, 2.0)
        self.assertAlmostEqual(rows[L].expected_periods, 1 + 2 / 3)
        # each customer takes its class's value (p1 is loyal at D3)
        self.assertAlmostEqual(scores[p1].clv, 28.125, delta=0.01)
        self.assertAlmostEqual(scores[p3].clv, 28.125, delta=0.01)
        self.assertEqual(scores[p4].clv, 0.0)
        self.assertIn("2 periods of 30 days, 6 customers", scores[p1].prediction_basis)

    def test_discount(self):
        self.config.write({"clv_discount_rate": 10.0, "clv_horizon": 2})
        matrix = self.config._recompute_transitions()
        # a period is (D3 - D1) / 2 = 30.5 days
        self.assertAlmostEqual(matrix.period_days, 30.5)
        d = 1 / math.pow(1.1, 30.5 / 365)
        row = matrix.class_ids.filtered(lambda r: r.class_id == self.champ)
        self.assertAlmostEqual(row.clv, d * 95 / 3 + d * d * 415 / 18, delta=0.01)

    def test_lifetime_values_of_known_matrix(self):
        # a: stays 1/2, lost 1/2, margin 10 a period; no discount, long
        # horizon: 10 * (1/2 + 1/4 + ...) -> 10
        values = lifetime_values(
            [1, 2], {(1, 1): 0.5, (1, 2): 0.5}, {2}, {1: 10.0}, 1.0, 60
        )
        self.assertAlmostEqual(values[1][1], 10.0, places=9)
        self.assertAlmostEqual(values[1][0], 1.0, places=9)
        self.assertEqual(values[2], (0.0, 0.0))

    def test_query_count_constant(self):
        """Margins and values: the recompute's queries do not grow."""
        company = self.env["res.company"].create({"name": "Value Count Co"})
        config = self.env["crm.rfm.config"]._get_for_company(company)
        C, L, R = self.champ, self.loyal, self.risk
        pattern = [(C, L, R), (L, R, self.lost)]
        Partner = self.env["res.partner"]
        self._history(
            Partner.create([{"name": "F1"}, {"name": "F2"}]), pattern, company
        )
        self._count_queries(config._recompute_transitions)
        first = self._count_queries(config._recompute_transitions)
        many = Partner.create([{"name": f"V{i}"} for i in range(18)])
        self._history(many, pattern * 9, company)
        self._count_queries(config._recompute_transitions)
        self.assertEqual(first, self._count_queries(config._recompute_transitions))

    def test_roles_and_bad_settings(self):
        self.config._recompute_transitions()
        user = new_test_user(
            self.env,
            login="value_user",
            groups="crm_segmentation.group_segmentation_user",
        )
        score = (
            self.env["crm.rfm.score"]
            .with_user(user)
            .search([("partner_id", "=", self.p[2].id)])
        )
        self.assertEqual(score.margin, 160.0)
        with self.assertRaises(AccessError):
            score.write({"clv": 1.0})
        with self.assertRaises(AccessError):
            self.config.with_user(user).write({"clv_horizon": 3})
        for vals in (
            {"clv_discount_rate": -1},
            {"clv_discount_rate": float("nan")},
            {"clv_discount_rate": 101},
            {"clv_horizon": 0},
            {"clv_horizon": 2**31},
        ):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.config.write(vals)
        self.assertEqual(self.config.clv_horizon, 36)
