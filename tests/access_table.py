# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may do what: the roles of the CRM suite and their expected access.

ROLES is the one table of the suite's roles and their groups: the access
matrix, the company sweeps, the quote attacks, the RPC bad-input test, the
end-to-end story and tools/rpc_story.py build their users from it.
test_access_matrix.py measures every cell with real records and compares it
with TABLE; tools/access_doc.py renders both to docs/access.md.

A cell lists the operations a role may perform on a record of its own company:
r = read, w = write, c = create, u = unlink (delete); "-" = none. A row named
``<model>:own`` is about records the role's user owns (its own opportunities,
orders, customers, figures); the plain row about another salesperson's.
Wizards (transient models) are measured on the user's own wizard records.
"""

OPS = "rwcu"

# role -> (groups given to the test user, label for the documentation)
ROLES = {
    "employee": (["base.group_user"], "Internal user (no app rights)"),
    "salesperson": (["sales_team.group_sale_salesman"], "Salesperson (own documents)"),
    "team_leader": (
        ["sales_team.group_sale_salesman_all_leads"],
        "Team leader (all documents)",
    ),
    "sales_manager": (["sales_team.group_sale_manager"], "Sales manager"),
    "territory_manager": (
        ["crm_pipeline_ext.group_territory_manager"],
        "Territory manager",
    ),
    "gate_bypass": (["crm_pipeline_ext.group_pipeline_bypass"], "Stage gate bypass"),
    "approver": (["crm_quote_pricer.group_quote_approver"], "Quote approver"),
    "pricing_manager": (["crm_quote_pricer.group_pricing_manager"], "Pricing manager"),
    "production_user": (["mrp.group_mrp_user"], "Production user"),
    "billing_user": (["account.group_account_invoice"], "Billing user"),
    "helpdesk_user": (["helpdesk_mgmt.group_helpdesk_user"], "Helpdesk user"),
    "support_plan_manager": (
        ["crm_helpdesk_link.group_support_plan_manager"],
        "Support plan manager",
    ),
    "marketing_user": (
        [
            "mass_mailing.group_mass_mailing_user",
            "crm_segmentation.group_segmentation_user",
        ],
        "Marketing user (mailing + segmentation user)",
    ),
    "segmentation_manager": (
        ["crm_segmentation.group_segmentation_manager"],
        "Segmentation manager",
    ),
    "portal": (["base.group_portal"], "Portal user"),
    "public": (["base.group_public"], "Public user"),
}

# The roles whose group implies "Sales / All documents": they see every
# opportunity, quote and figure of their company.
ALL_DOCUMENTS = (
    "team_leader",
    "territory_manager",
    "gate_bypass",
    "approver",
    "pricing_manager",
)

# row -> {operations: roles allowed exactly those operations}; a role not
# listed may do nothing on the row's records.
TABLE = {
    "crm.stage.checklist.item": {
        "rwcu": ("sales_manager",),
        "r": ("salesperson", *ALL_DOCUMENTS),
    },
    "crm.lead.stage.history": {
        "ru": ("sales_manager",),
        "r": ALL_DOCUMENTS,
    },
    "crm.lead.stage.history:own": {
        "ru": ("sales_manager",),
        "r": ("salesperson", *ALL_DOCUMENTS),
    },
    "crm.territory": {
        "rwcu": ("territory_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "gate_bypass",
            "approver",
            "pricing_manager",
        ),
    },
    "crm.territory.zip": {
        "rwcu": ("territory_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "gate_bypass",
            "approver",
            "pricing_manager",
        ),
    },
    "crm.territory.member": {
        "rwcu": ("territory_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "gate_bypass",
            "approver",
            "pricing_manager",
        ),
    },
    "crm.salesperson.kpi.report": {
        "r": ("sales_manager", *ALL_DOCUMENTS),
    },
    "crm.salesperson.kpi.report:own": {
        "r": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "crm.forecast.snapshot": {
        "ru": ("sales_manager",),
        "r": ALL_DOCUMENTS,
    },
    "crm.forecast.snapshot:own": {
        "ru": ("sales_manager",),
        "r": ("salesperson", *ALL_DOCUMENTS),
    },
    "crm.forecast.accuracy.report": {
        "r": ("sales_manager", *ALL_DOCUMENTS),
    },
    "crm.forecast.accuracy.report:own": {
        "r": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "crm.competitor": {
        "rwcu": ("sales_manager",),
        "r": ("salesperson", *ALL_DOCUMENTS),
    },
    "crm.lead.competitor": {
        "rwcu": ("sales_manager", *ALL_DOCUMENTS),
    },
    "crm.lead.competitor:own": {
        "rwcu": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "crm.win.loss.report": {
        "r": ("sales_manager", *ALL_DOCUMENTS),
    },
    "crm.win.loss.report:own": {
        "r": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "crm.quote.price.rule": {
        "rwcu": ("pricing_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "territory_manager",
            "gate_bypass",
            "approver",
            "production_user",
            "billing_user",
        ),
    },
    "crm.quote.price.rule.tier": {
        "rwcu": ("pricing_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "territory_manager",
            "gate_bypass",
            "approver",
            "production_user",
            "billing_user",
        ),
    },
    "crm.quote.authority": {
        "rwcu": ("pricing_manager",),
        "r": (
            "salesperson",
            "team_leader",
            "sales_manager",
            "territory_manager",
            "gate_bypass",
            "approver",
            "production_user",
            "billing_user",
        ),
    },
    "helpdesk.support.plan": {
        "rwcu": ("support_plan_manager",),
        "r": ("billing_user", "helpdesk_user"),
    },
    "helpdesk.service.level.report": {
        "r": ("support_plan_manager",),
    },
    "crm.rfm.config": {
        "rwc": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.rfm.class": {
        "rwcu": ("segmentation_manager",),
        "r": ("salesperson", "sales_manager", "marketing_user", *ALL_DOCUMENTS),
    },
    "crm.rfm.score": {
        "r": (
            "sales_manager",
            "marketing_user",
            "segmentation_manager",
            *ALL_DOCUMENTS,
        ),
    },
    "crm.rfm.score:own": {
        "r": (
            "salesperson",
            "sales_manager",
            "marketing_user",
            "segmentation_manager",
            *ALL_DOCUMENTS,
        ),
    },
    "crm.segment": {
        "rwcu": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.segment.member": {
        "ru": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.segment.persona.line": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.segment.snapshot": {
        "rwcu": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.segment.snapshot.line": {
        "ru": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.rfm.class.history": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.rfm.transition": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.rfm.transition.line": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.rfm.transition.class": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.customer.month": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.segment.campaign.run": {
        "rwcu": ("segmentation_manager",),
        "rwc": ("marketing_user",),
    },
    "crm.segment.campaign.run.member": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "crm.next.offer": {
        "r": ("marketing_user", "segmentation_manager"),
    },
    "helpdesk.nps.campaign": {
        "r": ("helpdesk_user", "support_plan_manager"),
    },
    "crm.segmentation.job.run": {
        # created by the recompute and snapshot actions only
        "ru": ("segmentation_manager",),
        "r": ("marketing_user",),
    },
    "crm.sales.target": {
        "rwcu": ("sales_manager",),
        "r": ALL_DOCUMENTS,
    },
    "crm.sales.target:own": {
        "rwcu": ("sales_manager",),
        "r": ("salesperson", *ALL_DOCUMENTS),
    },
    "crm.forecast.submission": {
        "rwcu": ("sales_manager",),
        "r": ALL_DOCUMENTS,
    },
    "crm.forecast.submission:own": {
        "rwcu": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "crm.stage.gate.bypass": {
        "rwcu": ("gate_bypass",),
    },
    "crm.territory.realign": {
        "rwcu": ("territory_manager",),
    },
    "crm.segment.migration": {
        "rwc": ("marketing_user", "segmentation_manager"),
    },
    "crm.lead": {
        "rwcu": ("sales_manager",),
        "rwc": ALL_DOCUMENTS,
    },
    "crm.lead:own": {
        "rwcu": ("sales_manager",),
        "rwc": ("salesperson", *ALL_DOCUMENTS),
    },
    "sale.order": {
        "rwcu": ("sales_manager",),
        "rwc": ALL_DOCUMENTS,
        "r": ("production_user", "billing_user"),
    },
    "sale.order:own": {
        "rwcu": ("sales_manager",),
        "rwc": ("salesperson", *ALL_DOCUMENTS),
        "r": ("production_user", "billing_user"),
    },
    "sale.order.line": {
        "rwcu": ("sales_manager", *ALL_DOCUMENTS),
        "r": ("production_user", "billing_user"),
    },
    "sale.order.line:own": {
        "rwcu": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
        "r": ("production_user", "billing_user"),
    },
    "mrp.production": {
        "rwcu": ("production_user",),
        "r": ("salesperson", "sales_manager", *ALL_DOCUMENTS),
    },
    "contract.contract": {
        "r": ("billing_user", "support_plan_manager"),
    },
    "helpdesk.ticket": {
        "rwc": ("helpdesk_user", "support_plan_manager"),
    },
}


def groups_of(*roles):
    """The groups of ``roles`` (keys of ROLES), each once, in order.

    Every test user and demo fallback of the suite is built from this table:
    a user who holds several roles gets the groups of all of them.
    """
    return list(dict.fromkeys(g for role in roles for g in ROLES[role][0]))


def cell(row, role):
    """The expected operations of ``role`` on ``row``, or None if unknown."""
    if row not in TABLE or role not in ROLES:
        return None
    for ops, roles in TABLE[row].items():
        if role in roles:
            return ops
    return ""


def render_table(table):
    """``{row: {role: ops}}`` as a TABLE literal, to paste above after review."""
    lines = ["TABLE = {"]
    for row, by_role in table.items():
        lines.append(f'    "{row}": {{')
        by_ops = {}
        for role in ROLES:
            if by_role.get(role):
                by_ops.setdefault(by_role[role], []).append(role)
        for ops, roles in sorted(by_ops.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            names = ", ".join(f'"{r}"' for r in roles)
            lines.append(f'        "{ops}": ({names},),')
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)
