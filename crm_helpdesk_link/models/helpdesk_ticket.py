# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import UserError

# Kept by the addon itself (coverage, SLA clock, billing): clients read them,
# only server code (in superuser mode) writes them.
SYSTEM_FIELDS = (
    "coverage_date",
    "sla_start_date",
    "first_response_date",
    "sla_response_breached",
    "sla_resolution_breached",
    "sla_paused_hours",
    "sla_pause_start",
    "sla_response_warned",
    "sla_resolution_warned",
    # the customer's rating, from the rating module's own flows
    "csat_rating",
    "billable_hours",
    "billing_state",
    # the plan's contract: a client picks the plan, never writes through it
    "contract_id",
)


class HelpdeskTicket(models.Model):
    """What clients may write, and the stage moves that start the SLA clock
    and billing. Coverage, SLA, billing and upsell each have their file."""

    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "crm.helpdesk.numeric.guard"]

    # A customer's SLA breaches of the last 90 days (partner form, segment
    # rules) read from the few tickets with breaches, not by a scan of all
    # tickets (helpdesk_mgmt does not index the customer). Dropped with the
    # module.
    _crm_helpdesk_link_breach_idx = models.Index(
        "(commercial_partner_id, sla_start_date) WHERE sla_breach_count > 0"
    )

    def _check_system_fields(self, vals_list, create=False):
        """SYSTEM_FIELDS are written by server code only (superuser mode).

        Neither values nor context defaults from a client may set them: a
        backdated coverage date or a hand-set billing state would move a
        ticket out of its quota or bill it again.
        """
        if self.env.su:
            return
        given = {name for vals in vals_list for name in vals if name in SYSTEM_FIELDS}
        if create:
            context = self.env.context
            given |= {name for name in SYSTEM_FIELDS if f"default_{name}" in context}
        if given:
            raise UserError(
                self.env._(
                    "These ticket fields are kept by the system and cannot be "
                    "set: %(fields)s.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(given)
                    ),
                )
            )

    def _stage_from_vals(self, value):
        """The stage a write asks for, or a clear error for a malformed id."""
        Stage = self.env["helpdesk.ticket.stage"]
        if isinstance(value, models.BaseModel) and value._name == Stage._name:
            value = value.id if len(value) == 1 else None
        elif isinstance(value, tuple) and value:
            value = value[0]  # an (id, name) pair, as the ORM accepts
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(
                self.env._(
                    "The stage must be given by the id of an existing stage, "
                    "not %(value)s.",
                    value=value,
                )
            )
        stage = Stage.browse(value).exists()
        if not stage:
            raise UserError(
                self.env._("The stage with id %(id)s does not exist.", id=value)
            )
        return stage

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._check_system_fields(vals_list, create=True)
        tickets = super().create(vals_list)
        for ticket in tickets.filtered("coverage_note"):
            ticket.message_post(body=ticket.coverage_note)
        tickets._check_upsell_rules()
        return tickets

    def write(self, vals):
        self._check_system_fields([vals])
        stage = self.env["helpdesk.ticket.stage"]
        if vals.get("stage_id") not in (None, False):
            stage = self._stage_from_vals(vals["stage_id"])
            vals = dict(vals, stage_id=stage.id)
        res = super().write(vals)
        if stage and not stage.closed:
            # sudo: a timestamp of the tickets the user has just moved
            self.filtered(lambda t: not t.first_response_date).sudo().write(
                {"first_response_date": fields.Datetime.now()}
            )
        if stage.closed:
            self._action_close()
        return res
