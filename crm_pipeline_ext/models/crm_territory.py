# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CrmTerritory(models.Model):
    _name = "crm.territory"
    _description = "Sales Territory"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_name = "parent_id"
    _order = "complete_name, id"
    _rec_name = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    parent_id = fields.Many2one(
        "crm.territory",
        string="Parent Territory",
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("crm.territory", "parent_id", string="Sub-territories")
    level = fields.Integer(compute="_compute_level", store=True, recursive=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", tracking=True, check_company=True
    )
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="States")
    zip_range_ids = fields.One2many(
        "crm.territory.zip", "territory_id", string="Zip Codes"
    )
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Partner Tags"
    )
    member_ids = fields.One2many(
        "crm.territory.member", "territory_id", string="Salespeople"
    )
    overflow_policy = fields.Selection(
        [
            ("parent", "Parent Territory"),
            ("team", "Sales Team"),
            ("none", "Wait Unassigned"),
        ],
        string="When Everyone Is Full",
        required=True,
        default="parent",
        help="Where a lead goes when no salesperson of this territory can "
        "take it (all at capacity, on leave or archived). Parent Territory: "
        "to the parent's salespeople, then as the parent decides. Sales "
        "Team: to the least loaded salesperson of the territory's sales team "
        "who is not one of its salespeople. Wait Unassigned: it stays in this "
        "territory without a salesperson.",
    )
    lead_count = fields.Integer(compute="_compute_lead_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = (
                    f"{territory.parent_id.complete_name} / {territory.name}"
                )
            else:
                territory.complete_name = territory.name

    @api.depends("parent_id.level")
    def _compute_level(self):
        for territory in self:
            territory.level = (
                territory.parent_id.level + 1 if territory.parent_id else 0
            )

    def _compute_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("territory_id", "in", self.ids)], ["territory_id"], ["__count"]
            )
        )
        for territory in self:
            territory.lead_count = counts.get(territory, 0)

    @api.model
    def _parent_from_value(self, value):
        """The existing territory a client's ``parent_id`` value names, or a
        clear error (the ORM would fail further down on a bad type)."""
        parent_id = value.id if isinstance(value, models.BaseModel) else value
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise ValidationError(
                self.env._(
                    "The parent territory must be given by its id, not %(value)r.",
                    value=value,
                )
            )
        parent = self.browse(parent_id).exists()
        if not parent:
            raise ValidationError(
                self.env._("The parent territory %(id)s does not exist.", id=parent_id)
            )
        return parent

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("parent_id"):
                self._parent_from_value(vals["parent_id"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("parent_id"):
            parent = self._parent_from_value(vals["parent_id"])
            # checked before the parent path is rebuilt, which would fail with
            # a bare "Recursion Detected."
            if any(
                parent == territory
                or (parent.parent_path or "").startswith(territory.parent_path or "-")
                for territory in self
            ):
                self._raise_loop()
        return super().write(vals)

    def _raise_loop(self):
        raise ValidationError(
            self.env._(
                "A territory cannot be its own parent or sub-territory "
                "(territory loop)."
            )
        )

    @api.constrains("parent_id")
    def _check_parent_loop(self):
        if self._has_cycle():
            self._raise_loop()

    @api.constrains("zip_range_ids", "parent_id")
    def _check_zip_overlap(self):
        self.zip_range_ids._check_overlap()

    def _effective_team(self):
        """The team of the territory, or of its nearest ancestor with one."""
        self.ensure_one()
        territory = self
        while territory and not territory.team_id:
            territory = territory.parent_id
        return territory.team_id

    def _own_criteria_count(self):
        self.ensure_one()
        return sum(
            bool(x)
            for x in (
                self.country_ids,
                self.state_ids,
                self.zip_range_ids,
                self.industry_ids,
                self.partner_category_ids,
            )
        )

    def action_view_leads(self):
        self.ensure_one()
        # a view of this record: for those who may read it
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("territory_id", "=", self.id)]
        action["context"] = {"active_test": False}
        return action

    # ------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------

    @api.model
    def _get_open_loads(self, users, lock=False):
        """Open (active, undecided) leads and opportunities per user id.

        With ``lock`` (routing), the same statement also writes the users'
        territory memberships (a no-op update): two routings that read the
        same loads at once would both fill the same free slots. PostgreSQL
        cancels the later one (serialization failure), Odoo retries it, and
        it then reads the loads the first one left.
        """
        if not users:
            return {}
        # one counting statement for both uses; routing only prefixes the lock
        lock_sql = (
            SQL(
                """
                WITH locked AS (
                    UPDATE crm_territory_member SET user_id = user_id
                     WHERE user_id = ANY(%s))
                """,
                users.ids,
            )
            if lock
            else SQL()
        )
        self.env["crm.lead"].flush_model(["user_id", "won_status", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                %s
                SELECT user_id, COUNT(*) FROM crm_lead
                 WHERE user_id = ANY(%s)
                   AND won_status = 'pending' AND active
                 GROUP BY user_id
                """,
                lock_sql,
                users.ids,
            )
        )
        return dict(rows)

    @api.model
    def _get_users_on_leave(self, users):
        """Users off right now by their resource calendar: a time off of their
        own, or a leave of the whole calendar they work on (public holiday)."""
        if not users:
            return set()
        now = fields.Datetime.now()
        resources = (
            self.env["resource.resource"]
            # sudo: the salespeople's calendars; only the ids of absent users leave
            .sudo()
            .with_context(active_test=False)
            .search_fetch([("user_id", "in", users.ids)], ["user_id", "calendar_id"])
        )
        if not resources:
            return set()
        leaves = (
            self.env["resource.calendar.leaves"]
            # sudo: current leaves of those calendars; only absent user ids leave
            .sudo()
            .search_fetch(
                [
                    ("date_from", "<=", now),
                    ("date_to", ">=", now),
                    "|",
                    ("resource_id", "in", resources.ids),
                    "&",
                    ("resource_id", "=", False),
                    ("calendar_id", "in", resources.calendar_id.ids),
                ],
                ["resource_id", "calendar_id"],
            )
        )
        off_calendars = set(
            leaves.filtered(lambda lv: not lv.resource_id).calendar_id.ids
        )
        off = set(leaves.resource_id.user_id.ids)
        off.update(r.user_id.id for r in resources if r.calendar_id.id in off_calendars)
        return off

    def _matches_own(self, lead_data):
        """Whether this territory's own criteria match one lead's data."""
        self.ensure_one()
        country, state, zip_code, industry, tags = lead_data
        if self.country_ids and country not in self.country_ids.ids:
            return False
        if self.state_ids and state not in self.state_ids.ids:
            return False
        if self.zip_range_ids and not self.zip_range_ids._matches(zip_code):
            return False
        if self.industry_ids and industry not in self.industry_ids.ids:
            return False
        if self.partner_category_ids and not (
            tags & set(self.partner_category_ids.ids)
        ):
            return False
        return True

    @api.model
    def _plan_routing(self, leads, keep_members=False):
        """Return {lead: (territory, user)} for ``leads``, computed set-based.

        The territories, the leads' data, the salespeople's loads and leaves
        are each read once, so the number of queries does not depend on the
        number of leads. Read as superuser: routing is a company rule that
        must see every territory and load whatever the creating user sees.

        :param keep_members: keep the current salesperson when they are a
            member of the lead's (new) territory (used by the realign wizard).
        """
        # sudo: routing reads the leads' data; it returns a plan, not data
        leads = leads.sudo()
        companies = leads.company_id | self.env.companies
        # sudo: territories of the leads' and user's companies only
        territories = self.sudo().search(
            [("company_id", "in", companies.ids + [False])]
        )
        if not territories or not leads:
            return {}
        territories.fetch(
            [
                "parent_id",
                "level",
                "sequence",
                "company_id",
                "team_id",
                "country_ids",
                "state_ids",
                "industry_ids",
                "partner_category_ids",
                "zip_range_ids",
                "member_ids",
                "overflow_policy",
            ]
        )
        territories.zip_range_ids.fetch(["match_type", "zip_from", "zip_to"])
        leads.fetch(
            ["country_id", "state_id", "zip", "partner_id", "company_id", "user_id"]
        )
        leads.partner_id.fetch(["industry_id", "category_id"])
        # the most specific first: deeper, then with more criteria of its own
        ordered = territories.sorted(
            lambda t: (-t.level, -t._own_criteria_count(), t.sequence, t.id)
        )
        own_cache = {}
        plan_territory = {}
        for lead in leads:
            data = (
                lead.country_id.id,
                lead.state_id.id,
                lead.zip,
                lead.partner_id.industry_id.id,
                set(lead.partner_id.category_id.ids),
            )
            key = (data[:4], frozenset(data[4]), lead.company_id.id)
            if key not in own_cache:
                own_cache[key] = self._match_most_specific(ordered, data, lead)
            if own_cache[key]:
                plan_territory[lead] = own_cache[key]
        return self._assign_salespeople(territories, plan_territory, keep_members)

    @api.model
    def _assign_salespeople(self, territories, plan_territory, keep_members):
        """Pick a salesperson for each lead of ``plan_territory`` ({lead:
        matched territory}) in its territory, else where its overflow policy
        sends it; one read of the loads and leaves for every candidate."""
        # where each matched territory sends a lead when it is full
        chains = {
            territory: territory._overflow_chain()
            for territory in set(plan_territory.values())
        }
        # read in the territories' (superuser) environment, like them
        reached = territories.browse(
            {t.id for chain, _team in chains.values() for t in chain}
        )
        members = reached.member_ids.filtered(lambda m: m.active)
        members.fetch(["user_id", "weight", "capacity", "sequence"])
        teams = territories.team_id.browse(
            {team.id for _chain, team in chains.values() if team}
        )
        users = (members.user_id | teams.crm_team_member_ids.user_id).with_context(
            active_test=False
        )
        users.fetch(["active", "share"])
        picker = _Picker(
            self._get_open_loads(users, lock=True), self._get_users_on_leave(users)
        )
        # moving a lead off its current salesperson frees one slot
        for lead in plan_territory:
            if lead.user_id and not keep_members:
                picker.add(lead.user_id, -1)
        plan = {}
        for lead in sorted(plan_territory, key=lambda lead: lead.id):
            territory = plan_territory[lead]
            if keep_members and lead.user_id in territory.member_ids.user_id:
                plan[lead] = (territory, lead.user_id)
                continue
            target, user = picker.pick(*chains[territory])
            if not user:
                plan[lead] = (territory, self.env["res.users"])
                continue
            picker.add(user, 1)
            if lead.user_id and keep_members:
                picker.add(lead.user_id, -1)
            plan[lead] = (target, user)
        return plan

    def _overflow_chain(self):
        """([territories tried in order], team whose salespeople come last).

        The territory itself, then its ancestors as long as each one's policy
        sends full leads to its parent; the team of the last one when its
        policy is the sales team.
        """
        self.ensure_one()
        chain, seen = [], set()
        territory = self
        while territory and territory.id not in seen:
            seen.add(territory.id)
            chain.append(territory)
            if territory.overflow_policy != "parent" or not territory.parent_id:
                break
            territory = territory.parent_id
        last = chain[-1]
        team = (
            last._effective_team()
            if last.overflow_policy == "team"
            else self.env["crm.team"]
        )
        return chain, team

    @api.model
    def _match_most_specific(self, ordered, data, lead):
        by_id = {}
        for territory in ordered:
            if (
                territory.company_id
                and lead.company_id
                and territory.company_id != lead.company_id
            ):
                continue
            if territory._matches_chain(data, by_id):
                return territory
        return None

    def _matches_chain(self, data, memo):
        """This territory and all its ancestors match the lead data."""
        self.ensure_one()
        if self.id not in memo:
            memo[self.id] = self._matches_own(data) and (
                not self.parent_id or self.parent_id._matches_chain(data, memo)
            )
        return memo[self.id]

    @api.model
    def _apply_routing(self, plan, track=False):
        """Write a routing plan, one write per (territory, salesperson).

        With ``track`` (realign wizard, an explicit user action) the ORM
        writes and logs each change in the leads' chatter. Otherwise (new
        leads, backlog cron) one SQL UPDATE per group does the work, so the
        number of queries does not grow with the number of leads; the ORM
        would flush 100 rows per query and track lead by lead. That path
        sets what the ORM would derive (team, company, assignment date) and
        leaves out the chatter, followers and predictive probability.
        """
        groups = {}
        for lead, (territory, user) in plan.items():
            groups.setdefault((territory, user), []).append(lead.id)
        # sudo: writes the routed salesperson; reading the leads stays under the rules
        Lead = self.env["crm.lead"].sudo()
        teams = {}
        for territory, user in groups:
            team = territory._effective_team() or (
                user
                and self.env["crm.team"]
                # sudo: the routed salesperson's default team; only its id is stored
                .sudo()
                ._get_default_team_id(user_id=user.id, domain=[])
            )
            teams[territory, user] = team or self.env["crm.team"]
        if track:
            # sudo: the routed salesperson or team may be out of the user's
            # reach; the wizard itself is restricted to territory managers.
            for (territory, user), lead_ids in groups.items():
                Lead.browse(lead_ids).write(
                    {
                        "territory_id": territory.id,
                        "user_id": user.id,
                        "team_id": teams[territory, user].id,
                    }
                )
            return plan
        Lead.flush_model()
        all_ids = []
        for (territory, user), lead_ids in groups.items():
            team = teams[territory, user]
            all_ids += lead_ids
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_lead
                       SET territory_id = %(territory)s,
                           user_id = %(user)s,
                           team_id = %(team)s,
                           company_id = COALESCE(%(company)s, company_id),
                           date_open = CASE
                               WHEN %(user)s IS NULL THEN NULL
                               WHEN user_id IS DISTINCT FROM %(user)s
                               THEN now() AT TIME ZONE 'UTC'
                               ELSE date_open END,
                           write_uid = %(uid)s,
                           write_date = now() AT TIME ZONE 'UTC'
                     WHERE id = ANY(%(ids)s)
                    """,
                    territory=territory.id,
                    user=user.id or None,
                    team=team.id or None,
                    company=team.company_id.id or None,
                    uid=self.env.uid,
                    ids=lead_ids,
                )
            )
        if all_ids:
            # keep the stored related company of the stage history in step
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_lead_stage_history h
                       SET company_id = l.company_id
                      FROM crm_lead l
                     WHERE h.lead_id = l.id AND l.id = ANY(%s)
                       AND h.company_id IS DISTINCT FROM l.company_id
                    """,
                    all_ids,
                )
            )
            # every column the UPDATE set, or the cache would serve stale values
            Lead.browse(all_ids).invalidate_recordset(
                [
                    "territory_id",
                    "user_id",
                    "team_id",
                    "company_id",
                    "date_open",
                    "write_uid",
                    "write_date",
                ]
            )
            self.env["crm.lead.stage.history"].invalidate_model(["company_id"])
        return plan

    @api.model
    def _route_leads(self, leads):
        return self._apply_routing(self._plan_routing(leads))

    @api.model
    def _cron_route_backlog(self, batch_size=1000):
        """Route unassigned open leads in batches.

        Rows are locked with SKIP LOCKED so several workers can share the
        backlog; a crash loses at most the current batch, which the next run
        picks up again since it is selected by state, not by a bookmark.
        """
        last_id = 0
        routed = 0
        self.env["crm.lead"].flush_model(["user_id", "active", "won_status"])
        while True:
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM crm_lead
                     WHERE user_id IS NULL AND active AND won_status = 'pending'
                       AND id > %s
                     ORDER BY id
                     LIMIT %s
                       FOR UPDATE SKIP LOCKED
                    """,
                    last_id,
                    batch_size,
                )
            )
            if not rows:
                break
            ids = [row[0] for row in rows]
            last_id = ids[-1]
            plan = self._route_leads(self.env["crm.lead"].browse(ids))
            routed += len(plan)
            if self.env.context.get("cron_id"):
                self.env["ir.cron"]._commit_progress(len(ids))
            if len(ids) < batch_size:
                break
        return routed


