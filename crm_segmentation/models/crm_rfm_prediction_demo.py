# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import random

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Where the customers of a class were one month earlier (code: weights), to
# draw a believable class history back in time from today's classes.
PREVIOUS_CLASS = {
    "champions": {"champions": 75, "loyal": 20, "new": 5},
    "loyal": {"loyal": 70, "champions": 10, "new": 10, "at_risk": 10},
    "new": {"new": 70, "hibernating": 15, "lost": 15},
    "at_risk": {"at_risk": 55, "loyal": 35, "champions": 10},
    "hibernating": {"hibernating": 55, "new": 30, "at_risk": 15},
    "lost": {"lost": 70, "hibernating": 20, "at_risk": 10},
}

# cost of the demo products (their prices are drawn from 50 to 2500)
DEMO_COSTS = {"Hardware": 900.0, "Services": 350.0, "Subscriptions": 200.0}


class CrmRfmConfig(models.Model):
    _inherit = "crm.rfm.config"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _demo_prediction(self, months=12, seed=11):
        """A year of monthly class history (the cut-offs of the demo
        snapshots), drawn back in time from today's classes, so that the
        transition matrix, the churn risk and the customer value show
        believable numbers."""
        company = self.env.company
        rng = random.Random(seed)
        today = fields.Date.context_today(self)
        # sudo: the demo writes the history the application keeps
        Score = self.env["crm.rfm.score"].sudo()
        scores = Score.search(
            [("company_id", "=", company.id), ("class_id", "!=", False)]
        )
        if not scores:
            return False
        classes = self.env["crm.rfm.class"].search(
            [("company_id", "in", [company.id, False]), ("code", "!=", False)]
        )
        by_code = {klass.code: klass for klass in classes}
        rows = []
        for score in scores:
            klass = score.class_id
            for back in range(1, months):
                day = today - relativedelta(months=back)
                if not score.first_invoice_date or score.first_invoice_date > day:
                    break  # not a customer yet
                weights = PREVIOUS_CLASS.get(klass.code)
                if weights:
                    codes = [code for code in weights if code in by_code]
                    code = rng.choices(codes, [weights[c] for c in codes])[0]
                    klass = by_code[code]
                rows.append(
                    {
                        "company_id": company.id,
                        "date": day,
                        "partner_id": score.partner_id.id,
                        "class_id": klass.id,
                    }
                )
        # sudo: as above
        self.env["crm.rfm.class.history"].sudo().create(rows)
        # the demo products' cost, for believable margins
        for name, cost in DEMO_COSTS.items():
            self.env["product.product"].search(
                [("name", "=", f"Segmentation Demo {name}")]
            ).standard_price = cost
        # sudo: the matrix of the demo history, as a snapshot computes it
        self._get_for_company(company).sudo()._recompute_transitions()
        return True
