# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models.crm_rfm_transition import churn_risks
from .common import SegmentationCommon

D1, D2, D3 = "2026-04-30", "2026-05-31", "2026-06-30"


@tagged("post_install", "-at_install")
class TestRfmTransition(SegmentationCommon):
    """A known history of three cut-offs (two periods):

    ====  ========  ========  ========
    who   D1        D2        D3
    ====  ========  ========  ========
    p1    champ.    champ.    loyal
    p2    champ.    loyal     at risk
    p3    loyal     loyal     loyal
    p4    loyal     at risk   lost
    p5    at risk   lost      lost
    p6    at risk   at risk   (gone)
    ====  ========  ========  ========

    Moves: from champions 1 stay, 2 to loyal; from loyal 2 stay, 2 to at
    risk; from at risk 1 stays, 2 to lost; from lost 1 stays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.champ = ref("crm_segmentation.rfm_class_champions")
        cls.loyal = ref("crm_segmentation.rfm_class_loyal")
        cls.risk = ref("crm_segmentation.rfm_class_at_risk")
        cls.lost = ref("crm_segmentation.rfm_class_lost")
        cls.new = ref("crm_segmentation.rfm_class_new")
        cls.p = [cls._partner(f"Trans P{i}") for i in range(1, 7)]
        C, L, R, X = cls.champ, cls.loyal, cls.risk, cls.lost
        history = [
            (C, C, L),
            (C, L, R),
            (L, L, L),
            (L, R, X),
            (R, X, X),
            (R, R, None),
        ]
        cls._history(cls.p, history)
        cls.user = new_test_user(
            cls.env,
            login="trans_user",
            groups="crm_segmentation.group_segmentation_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="trans_manager",
            groups="crm_segmentation.group_segmentation_manager",
        )

    @classmethod
    def _history(cls, partners, history, company=None):
        """Class history rows and the current scores (class at D3)."""
        company = company or cls.company
        rows, scores = [], []
        for partner, classes in zip(partners, history, strict=True):
            for date, klass in zip((D1, D2, D3), classes, strict=True):
                if klass:
                    rows.append(
                        {
                            "company_id": company.id,
                            "date": date,
                            "partner_id": partner.id,
                            "class_id": klass.id,
                        }
                    )
            scores.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "class_id": (classes[2] or classes[1]).id,
                }
            )
        # sudo: the history and scores are written by the application only
        cls.env["crm.rfm.class.history"].sudo().create(rows)
        cls.env["crm.rfm.score"].sudo().create(scores)

    def _prob(self, matrix, src, dst):
        line = matrix.line_ids.filtered(
            lambda c: c.from_class_id == src and c.to_class_id == dst
        )
        return line.probability if line else 0.0

    def test_hand_computed_matrix_and_churn(self):
        matrix = self.config._recompute_transitions()
        C, L, R, X = self.champ, self.loyal, self.risk, self.lost
        expected = {
            (C, C): 1 / 3,
            (C, L): 2 / 3,
            (L, L): 1 / 2,
            (L, R): 1 / 2,
            (R, R): 1 / 3,
            (R, X): 2 / 3,
            (X, X): 1.0,
        }
        self.assertEqual(len(matrix.line_ids), len(expected))
        for (src, dst), prob in expected.items():
            self.assertAlmostEqual(self._prob(matrix, src, dst), prob, places=12)
        self.assertRecordValues(
            matrix,
            [
                {
                    "period_count": 2,
                    "customer_count": 6,
                    "pair_count": 11,
                    "date_from": fields.Date.to_date(D1),
                    "date_to": fields.Date.to_date(D3),
                    "churn_periods": 3,
                }
            ],
        )
        # churn within 3 periods, lost absorbing:
        # C: C>L>R>X = 2/3 * 1/2 * 2/3 = 2/9
        # L: L>R>X + L>L>R>X + L>R>R>X = 1/3 + 1/6 + 1/9 = 11/18
        # R: 2/3 + 1/3 * 2/3 + 1/9 * 2/3 = 26/27
        risk = {row.class_id: row.churn_risk for row in matrix.class_ids}
        self.assertAlmostEqual(risk[C], 2 / 9, places=12)
        self.assertAlmostEqual(risk[L], 11 / 18, places=12)
        self.assertAlmostEqual(risk[R], 26 / 27, places=12)
        self.assertEqual(risk[X], 1.0)
        self.assertEqual(risk[self.new], 0.0, "never seen: keeps its customers")
        scores = {
            s.partner_id: s.churn_risk
            for s in self.env["crm.rfm.score"].search(
                [("partner_id", "in", [p.id for p in self.p])]
            )
        }
        p1, p2, _p3, p4, _p5, p6 = self.p
        self.assertAlmostEqual(scores[p1], 11 / 18, places=4)
        self.assertAlmostEqual(scores[p2], 26 / 27, places=4)
        self.assertEqual(scores[p4], 1.0)
        self.assertAlmostEqual(scores[p6], 26 / 27, places=4)
        # on the partner, and in segment rules
        self.assertAlmostEqual(p1.rfm_churn_risk, 11 / 18, places=4)
        found = self.env["res.partner"].search(
            [("id", "in", [p.id for p in self.p]), ("rfm_churn_risk", ">=", 0.9)]
        )
        self.assertEqual(found.ids, sorted([p2.id, p4.id, self.p[4].id, p6.id]))
        segment = self.env["crm.segment"].create(
            {
                "name": "Likely to churn",
                "partner_domain": repr([("rfm_churn_risk", ">", 0.5)]),
            }
        )
        segment.action_compute()
        self.assertEqual(
            set(segment.member_ids.partner_id.ids),
            {p1.id, p2.id, self.p[2].id, p4.id, self.p[4].id, p6.id},
        )

    def test_horizon_and_last_periods(self):
        self.config.churn_periods = 1
        self.config.transition_periods = 1
        matrix = self.config._recompute_transitions()
        # only D2 -> D3: from loyal 1 stays (p3) and 1 goes at risk (p2)
        self.assertEqual(
            (matrix.period_count, matrix.date_from), (1, fields.Date.to_date(D2))
        )
        self.assertAlmostEqual(self._prob(matrix, self.loyal, self.risk), 0.5)
        risk = {row.class_id: row.churn_risk for row in matrix.class_ids}
        # from at risk in one period: p4 to lost, p6 gone: 1
        self.assertEqual(risk[self.risk], 1.0)
        self.assertEqual(risk[self.loyal], 0.0)

    def test_churn_of_known_matrix(self):
        # two states and an absorbing lost one: a -> b 0.5, a -> lost 0.5,
        # b -> a 1.0
        probs = {(1, 2): 0.5, (1, 3): 0.5, (2, 1): 1.0}
        self.assertEqual(
            churn_risks([1, 2, 3], probs, {3}, 1), {1: 0.5, 2: 0.0, 3: 1.0}
        )
        self.assertEqual(
            churn_risks([1, 2, 3], probs, {3}, 3), {1: 0.75, 2: 0.5, 3: 1.0}
        )

    def test_snapshot_freezes_classes(self):
        scored = self.env["crm.rfm.score"].search_count(
            [("company_id", "=", self.company.id), ("class_id", "!=", False)]
        )
        with freeze_time("2026-07-31"):
            snapshot = self.env["crm.segment.snapshot"].create({})
            snapshot.action_take()
        History = self.env["crm.rfm.class.history"]
        self.assertEqual(History.search_count([("date", "=", "2026-07-31")]), scored)
        matrix = self.env["crm.rfm.transition"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(matrix.date_to, fields.Date.to_date("2026-07-31"))
        self.assertEqual(matrix.period_count, 3)
        # insert-only: a second cut-off the same day adds nothing
        with freeze_time("2026-07-31"):
            self.env["crm.segment.snapshot"].create({}).action_take()
        self.assertEqual(History.search_count([("date", "=", "2026-07-31")]), scored)

    def _warm_count(self, config):
        """Queries of a recompute, with the caches a running server has."""
        self._count_queries(config._recompute_transitions)
        return self._count_queries(config._recompute_transitions)

    def test_query_count_constant(self):
        """The recompute's queries do not grow with the customers."""
        Partner = self.env["res.partner"]
        company = self.env["res.company"].create({"name": "Trans Count Co"})
        config = self.env["crm.rfm.config"]._get_for_company(company)
        C, L, R = self.champ, self.loyal, self.risk
        pattern = [(C, L, R), (L, R, self.lost)]
        few = Partner.create([{"name": f"Few {i}"} for i in range(2)])
        self._history(few, pattern, company)
        first = self._warm_count(config)
        many = Partner.create([{"name": f"Many {i}"} for i in range(18)])
        self._history(many, pattern * 9, company)
        second = self._warm_count(config)
        self.assertEqual(first, second)
        matrix = config._get_transition()
        self.assertEqual(matrix.customer_count, 20)

    def test_roles(self):
        self.config._recompute_transitions()
        # users read the matrix, the predictions and the history
        Line = self.env["crm.rfm.transition.line"].with_user(self.user)
        self.assertEqual(len(Line.search([("company_id", "=", self.company.id)])), 7)
        self.assertTrue(
            self.env["crm.rfm.class.history"].with_user(self.user).search_count([])
        )
        # ... but neither recompute nor write them
        config = self.config.with_user(self.user)
        with self.assertRaises(AccessError):
            config.action_recompute_transitions()
        with self.assertRaises(AccessError):
            Line.search([], limit=1).write({"probability": 0.5})
        with self.assertRaises(AccessError):
            self.env["crm.rfm.class.history"].with_user(self.manager).create(
                {"company_id": self.company.id, "date": D3, "partner_id": self.p[0].id}
            )
        with self.assertRaises(AccessError):
            self.env["crm.rfm.score"].with_user(self.manager).search(
                [("partner_id", "=", self.p[0].id)]
            ).write({"churn_risk": 0.0})
        # managers recompute
        self.config.with_user(self.manager).action_recompute_transitions()
        matrix = self.env["crm.rfm.transition"].with_user(self.manager).search([])
        self.assertEqual(matrix.customer_count, 6)
        # another company sees none of it
        other_company = self.env["res.company"].create({"name": "Trans Other Co"})
        other = new_test_user(
            self.env,
            login="trans_other",
            groups="crm_segmentation.group_segmentation_manager",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        self.assertFalse(
            self.env["crm.rfm.transition.line"].with_user(other).search([])
        )
        with self.assertRaises(AccessError):
            matrix.with_user(other).read(["customer_count"])
        with self.assertRaises(AccessError):
            self.env["crm.rfm.transition.class"].with_user(other).browse(
                matrix.class_ids[:1].id
            ).read(["churn_risk"])

    def test_bad_settings(self):
        for value in (0, -1, 121, 2**31):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.config.churn_periods = value
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.config.transition_periods = value
        self.assertEqual(self.config.churn_periods, 3)

    def test_demo_history(self):
        """The demo draws a year of believable history from today's classes."""
        self._build_example()
        self.config.action_recompute()
        self.env["crm.segment.snapshot"].create({}).action_take()
        self.assertTrue(self.env["crm.rfm.config"]._demo_prediction())
        matrix = self.config._get_transition()
        self.assertGreaterEqual(matrix.period_count, 1)
        self.assertTrue(matrix.line_ids)
        for klass in matrix.line_ids.from_class_id:
            total = sum(
                matrix.line_ids.filtered(
                    lambda c, k=klass: c.from_class_id == k
                ).mapped("probability")
            )
            self.assertAlmostEqual(total, 1.0, places=9)
