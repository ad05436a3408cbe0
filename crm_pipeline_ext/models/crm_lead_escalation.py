# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from datetime import timedelta

from odoo import api, fields, models


class CrmLead(models.Model):
    """Stage SLA: when an opportunity is overdue in its stage, and the
    escalation activity for whoever must act on it."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

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