class _Picker:
    """Chooses salespeople from loads and leaves read once for a batch."""

    def __init__(self, loads, on_leave):
        self.loads = loads
        self.on_leave = on_leave

    def add(self, user, count):
        self.loads[user.id] = self.loads.get(user.id, 0) + count

    def available(self, user):
        return user.active and not user.share and user.id not in self.on_leave

    def pick_member(self, territory):
        """The member below capacity with the lowest load per unit of weight
        (weighted rotation), or None."""
        candidates = [
            m
            for m in territory.member_ids
            if m.active
            and self.available(m.user_id)
            and self.loads.get(m.user_id.id, 0) < m.capacity
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda m: (
                self.loads.get(m.user_id.id, 0) / m.weight,
                -m.weight,
                m.sequence,
                m.id,
            ),
        ).user_id

    def pick_team_user(self, team, chain):
        """The least loaded salesperson of the team who is not a member of
        the territories already tried, or None."""
        tried = {user_id for t in chain for user_id in t.member_ids.user_id.ids}
        candidates = [
            m.user_id
            for m in team.crm_team_member_ids
            if m.active and self.available(m.user_id) and m.user_id.id not in tried
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda u: (self.loads.get(u.id, 0), u.id))

    def pick(self, chain, team):
        """(territory, user) for a lead: the first territory of the overflow
        chain with a free member, else the team; (None, None) if nobody."""
        for territory in chain:
            user = self.pick_member(territory)
            if user:
                return territory, user
        if team:
            user = self.pick_team_user(team, chain)
            if user:
                return chain[-1], user
        return None, None
