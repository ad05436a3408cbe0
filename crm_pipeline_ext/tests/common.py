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
        cls.leader = new_test_user(
            cls.env,
            login="pe_leader",
            name="Team Leader",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.salesman = new_test_user(
            cls.env,
            login="pe_salesman",
            name="Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.salesman2 = new_test_user(
            cls.env,
            login="pe_salesman2",
            name="Salesman Two",
            groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env,
            login="pe_manager",
            name="Sales Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.bypasser = new_test_user(
            cls.env,
            login="pe_bypasser",
            name="Bypasser",
            groups="crm_pipeline_ext.group_pipeline_bypass",
        )
        cls.other_user = new_test_user(
            cls.env,
            login="pe_other",
            name="Other Company User",
            groups="sales_team.group_sale_manager",
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
