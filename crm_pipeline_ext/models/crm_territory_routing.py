# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL

from . import routing_engine as engine


class CrmTerritory(models.Model):
    """Routing of leads to territories and salespeople, set-based.

    The rules themselves (matching, overflow, weighted pick) are plain
    Python in ``routing_engine``; this side reads what they need once per
    batch and writes the outcome.
    """

    _inherit = "crm.territory"

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

    def _routing_rule(self):
        """This territory as the routing engine reads it."""
        self.ensure_one()
        return engine.TerritoryRule(
            id=self.id,
            parent_id=self.parent_id.id or None,
            level=self.level,
            sequence=self.sequence,
            company_id=self.company_id.id or None,
            team_id=self._effective_team().id or None,
            overflow_policy=self.overflow_policy,
            country_ids=frozenset(self.country_ids.ids),
            state_ids=frozenset(self.state_ids.ids),
            zip_ranges=tuple(rng._routing_range() for rng in self.zip_range_ids),
            industry_ids=frozenset(self.industry_ids.ids),
            tag_ids=frozenset(self.partner_category_ids.ids),
        )

    def _routing_tree(self):
        """The engine's tree of these territories and of their ancestors."""
        rules = {}
        for territory in self:
            while territory and territory.id not in rules:
                rules[territory.id] = territory._routing_rule()
                territory = territory.parent_id
        return engine.TerritoryTree(rules.values())

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
        tree = territories._routing_tree()
        matcher = engine.Matcher(tree, territories.ids)
        matched = {}
        for lead in leads:
            territory_id = matcher.match(
                engine.LeadFacts(
                    country_id=lead.country_id.id,
                    state_id=lead.state_id.id,
                    zip=lead.zip,
                    industry_id=lead.partner_id.industry_id.id,
                    tag_ids=frozenset(lead.partner_id.category_id.ids),
                    company_id=lead.company_id.id,
                )
            )
            if territory_id:
                matched[lead] = territory_id
        return self._assign_salespeople(territories, tree, matched, keep_members)

    @api.model
    def _assign_salespeople(self, territories, tree, matched, keep_members):
        """Pick a salesperson for each lead of ``matched`` ({lead: matched
        territory id}) in its territory, else where its overflow policy
        sends it; one read of the loads and leaves for every candidate."""
        overflows = {tid: tree.overflow(tid) for tid in set(matched.values())}
        # read in the territories' (superuser) environment, like them
        reached = territories.browse(
            {tid for o in overflows.values() for tid in o.territory_ids}
        )
        members = reached.member_ids.filtered(lambda m: m.active)
        members.fetch(["user_id", "weight", "capacity", "sequence"])
        teams = territories.team_id.browse(
            {o.team_id for o in overflows.values() if o.team_id}
        )
        users = (members.user_id | teams.crm_team_member_ids.user_id).with_context(
            active_test=False
        )
        users.fetch(["active", "share"])
        loads = self._get_open_loads(users, lock=True)
        on_leave = self._get_users_on_leave(users)
        picker = engine.Picker(
            loads, {u.id for u in users if u.active and not u.share} - on_leave
        )
        territory_members = {
            territory.id: [
                engine.Member(m.id, m.user_id.id, m.weight, m.capacity, m.sequence)
                for m in territory.member_ids
                if m.active
            ]
            for territory in reached
        }
        team_users = {
            team.id: [m.user_id.id for m in team.crm_team_member_ids if m.active]
            for team in teams
        }
        requests = [
            engine.Request(lead.id, territory_id, lead.user_id.id or None)
            for lead, territory_id in matched.items()
        ]
        choices = engine.assign(
            requests, overflows, territory_members, team_users, picker, keep_members
        )
        leads = {lead.id: lead for lead in matched}
        Users = territories.env["res.users"]
        return {
            leads[lead_id]: (
                territories.browse(territory_id),
                Users.browse(user_id) if user_id else self.env["res.users"],
            )
            for lead_id, (territory_id, user_id) in choices.items()
        }

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
