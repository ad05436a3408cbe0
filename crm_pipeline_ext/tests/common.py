# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import TransactionCase, new_test_user


class PipelineCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        salesman = "sales_team.group_sale_salesman"
        cls.leader = cls._user(
            "leader", "Team Leader", "sales_team.group_sale_salesman_all_leads"
        )
        cls.salesman = cls._user("salesman", "Salesman", salesman)
        cls.salesman2 = cls._user("salesman2", "Salesman Two", salesman)
        cls.manager = cls._user(
            "manager", "Sales Manager", "sales_team.group_sale_manager"
        )
        cls.bypasser = cls._user(
            "bypasser", "Bypasser", "crm_pipeline_ext.group_pipeline_bypass"
        )
        cls.other_user = cls._user(
            "other",
            "Other Company User",
            "sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Gate Team",
                "user_id": cls.leader.id,
                "company_id": cls.company.id,
            }
        )
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "G New", "sequence": 1000})
        cls.stage_qualified = Stage.create(
            {"name": "G Qualified", "sequence": 1001, "expected_days": 3}
        )
        cls.stage_proposal = Stage.create(
            {
                "name": "G Proposal",
                "sequence": 1002,
                "gate_field_ids": [
                    (
                        6,
                        0,
                        cls.env["ir.model.fields"]
                        .search(
                            [
                                ("model", "=", "crm.lead"),
                                ("name", "in", ["expected_revenue", "partner_id"]),
                            ]
                        )
                        .ids,
                    )
                ],
                "gate_domain": "[('probability', '>=', 30)]",
                "gate_domain_label": "Probability at least 30%",
                "checklist_item_ids": [(0, 0, {"name": "Budget confirmed"})],
            }
        )
        cls.item_budget = cls.stage_proposal.checklist_item_ids
        cls.partner = cls.env["res.partner"].create({"name": "Gate Customer"})

    @classmethod
    def _user(cls, key, name, groups, **kwargs):
        """A test user with login ``pe_<key>``."""
        return new_test_user(
            cls.env, login=f"pe_{key}", name=name, groups=groups, **kwargs
        )

    @classmethod
    def _lead(cls, **vals):
        values = {
            "name": "Opportunity",
            "type": "opportunity",
            "team_id": cls.team.id,
            "user_id": cls.salesman.id,
            "stage_id": cls.stage_new.id,
        }
        values.update(vals)
        return cls.env["crm.lead"].create(values)


class TerritoryCommon(PipelineCommon):
    """Spain > (Madrid state, zip 08 > VIP food), each with salespeople."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spain = cls.env.ref("base.es")
        cls.madrid = cls.env["res.country.state"].search(
            [("country_id", "=", cls.spain.id)], limit=1
        )
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "PE VIP"})
        cls.industry = cls.env["res.partner.industry"].create({"name": "PE Food"})
        cls.team_es = cls.env["crm.team"].create({"name": "Spain Team"})
        Territory = cls.env["crm.territory"]
        cls.t_spain = Territory.create(
            {
                "name": "Spain",
                "country_ids": [(6, 0, cls.spain.ids)],
                "team_id": cls.team_es.id,
                "member_ids": [
                    (0, 0, {"user_id": cls.salesman.id, "weight": 2, "capacity": 50}),
                    (0, 0, {"user_id": cls.salesman2.id, "weight": 1, "capacity": 50}),
                ],
            }
        )
        cls.t_state = Territory.create(
            {
                "name": "State",
                "parent_id": cls.t_spain.id,
                "state_ids": [(6, 0, cls.madrid.ids)],
                "member_ids": [
                    (0, 0, {"user_id": cls.leader.id, "weight": 1, "capacity": 50})
                ],
            }
        )
        cls.t_zip = Territory.create(
            {
                "name": "Zip 08",
                "parent_id": cls.t_spain.id,
                "zip_range_ids": [(0, 0, {"match_type": "prefix", "zip_from": "08"})],
                "member_ids": [
                    (0, 0, {"user_id": cls.manager.id, "weight": 1, "capacity": 50})
                ],
            }
        )
        cls.t_vip = Territory.create(
            {
                "name": "VIP food",
                "parent_id": cls.t_zip.id,
                "industry_ids": [(6, 0, cls.industry.ids)],
                "partner_category_ids": [(6, 0, cls.tag_vip.ids)],
                "member_ids": [
                    (0, 0, {"user_id": cls.bypasser.id, "weight": 1, "capacity": 50})
                ],
            }
        )

    def _new(self, n=1, **vals):
        values = {"name": "Routed", "type": "lead", "country_id": self.spain.id}
        values.update(vals)
        return self.env["crm.lead"].create([dict(values) for _i in range(n)])
