# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two companies, each with one record of every company-bound model of the
suite, and a user per company holding every manager role of the suite.

Shared by the multi-company read test and the cross-company write sweeps.
"""

from datetime import date

from odoo import Command
from odoo.tests import new_test_user

MANAGER_GROUPS = ",".join(
    [
        "sales_team.group_sale_manager",
        "crm_pipeline_ext.group_territory_manager",
        "crm_quote_pricer.group_pricing_manager",
        "crm_helpdesk_link.group_support_plan_manager",
        "crm_segmentation.group_segmentation_manager",
        "mass_mailing.group_mass_mailing_user",
        "base.group_allow_export",
    ]
)


class CompanyWorldMixin:
    """``setUpClass`` helpers: ``company_a``, ``company_b``, ``user_a``,
    ``user_b`` and ``records[company][model]``."""

    @classmethod
    def setup_company_world(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B (MC)"})
        cls.env.user.company_ids |= cls.company_b
        # one user per company, allowed in that company only
        cls.user_a, cls.user_b = (
            new_test_user(
                cls.env,
                login=f"mc_user_{key}",
                groups=MANAGER_GROUPS,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for key, company in (("a", cls.company_a), ("b", cls.company_b))
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Shared customer", "is_company": True}
        )
        cls.service = cls.env["product.product"].create(
            {"name": "MC support hour", "type": "service"}
        )
        cls.stage = cls.env["crm.stage"].search([], limit=1)
        cls.records = {
            company: cls._make_all(company, user)
            for company, user in (
                (cls.company_a, cls.user_a),
                (cls.company_b, cls.user_b),
            )
        }

    @classmethod
    def _make_all(cls, company, user):
        """{model: record of ``company``} for every company-bound model."""
        env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=company.ids,
                crm_pipeline_ext_no_routing=True,
            )
        )
        co = company.id
        name = company.name
        rec = {}
        rule = env["crm.quote.price.rule"].create(
            {"name": f"Rule {name}", "percent": 5.0, "company_id": co}
        )
        rec["crm.quote.price.rule"] = rule
        rec["crm.quote.price.rule.tier"] = env["crm.quote.price.rule.tier"].create(
            {"rule_id": rule.id, "min_qty": 0.0, "discount": 1.0}
        )
        rec["crm.quote.authority"] = env["crm.quote.authority"].create(
            {"user_id": user.id, "company_id": co, "max_discount": 5.0}
        )
        territory = env["crm.territory"].create(
            {"name": f"Territory {name}", "company_id": co}
        )
        rec["crm.territory"] = territory
        rec["crm.territory.zip"] = env["crm.territory.zip"].create(
            {"territory_id": territory.id, "zip_from": "28"}
        )
        rec["crm.territory.member"] = env["crm.territory.member"].create(
            {"territory_id": territory.id, "user_id": user.id}
        )
        competitor = env["crm.competitor"].create(
            {"name": f"Competitor {name}", "company_id": co}
        )
        rec["crm.competitor"] = competitor
        contract = env["contract.contract"].create(
            {
                "name": f"Contract {name}",
                "partner_id": cls.customer.id,
                "company_id": co,
                "contract_type": "sale",
                "line_recurrence": True,
                "date_start": date(2026, 1, 1),
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.service.id,
                            "name": "Support",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": date(2026, 1, 1),
                            "date_end": date(2026, 12, 31),
                        }
                    )
                ],
            }
        )
        rec["helpdesk.support.plan"] = env["helpdesk.support.plan"].create(
            {"name": f"Plan {name}", "contract_id": contract.id, "period_type": "month"}
        )
        campaign = env["helpdesk.nps.campaign"].create(
            {
                "name": f"NPS {name}",
                "company_id": co,
                "partner_domain": repr([("id", "=", cls.customer.id)]),
            }
        )
        rec["helpdesk.nps.campaign"] = campaign
        rec["survey.user_input"] = env["survey.user_input"].create(
            {
                "survey_id": campaign.survey_id.id,
                "partner_id": cls.customer.id,
                "nps_campaign_id": campaign.id,
            }
        )
        # a ticket: the service-level report's row of this company
        env["helpdesk.ticket"].create(
            {
                "name": f"Ticket {name}",
                "description": "<p>World</p>",
                "partner_id": cls.customer.id,
                "company_id": co,
            }
        )
        segment = env["crm.segment"].create(
            {"name": f"Segment {name}", "company_id": co}
        )
        rec["crm.segment"] = segment
        score = env["crm.rfm.score"].create(
            {"partner_id": cls.customer.id, "company_id": co, "r_score": 3}
        )
        rec["crm.rfm.score"] = score
        rec["crm.segment.member"] = env["crm.segment.member"].create(
            {"segment_id": segment.id, "partner_id": cls.customer.id}
        )
        rec["crm.segment.persona.line"] = env["crm.segment.persona.line"].create(
            {"segment_id": segment.id, "kind": "country", "name": f"Land {name}"}
        )
        snapshot = env["crm.segment.snapshot"].create({"company_id": co})
        rec["crm.segment.snapshot"] = snapshot
        rec["crm.segment.snapshot.line"] = env["crm.segment.snapshot.line"].create(
            {
                "snapshot_id": snapshot.id,
                "company_id": co,
                "segment_id": segment.id,
                "partner_id": cls.customer.id,
            }
        )
        rec["crm.rfm.config"] = env["crm.rfm.config"]._get_for_company(company)
        rec["crm.rfm.class"] = env["crm.rfm.class"].create(
            {"name": f"Class {name}", "company_id": co}
        )
        cls._make_segmentation_predictions(env, rec, company, name)
        lead = env["crm.lead"].create(
            {
                "name": f"Lead {name}",
                "type": "opportunity",
                "user_id": user.id,
                "company_id": co,
                "expected_revenue": 1000.0,
                "stage_id": cls.stage.id,
            }
        )
        rec["crm.lead.competitor"] = env["crm.lead.competitor"].create(
            {"lead_id": lead.id, "competitor_id": competitor.id, "price": 900.0}
        )
        lost = env["crm.lead"].create(
            {
                "name": f"Lost {name}",
                "type": "opportunity",
                "user_id": user.id,
                "company_id": co,
                "expected_revenue": 500.0,
                "stage_id": cls.stage.id,
            }
        )
        lost.action_set_lost(lost_reason_id=env.ref("crm.lost_reason_1").id)
        rec["crm.lead.stage.history"] = env["crm.lead.stage.history"].search(
            [("lead_id", "=", lead.id)]
        )
        rec["crm.forecast.snapshot"] = env["crm.forecast.snapshot"].create(
            {
                "snapshot_date": date(2026, 1, 5),
                "period": date(2026, 2, 1),
                "user_id": user.id,
                "company_id": co,
                "forecast_category": "commit",
                "expected_revenue": 1000.0,
            }
        )
        target_team = env["crm.team"].create(
            {"name": f"Target team {name}", "company_id": co}
        )
        # a team's target: a salesperson's would add rows to the KPI report,
        # whose row ids (row_number) the report records above are held by
        rec["crm.sales.target"] = env["crm.sales.target"].create(
            {
                "team_id": target_team.id,
                "company_id": co,
                "date_from": date(2026, 2, 1),
                "target_won_revenue": 5000.0,
            }
        )
        rec["crm.forecast.submission"] = env["crm.forecast.submission"].create(
            {
                "user_id": user.id,
                "team_id": target_team.id,
                "company_id": co,
                "date_from": date(2026, 2, 1),
                "commit_amount": 1000.0,
                "best_case_amount": 1500.0,
            }
        )
        cls.env.flush_all()
        for view in (
            "crm.salesperson.kpi.report",
            "crm.forecast.accuracy.report",
            "crm.win.loss.report",
            "helpdesk.service.level.report",
        ):
            rec[view] = (
                cls.env[view]
                .sudo()
                .search([("company_id", "=", co)], limit=1)
                .sudo(False)
            )
        return rec

    @classmethod
    def _make_segmentation_predictions(cls, env, rec, company, name):
        """The snapshots' predictions, a measured campaign, a next offer and
        (with the job queue glue) a batch run of ``company``."""
        co = company.id
        klass = rec["crm.rfm.class"]
        # sudo: the class history, the facts and the offers are written by
        # the application only
        history = env["crm.rfm.class.history"].sudo()
        for cutoff in (date(2025, 1, 1), date(2025, 2, 1)):
            history.create(
                {
                    "company_id": co,
                    "date": cutoff,
                    "partner_id": cls.customer.id,
                    "class_id": klass.id,
                }
            )
        rec["crm.rfm.class.history"] = history.search(
            [("company_id", "=", co)], limit=1
        ).sudo(False)
        matrix = rec["crm.rfm.config"]._recompute_transitions()
        rec["crm.rfm.transition"] = matrix
        rec["crm.rfm.transition.line"] = matrix.line_ids[:1]
        rec["crm.rfm.transition.class"] = matrix.class_ids[:1]
        rec["crm.customer.month"] = (
            env["crm.customer.month"]
            .sudo()
            .create(
                {
                    "company_id": co,
                    "cutoff_date": date(2025, 2, 1),
                    "month": date(2025, 1, 1),
                    "partner_id": cls.customer.id,
                    "class_id": klass.id,
                }
            )
            .sudo(False)
        )
        category = env["product.category"].create({"name": f"Offer {name}"})
        rec["crm.next.offer"] = (
            env["crm.next.offer"]
            .sudo()
            .create(
                {
                    "partner_id": cls.customer.id,
                    "company_id": co,
                    "categ_id": category.id,
                    "rank": 1,
                    "lift": 1.5,
                }
            )
            .sudo(False)
        )
        rec["utm.campaign"] = env["utm.campaign"].create(
            {"name": f"Campaign {name}", "company_id": co}
        )
        run = env["crm.segment.campaign.run"].create(
            {
                "name": f"Measured {name}",
                "segment_id": rec["crm.segment"].id,
                "utm_campaign_id": rec["utm.campaign"].id,
            }
        )
        run.action_split()
        rec["crm.segment.campaign.run"] = run
        rec["crm.segment.campaign.run.member"] = run.member_ids[:1]
        if "crm.segmentation.job.run" in env:
            rec["crm.segmentation.job.run"] = (
                env["crm.segmentation.job.run"]
                .sudo()
                .create({"name": f"Run {name}", "kind": "rfm", "company_id": co})
                .sudo(False)
            )
