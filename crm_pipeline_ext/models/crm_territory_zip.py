# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .routing_engine import ZipRange, norm_zip


class CrmTerritoryZip(models.Model):
    _name = "crm.territory.zip"
    _description = "Territory Zip Range"
    _order = "territory_id, zip_from"

    territory_id = fields.Many2one(
        "crm.territory", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="territory_id.company_id", store=True, index=True
    )
    match_type = fields.Selection(
        [("prefix", "Prefix"), ("range", "Range")],
        required=True,
        default="prefix",
    )
    zip_from = fields.Char(
        string="From / Prefix",
        required=True,
        help="The prefix, or the first zip code of the range.",
    )
    zip_to = fields.Char(help="The last zip code of the range (included).")

    def _routing_range(self):
        """This range as the routing engine reads it."""
        self.ensure_one()
        return ZipRange(self.match_type, self.zip_from or "", self.zip_to or "")

    def _bounds(self):
        return self._routing_range().bounds()

    @api.constrains("match_type", "zip_from", "zip_to")
    def _check_range(self):
        for rng in self:
            if not norm_zip(rng.zip_from):
                raise ValidationError(self.env._("A zip range needs a start."))
            if rng.match_type == "range":
                low, high = rng._bounds()
                if not high or high < low:
                    raise ValidationError(
                        self.env._(
                            "Zip range %(low)s - %(high)s: the end must be "
                            "after the start.",
                            low=rng.zip_from,
                            high=rng.zip_to or "",
                        )
                    )
        self._check_overlap()

    def _check_overlap(self):
        """Zip ranges of territories at one level (same parent) must not
        overlap, otherwise routing between them would be arbitrary."""
        Territory = self.env["crm.territory"].with_context(active_test=False)
        territories = self.territory_id
        siblings = Territory.search([("parent_id", "in", territories.parent_id.ids)])
        if territories.filtered(lambda t: not t.parent_id):
            siblings |= Territory.search([("parent_id", "=", False)])
        ranges = siblings.zip_range_ids
        by_parent = {}
        for rng in ranges:
            territory = rng.territory_id
            key = (territory.company_id.id, territory.parent_id.id)
            by_parent.setdefault(key, []).append(rng)
        # companies route separately; a territory without company meets them all
        for (company, parent), group in list(by_parent.items()):
            if company:
                group += by_parent.get((False, parent), [])
        for group in by_parent.values():
            bounds = sorted((r._bounds(), r) for r in group)
            for (b1, r1), (b2, r2) in zip(bounds, bounds[1:], strict=False):
                if b2[0] <= b1[1]:
                    raise ValidationError(
                        self.env._(
                            "Zip codes %(a)s (%(ta)s) and %(b)s (%(tb)s) overlap "
                            "at the same territory level.",
                            a=r1.display_name,
                            ta=r1.territory_id.complete_name,
                            b=r2.display_name,
                            tb=r2.territory_id.complete_name,
                        )
                    )

    @api.depends("match_type", "zip_from", "zip_to")
    def _compute_display_name(self):
        for rng in self:
            if rng.match_type == "prefix":
                rng.display_name = f"{rng.zip_from or ''}*"
            else:
                rng.display_name = f"{rng.zip_from or ''}-{rng.zip_to or ''}"
