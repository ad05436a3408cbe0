# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SegmentationCommon


@tagged("post_install", "-at_install")
class TestNextOffer(SegmentationCommon):
    """A known basket set, seven customers and five categories:

    c1: X Y V   c2: X Y   c3: X V   c4: Y Z   c5: Z   c6: W   c7: X

    N = 7; n(X) = 4, n(Y) = 3, n(Z) = 2, n(V) = 2, n(W) = 1;
    n(XY) = 2, n(XV) = 2, n(YZ) = 1, n(YV) = 1.
    lift(X->Y) = 2*7/(4*3) = 7/6; lift(X->V) = 2*7/(4*2) = 7/4;
    lift(Y->Z) = lift(Z->Y) = 1*7/(3*2) = 7/6; lift(Y->V) = lift(V->Y) = 7/6;
    lift(Y->X) = lift(V->X) = 7/6 and 7/4."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cats = {
            x: cls.env["product.category"].create({"name": f"Cat {x}"}) for x in "XYZVW"
        }
        cls.products = {
            x: cls.env["product.product"].create(
                {"name": f"Prod {x}", "categ_id": cat.id, "taxes_id": []}
            )
            for x, cat in cls.cats.items()
        }
        baskets = ["XYV", "XY", "XV", "YZ", "Z", "W", "X"]
        cls.customers = [
            cls._partner(f"Basket c{i}", is_company=True)
            for i in range(1, len(baskets) + 1)
        ]
        cls._baskets(list(zip(cls.customers, baskets, strict=True)))
        # neither a refund, nor a draft, nor another company's invoice counts
        cls._baskets([(cls.customers[5], "X")], move_type="out_refund")
        cls._baskets([(cls.customers[5], "Y")], post=False)
        other = cls.setup_other_company(name="Offer Other Co")
        cls.other_company = other["company"]
        move = (
            cls.env["account.move"]
            .with_company(cls.other_company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customers[5].id,
                    "invoice_date": fields.Date.to_date("2026-03-01"),
                    "journal_id": other["default_journal_sale"].id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.products["Z"].id,
                                "quantity": 1,
                                "price_unit": 10,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        cls.marketing = new_test_user(
            cls.env,
            login="offer_marketing",
            groups="crm_segmentation.group_segmentation_user,"
            "sales_team.group_sale_salesman_all_leads",
        )
        cls.salesman = new_test_user(
            cls.env, login="offer_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.other_user = new_test_user(
            cls.env,
            login="offer_other",
            groups="crm_segmentation.group_segmentation_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    @classmethod
    def _baskets(cls, specs, move_type="out_invoice", post=True):
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.to_date("2026-03-01"),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.products[x].id,
                                "quantity": 1,
                                "price_unit": 100,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for x in basket
                    ],
                }
                for partner, basket in specs
            ]
        )
        if post:
            moves.action_post()
        return moves

    def _offers(self):
        name = {cat: x for x, cat in self.cats.items()}
        offers = self.env["crm.next.offer"].search(
            [
                ("partner_id", "in", [c.id for c in self.customers]),
                ("company_id", "=", self.company.id),
            ]
        )
        return {
            (self.customers.index(o.partner_id), name[o.categ_id]): (
                round(o.lift, 4),
                o.support,
                o.rank,
            )
            for o in offers
        }

    def test_known_baskets_give_exact_lifts(self):
        self.env["crm.next.offer"]._recompute(self.company)
        s, f = round(7 / 6, 4), round(7 / 4, 4)
        self.assertEqual(
            self._offers(),
            {
                (0, "Z"): (s, 1, 1),  # c1: Z through Y
                (1, "V"): (f, 2, 1),  # c2: V through X, then Z through Y
                (1, "Z"): (s, 1, 2),
                (2, "Y"): (s, 2, 1),  # c3: Y through X (support 2, not V's 1)
                (3, "X"): (s, 2, 1),  # c4: X and V tie on lift: support decides
                (3, "V"): (s, 1, 2),
                (4, "Y"): (s, 1, 1),  # c5: Y through Z
                (6, "V"): (f, 2, 1),  # c7: V, then Y
                (6, "Y"): (s, 2, 2),
            },
        )
        offer = self.customers[1].next_offer_ids.filtered(lambda o: o.rank == 1)
        self.assertEqual(offer.source_categ_id, self.cats["X"])
        self.assertEqual(offer.basis_customers, 7)
        self.assertTrue(offer.basis_date)
        # recomputing gives the same rows
        self.env["crm.next.offer"]._recompute(self.company)
        self.assertEqual(len(self._offers()), 9)

    def test_same_basket_same_offers(self):
        """Offers are computed per basket (the set of categories bought):
        customers whose invoices differ but whose categories are the same
        get the same offers. Three more customers buy X and Y (one on two
        invoices, one with X twice): N = 10, n(X) = 7, n(Y) = 6, n(V) = 2,
        n(Z) = 2; lift(X->V) = 2*10/(7*2) = 10/7 (support 2, c1 and c3);
        lift(Y->V) = 1*10/(6*2) and lift(Y->Z) = 1*10/(6*2) are below 1;
        X and Z were never bought together. So every X Y customer gets V
        alone, through X."""
        more = [self._partner(f"Same basket {i}") for i in range(3)]
        self._baskets([(more[0], "XY"), (more[2], "XXY")])
        self._baskets([(more[1], "X")])
        self._baskets([(more[1], "Y")])
        self.env["crm.next.offer"]._recompute(self.company)
        lift = round(10 / 7, 4)
        for partner in [self.customers[1], *more]:
            offers = partner.next_offer_ids
            self.assertEqual(
                [
                    (o.categ_id, round(o.lift, 4), o.support, o.rank, o.source_categ_id)
                    for o in offers
                ],
                [(self.cats["V"], lift, 2, 1, self.cats["X"])],
                partner.name,
            )
            self.assertEqual(offers.basis_customers, 10)

    def test_query_count_does_not_grow(self):
        Offer = self.env["crm.next.offer"]
        small = self._count_queries(lambda: Offer._recompute(self.company))
        more = [self._partner(f"More {i}") for i in range(30)]
        self._baskets([(p, "XY" if i % 2 else "XV") for i, p in enumerate(more)])
        big = self._count_queries(lambda: Offer._recompute(self.company))
        self.assertLessEqual(big, small)

    def test_segment_creates_leads_from_top_offer(self):
        self.env["crm.next.offer"]._recompute(self.company)
        segment = self.env["crm.segment"].create(
            {
                "name": "Basket people",
                "partner_domain": repr([("id", "in", [c.id for c in self.customers])]),
            }
        )
        segment.action_compute()
        action = segment.with_user(self.marketing).action_create_offer_leads()
        leads = self.env["crm.lead"].browse(action["domain"][0][2])
        self.assertEqual(len(leads), 6)  # c6 has no offer
        lead_c2 = leads.filtered(lambda lead: lead.partner_id == self.customers[1])
        self.assertIn("Cat V", lead_c2.name)
        self.assertIn("1.75", str(lead_c2.description))
        again = segment.with_user(self.marketing).action_create_offer_leads()
        self.assertEqual(set(again["domain"][0][2]), set(leads.ids))
        # without offers: a clear error
        empty = self.env["crm.segment"].create(
            {"name": "Nobody", "partner_domain": repr([("id", "=", 0)])}
        )
        with self.assertRaises(UserError):
            empty.action_create_offer_leads()

    def test_offer_leads_found_in_any_language(self):
        """Run in English, then in Spanish: the offer leads of the first run
        are found by their category, no duplicate is made."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["crm.next.offer"]._recompute(self.company)
        segment = self.env["crm.segment"].create(
            {
                "name": "Basket people (languages)",
                "partner_domain": repr([("id", "in", [c.id for c in self.customers])]),
            }
        )
        segment.action_compute()
        Lead = self.env["crm.lead"]
        english = segment.with_context(lang="en_US").action_create_offer_leads()
        leads = Lead.browse(english["domain"][0][2])
        self.assertEqual(len(leads), 6)
        self.assertTrue(all(lead.next_offer_categ_id for lead in leads))
        lead_c2 = leads.filtered(lambda lead: lead.partner_id == self.customers[1])
        self.assertEqual(lead_c2.next_offer_categ_id.name, "Cat V")
        spanish = segment.with_context(lang="es_ES").action_create_offer_leads()
        self.assertEqual(set(spanish["domain"][0][2]), set(leads.ids))
        self.assertEqual(Lead.search_count([("segment_id", "=", segment.id)]), 6)

    def test_roles(self):
        Offer = self.env["crm.next.offer"]
        Offer._recompute(self.company)
        mine = Offer.with_user(self.marketing).search(
            [("partner_id", "=", self.customers[1].id)]
        )
        self.assertEqual(len(mine), 2)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            mine[:1].write({"lift": 9.0})
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            Offer.with_user(self.marketing)._recompute()
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            Offer.with_user(self.salesman).search([])
        # another company sees none of this company's offers
        self.assertFalse(
            Offer.with_user(self.other_user).search(
                [("partner_id", "in", [c.id for c in self.customers])]
            )
        )
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            mine.with_user(self.other_user).read(["lift"])
