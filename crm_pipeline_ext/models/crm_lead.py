# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from .crm_forecast_snapshot import FORECAST_CATEGORIES

BYPASS_GROUP = "crm_pipeline_ext.group_pipeline_bypass"
# Context key carrying the reason of a gate bypass. It is only honoured for
# members of the bypass group, so passing it over RPC grants nothing.
BYPASS_KEY = "pipeline_gate_bypass_reason"
# Context key that creates leads without routing them; honoured only for code
# running as superuser, so passing it over RPC changes nothing.
NO_ROUTING_KEY = "crm_pipeline_ext_no_routing"
# Move types shown as the invoices of a quote, as sale.order.invoice_ids does.
INVOICE_TYPES = ("out_invoice", "out_refund")


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The salesperson KPI report reads every lead's grouping columns in id
    # order, merge-joined to the activity index of mail.message: an
    # index-only read instead of a hash of all leads that spills out of
    # work_mem as they grow. Dropped with the module.
    _crm_pipeline_ext_kpi_idx = models.Index(
        "(id, user_id, team_id, company_id, create_date)"
    )

    checklist_done_ids = fields.Many2many(
        "crm.stage.checklist.item",
        "crm_lead_checklist_done_rel",
        "lead_id",
        "item_id",
        help="Stage gate checklist items this opportunity has completed.",
    )
    territory_id = fields.Many2one(
        "crm.territory",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="Sales territory the lead was routed through.",
    )
    # not copied: a manager's judgement on one opportunity, and a field the
    # salesperson duplicating their lead cannot read
    forecast_override = fields.Selection(
        FORECAST_CATEGORIES,
        tracking=True,
        copy=False,
        groups="sales_team.group_sale_manager",
        help="Set by a sales manager to replace the forecast category computed "
        "from the probability; every change is logged in the chatter.",
    )
    forecast_category = fields.Selection(
        FORECAST_CATEGORIES,
        compute="_compute_forecast_category",
        store=True,
        help="Won: closed; 90% or more: commit; 50% or more: best case; "
        "otherwise pipeline; unless a manager overrides it.",
    )
    order_state_summary = fields.Char(
        string="Quotes by State", compute="_compute_order_state_summary"
    )
    all_order_count = fields.Integer(
        string="All Quotes", compute="_compute_order_state_summary"
    )
    quote_invoice_count = fields.Integer(
        string="Invoices",
        compute="_compute_quote_invoice_count",
        help="Customer invoices and credit notes of the opportunity's quotes "
        "that you can read.",
    )
    stage_history_ids = fields.One2many("crm.lead.stage.history", "lead_id")
    stage_history_count = fields.Integer(compute="_compute_stage_history_count")
    stage_expected_days = fields.Integer(related="stage_id.expected_days")
    stage_deadline = fields.Datetime(
        compute="_compute_stage_deadline",
        store=True,
        help="When the opportunity exceeds the expected days of its stage.",
    )
    is_stage_overdue = fields.Boolean(
        string="Overdue in Stage",
        compute="_compute_is_stage_overdue",
        search="_search_is_stage_overdue",
    )

    @api.depends("probability", "won_status", "forecast_override")
    def _compute_forecast_category(self):
        for lead in self:
            if lead.won_status == "won":
                lead.forecast_category = "closed"
            elif lead.forecast_override:
                lead.forecast_category = lead.forecast_override
            elif lead.probability >= 90:
                lead.forecast_category = "commit"
            elif lead.probability >= 50:
                lead.forecast_category = "best_case"
            else:
                lead.forecast_category = "pipeline"

    @api.depends("order_ids.state")
    def _compute_order_state_summary(self):
        """Count the opportunity's quotes per state, in one query for all."""
        Order = self.env["sale.order"]
        labels = dict(Order._fields["state"]._description_selection(self.env))
        groups = Order._read_group(
            [("opportunity_id", "in", self.ids)],
            ["opportunity_id", "state"],
            ["__count"],
        )
        by_lead = {}
        for lead, state, count in groups:
            by_lead.setdefault(lead.id, []).append((state, count))
        for lead in self:
            states = by_lead.get(lead.id, [])
            lead.all_order_count = sum(count for _state, count in states)
            lead.order_state_summary = " · ".join(
                f"{count} {labels.get(state, state)}" for state, count in states
            )

    def action_view_all_quotes(self):
        """All quotes of the opportunity, whatever their state, read-only."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quotes"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("opportunity_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def _get_quote_invoice_ids(self):
        """Return {lead id: set of invoice ids} for the customer invoices and
        credit notes of the quotes of ``self``.

        One grouped query for all the leads, whatever their number; Odoo's
        own record rules on quote lines and invoice lines decide what the
        current user gets, nothing is read as superuser.
        """
        if not (
            self.env["sale.order.line"].has_access("read")
            and self.env["account.move.line"].has_access("read")
        ):
            return {}
        groups = self.env["sale.order.line"]._read_group(
            [
                ("order_id.opportunity_id", "in", self.ids),
                ("invoice_lines", "!=", False),
            ],
            ["order_id.opportunity_id", "invoice_lines"],
        )
        lines = self.env["account.move.line"].union(*(line for _lead, line in groups))
        # Both reads below are prefetched for all the lines at once.
        invoice_ids = set(
            lines.move_id.filtered_domain([("move_type", "in", INVOICE_TYPES)]).ids
        )
        result = {}
        for lead, line in groups:
            if lead and line and line.move_id.id in invoice_ids:
                result.setdefault(lead.id, set()).add(line.move_id.id)
        return result

    @api.depends("order_ids.order_line.invoice_lines")
    @api.depends_context("uid")
    def _compute_quote_invoice_count(self):
        invoices = self._get_quote_invoice_ids()
        for lead in self:
            lead.quote_invoice_count = len(invoices.get(lead.id, ()))

    def action_view_quote_invoices(self):
        """Invoices and credit notes of the opportunity's quotes, read-only."""
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        invoice_ids = sorted(self._get_quote_invoice_ids().get(self.id, ()))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("crm_pipeline_ext.account_move_view_list_lead").id,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", invoice_ids)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    @api.depends("stage_history_ids")
    def _compute_stage_history_count(self):
        counts = dict(
            self.env["crm.lead.stage.history"]._read_group(
                [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.stage_history_count = counts.get(lead, 0)

    @api.depends("date_last_stage_update", "stage_id.expected_days")
    def _compute_stage_deadline(self):
        for lead in self:
            days = lead.stage_id.expected_days
            deadline = False
            if days and lead.date_last_stage_update:
                try:
                    deadline = lead.date_last_stage_update + timedelta(days=days)
                except OverflowError:
                    # a value stored before the guard of models/base.py
                    deadline = False
            lead.stage_deadline = deadline

    @api.depends("stage_deadline", "won_status", "active")
    def _compute_is_stage_overdue(self):
        now = fields.Datetime.now()
        for lead in self:
            lead.is_stage_overdue = bool(
                lead.active
                and lead.won_status == "pending"
                and lead.stage_deadline
                and lead.stage_deadline < now
            )

    def _search_is_stage_overdue(self, operator, value):
        if operator != "in":
            return NotImplemented
        return [
            ("stage_deadline", "<", fields.Datetime.now()),
            ("won_status", "=", "pending"),
        ]

    # ------------------------------------------------------------
    # Stage gates
    # ------------------------------------------------------------

    def _get_gate_failures(self, stage):
        """Return {lead: [what is missing]} for the leads failing ``stage``'s gate.

        Read as superuser: the gate is a business rule, it must see the fields
        it checks whatever the rights of the user moving the opportunity.
        """
        failures = {}
        # sudo: the gate sees the fields it checks; it returns only what is missing
        leads = self.sudo()
        # sudo: the gate's definition (fields, checklist) of the target stage
        stage = stage.sudo()
        domain = stage._get_gate_domain()
        passing = leads
        if domain is not None:
            passing = leads.with_context(active_test=False).search(
                Domain("id", "in", leads.ids) & domain
            )
        gate_fields = stage.gate_field_ids.filtered(lambda f: f.name in self._fields)
        items = stage.checklist_item_ids
        for lead in leads:
            missing = [
                self.env._("field %(field)s", field=field.field_description)
                for field in gate_fields
                if not lead[field.name]
            ]
            if domain is not None and lead not in passing:
                missing.append(
                    self.env._(
                        "condition %(condition)s",
                        condition=stage.gate_domain_label or stage.gate_domain,
                    )
                )
            todo = items - lead.checklist_done_ids
            if todo:
                missing.append(
                    self.env._(
                        "checklist %(items)s", items=", ".join(todo.mapped("name"))
                    )
                )
            if missing:
                failures[lead.with_env(self.env)] = missing
        return failures

    def _check_stage_gates(self):
        """Enforce the gate of each lead's current stage, or log the bypass."""
        reason = (self.env.context.get(BYPASS_KEY) or "").strip()
        can_bypass = bool(reason) and self.env.user.has_group(BYPASS_GROUP)
        errors = []
        bypassed = []
        for stage in self.stage_id.filtered("has_gate"):
            leads = self.filtered(lambda lead, s=stage: lead.stage_id == s)
            for lead, missing in leads._get_gate_failures(stage).items():
                if can_bypass:
                    bypassed.append((lead, missing))
                else:
                    errors.append(
                        self.env._(
                            '"%(lead)s" cannot enter stage "%(stage)s"; '
                            "missing: %(missing)s.",
                            lead=lead.name,
                            stage=stage.name,
                            missing="; ".join(missing),
                        )
                    )
        if errors:
            raise ValidationError("\n".join(errors))
        if not bypassed:
            return
        # one note per bypassed lead, created in one batch (the user just
        # wrote these leads, so logging on them needs no further check)
        bodies = {
            lead.id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Stage gate of %(stage)s bypassed by %(user)s. "
                    "Reason: %(reason)s. Missing:",
                    stage=lead.stage_id.name,
                    user=self.env.user.name,
                    reason=reason,
                ),
                Markup().join(Markup("<li>%s</li>") % m for m in missing),
            )
            for lead, missing in bypassed
        }
        self.browse(bodies)._message_log_batch(bodies, message_type="comment")

    # ------------------------------------------------------------
    # Stage history
    # ------------------------------------------------------------

    def _record_stage_history(self, previous):
        """Write one history row per lead; ``previous`` maps lead id to the
        (stage, date entered) it left."""
        now = fields.Datetime.now()
        vals_list = []
        for lead in self:
            from_stage, date_from = previous.get(lead.id, (False, False))
            days = (now - date_from).total_seconds() / 86400.0 if date_from else 0.0
            vals_list.append(
                {
                    "lead_id": lead.id,
                    "stage_from_id": from_stage and from_stage.id,
                    "stage_to_id": lead.stage_id.id,
                    "user_id": self.env.uid,
                    "salesperson_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "date_from": date_from or now,
                    "date": now,
                    "days_in_stage": days,
                    "expected_days": from_stage and from_stage.expected_days or 0,
                }
            )
        # The history is an audit log: users read it, only this code writes it.
        # sudo: rows for the leads just written (access checked); read stays ruled
        self.env["crm.lead.stage.history"].sudo().create(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # every created lead meets the gate of the stage it lands in, however
        # the stage was chosen (values, default_stage_id, the team's first)
        staged = leads.filtered("stage_id")
        if staged:
            staged._check_stage_gates()
            staged._record_stage_history({})
        # Routing is a company rule: only code already running as superuser
        # (imports of test and benchmark data) may create leads unrouted.
        if not (self.env.su and self.env.context.get(NO_ROUTING_KEY)):
            to_route = self.browse(
                lead.id
                for lead, vals in zip(leads, vals_list, strict=True)
                if not vals.get("user_id") and lead.won_status == "pending"
            )
            if to_route:
                self.env["crm.territory"]._route_leads(to_route)
        return leads

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        previous = {
            lead.id: (lead.stage_id, lead.date_last_stage_update) for lead in self
        }
        result = super().write(vals)
        changed = self.filtered(
            lambda lead: lead.stage_id and lead.stage_id != previous[lead.id][0]
        )
        if changed:
            changed._check_stage_gates()
            changed._record_stage_history(previous)
        return result

    def action_view_stage_history(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_pipeline_ext.crm_lead_stage_history_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {"default_lead_id": self.id}
        return action

    def action_open_gate_bypass(self):
        # a view of this record: for those who may read it
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bypass Stage Gate"),
            "res_model": "crm.stage.gate.bypass",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_ids": self.ids},
        }

    # ------------------------------------------------------------
    # SLA escalation
    # ------------------------------------------------------------

    def _get_escalation_users(self):
        """{lead id: user} who is told when each lead of ``self`` is overdue.

        The team leader; without one, the salesperson's manager (their
        employee's manager, when HR is installed); then the user the lead's
        company names for escalations. Read set-based for all the leads.
        """
        result = {}

        def usable(user):
            """An internal user who can still act on it, or None."""
            return user if user and user.active and not user.share else None

        missing_ids = []
        for lead in self:
            leader = usable(lead.team_id.user_id)
            if leader:
                result[lead.id] = leader
            else:
                missing_ids.append(lead.id)
        missing = self.browse(missing_ids)
        managers = {}
        if missing and "hr.employee" in self.env:
            employees = (
                self.env["hr.employee"]
                # sudo: the salespeople's employee records; only their
                # manager's user leaves this method
                .sudo()
                .search_fetch(
                    [("user_id", "in", missing.user_id.ids)],
                    ["user_id", "company_id", "parent_id"],
                )
            )
            for employee in employees.sorted("id"):
                manager = usable(employee.parent_id.user_id)
                if not manager or manager == employee.user_id:
                    continue
                # the employee of the lead's company first, else any
                user_id = employee.user_id.id
                managers.setdefault((user_id, employee.company_id.id), manager)
                managers.setdefault((user_id, None), manager)
        for lead in missing:
            company = lead.company_id or self.env.company
            user = (
                managers.get((lead.user_id.id, lead.company_id.id))
                or managers.get((lead.user_id.id, None))
                or usable(company.crm_escalation_user_id)
            )
            if user:
                result[lead.id] = user
        return result

    @api.model
    def _cron_escalate_overdue(self, batch_size=500):
        """One escalation activity per overdue opportunity, for its team
        leader or the fallback of ``_get_escalation_users``.

        Leads that already have an open escalation activity are skipped, so
        the cron can run as often as wanted (and restart after a crash).
        """
        activity_type = self.env.ref(
            "crm_pipeline_ext.mail_activity_type_stage_escalation"
        )
        overdue = self.search([("is_stage_overdue", "=", True)])
        escalated = {
            res_id
            for [res_id] in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", overdue.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        pending = overdue.filtered(lambda lead: lead.id not in escalated)
        recipients = pending._get_escalation_users()
        todo = pending.filtered(lambda lead: lead.id in recipients)
        model_id = self.env["ir.model"]._get_id("crm.lead")
        done = 0
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            self.env["mail.activity"].create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": lead.id,
                        "activity_type_id": activity_type.id,
                        "user_id": recipients[lead.id].id,
                        "summary": self.env._(
                            "Overdue in stage %(stage)s", stage=lead.stage_id.name
                        ),
                        "date_deadline": fields.Date.context_today(self),
                    }
                    for lead in batch
                ]
            )
            done += len(batch)
            if self.env.context.get("cron_id"):
                self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=len(todo) - done
                )
        return todo
