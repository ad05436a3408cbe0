# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmSegment(models.Model):
    _inherit = "crm.segment"  # pylint: disable=consider-merging-classes-inherited

    def action_create_offer_leads(self):
        """A lead per member that has a next offer, for its top category;
        running it again adds leads only for members without an open one.

        As Create Leads: the caller's read right on the segment and create
        right on leads are checked, then the leads are created as superuser
        for the members' salespeople."""
        self.ensure_one()
        self.check_access("read")
        self.env["crm.lead"].check_access("create")
        offers = self.env["crm.next.offer"].search(
            [
                ("partner_id", "in", self.member_ids.partner_id.ids),
                ("company_id", "=", self.company_id.id),
                ("rank", "=", 1),
            ]
        )
        if not offers:
            raise UserError(
                self.env._(
                    "No member of %(segment)s has a next offer: recompute the "
                    "next offers first.",
                    segment=self.name,
                )
            )
        # a concurrent run of the same segment waits for this one
        self.env.cr.execute(
            SQL("UPDATE crm_segment SET write_date = write_date WHERE id = %s", self.id)
        )
        clean = {
            k: v for k, v in self.env.context.items() if not k.startswith("default_")
        }
        # sudo: open leads of this segment whoever's they are, and leads for
        # the members' salespeople; rights checked above, values from the
        # segment, its members and their offers only
        all_leads = self.env(context=clean)["crm.lead"].sudo()
        prefix = self.env._("Offer")
        # offer leads are told by their category, not by their name: the name
        # is in the language of whoever ran the action (the name prefix finds
        # the leads made before the category was stored)
        existing = all_leads.search(
            [
                ("segment_id", "=", self.id),
                ("partner_id", "in", offers.partner_id.ids),
                ("won_status", "!=", "won"),
                "|",
                ("next_offer_categ_id", "!=", False),
                ("name", "=like", f"{prefix}: %"),
            ]
        )
        company = self.company_id
        vals = []
        for offer in offers.filtered(lambda o: o.partner_id not in existing.partner_id):
            partner = offer.partner_id
            user = partner.user_id
            if (
                not user
                or not user.active
                or user.share
                or company not in user.company_ids
            ):
                user = self.env["res.users"]
            vals.append(
                {
                    "name": f"{prefix}: {offer.categ_id.name} - {partner.name}",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "segment_id": self.id,
                    "next_offer_categ_id": offer.categ_id.id,
                    "description": self.env._(
                        "Customers who bought %(bought)s bought %(categ)s "
                        "%(lift).2f times as often as customers in general "
                        "(%(support)s customers, of %(customers)s).",
                        bought=offer.source_categ_id.name,
                        categ=offer.categ_id.name,
                        lift=offer.lift,
                        support=offer.support,
                        customers=offer.basis_customers,
                    ),
                    **({"team_id": self.call_team_id.id} if self.call_team_id else {}),
                }
            )
        leads = all_leads.create(vals)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("id", "in", (leads | existing).ids)],
        }
