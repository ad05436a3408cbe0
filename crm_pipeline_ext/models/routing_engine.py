# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Territory routing rules in plain Python: which territory a lead falls in,
and which salesperson takes it there or where the territory overflows.

The ORM side (``crm_territory_routing.py``) reads the territories, the
leads, the loads and the absences once per batch into these dataclasses;
nothing here touches the database, so the rules are tested without one
(``tests/test_routing_engine.py``). Records are named by their ids.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Upper bound of any zip starting with a prefix, for string comparison.
ZIP_TOP = "\uffff"


def norm_zip(zip_code):
    """A zip code as ranges compare it: no spaces, upper case."""
    return (zip_code or "").strip().upper().replace(" ", "")


@dataclass(frozen=True)
class ZipRange:
    match_type: str  # "prefix" or "range"
    zip_from: str
    zip_to: str = ""

    def bounds(self):
        """(low, high), both included, as normalized strings."""
        low = norm_zip(self.zip_from)
        if self.match_type == "prefix":
            return low, low + ZIP_TOP
        return low, norm_zip(self.zip_to)

    def matches(self, zip_code):
        """Whether a normalized, non-empty zip code falls in this range."""
        low, high = self.bounds()
        if self.match_type == "prefix":
            return zip_code.startswith(low)
        return low <= zip_code <= high


@dataclass(frozen=True)
class LeadFacts:
    """What routing reads of a lead; equal facts route alike."""

    country_id: int | None = None
    state_id: int | None = None
    zip: str | None = None
    industry_id: int | None = None
    tag_ids: frozenset[int] = frozenset()
    company_id: int | None = None


@dataclass(frozen=True)
class TerritoryRule:
    """A territory's criteria and place in the tree. An empty criterion
    matches every lead; ``team_id`` is the team of the territory or of its
    nearest ancestor with one."""

    id: int
    parent_id: int | None = None
    level: int = 0
    sequence: int = 10
    company_id: int | None = None
    team_id: int | None = None
    overflow_policy: str = "parent"  # "parent", "team" or "none"
    country_ids: frozenset[int] = frozenset()
    state_ids: frozenset[int] = frozenset()
    zip_ranges: tuple[ZipRange, ...] = ()
    industry_ids: frozenset[int] = frozenset()
    tag_ids: frozenset[int] = frozenset()

    @property
    def criteria_count(self):
        return sum(
            bool(criterion)
            for criterion in (
                self.country_ids,
                self.state_ids,
                self.zip_ranges,
                self.industry_ids,
                self.tag_ids,
            )
        )

    def matches_own(self, lead):
        """Whether this territory's own criteria (not its ancestors') match."""
        if self.country_ids and lead.country_id not in self.country_ids:
            return False
        if self.state_ids and lead.state_id not in self.state_ids:
            return False
        if self.zip_ranges:
            zip_code = norm_zip(lead.zip)
            if not zip_code or not any(r.matches(zip_code) for r in self.zip_ranges):
                return False
        if self.industry_ids and lead.industry_id not in self.industry_ids:
            return False
        if self.tag_ids and not (lead.tag_ids & self.tag_ids):
            return False
        return True


@dataclass(frozen=True)
class Member:
    """An active salesperson of a territory."""

    id: int
    user_id: int
    weight: float = 1.0
    capacity: int = 30
    sequence: int = 10


@dataclass(frozen=True)
class Overflow:
    """Where a lead of a territory may go: the territories tried in order
    (the territory, then its ancestors as long as each one's policy sends
    full leads to its parent), then the team whose salespeople come last."""

    territory_ids: tuple[int, ...]
    team_id: int | None = None


@dataclass(frozen=True)
class Request:
    """A lead to assign in the territory it matched."""

    lead_id: int
    territory_id: int
    user_id: int | None = None  # its current salesperson


class TerritoryTree:
    """The territories a batch routes through, by id (ancestors included)."""

    def __init__(self, rules: Iterable[TerritoryRule]):
        self.rules = {rule.id: rule for rule in rules}

    def most_specific_first(self, candidate_ids):
        """Deeper first, then with more criteria of their own."""
        return sorted(
            (self.rules[tid] for tid in candidate_ids),
            key=lambda t: (-t.level, -t.criteria_count, t.sequence, t.id),
        )

    def matches_chain(self, territory, lead, memo):
        """The territory and all its ancestors match; ``memo`` holds the
        answers already known for this lead, by territory id."""
        if territory.id not in memo:
            parent = self.rules.get(territory.parent_id)
            memo[territory.id] = territory.matches_own(lead) and (
                parent is None or self.matches_chain(parent, lead, memo)
            )
        return memo[territory.id]

    def overflow(self, territory_id):
        chain, seen = [], set()
        territory = self.rules[territory_id]
        while territory and territory.id not in seen:
            seen.add(territory.id)
            chain.append(territory.id)
            if territory.overflow_policy != "parent" or not territory.parent_id:
                break
            territory = self.rules[territory.parent_id]
        last = self.rules[chain[-1]]
        team_id = last.team_id if last.overflow_policy == "team" else None
        return Overflow(tuple(chain), team_id)


class Matcher:
    """The most specific territory of each lead among ``candidate_ids``, or
    None. A territory of another company than the lead's never matches; one
    without company matches every company's leads."""

    def __init__(self, tree, candidate_ids):
        self.tree = tree
        self.ordered = tree.most_specific_first(candidate_ids)
        self._known = {}

    def match(self, lead):
        if lead not in self._known:
            self._known[lead] = self._match(lead)
        return self._known[lead]

    def _match(self, lead):
        memo = {}
        for territory in self.ordered:
            if (
                territory.company_id
                and lead.company_id
                and territory.company_id != lead.company_id
            ):
                continue
            if self.tree.matches_chain(territory, lead, memo):
                return territory.id
        return None


class Picker:
    """Chooses salespeople from loads and absences read once for a batch.

    :param loads: {user id: open leads and opportunities}, updated as leads
        are assigned
    :param available: ids of the users who may get leads now (internal,
        active, not on leave)
    """

    def __init__(self, loads: Mapping[int, int], available: Iterable[int]):
        self.loads = dict(loads)
        self.available = frozenset(available)

    def load(self, user_id):
        return self.loads.get(user_id, 0)

    def add(self, user_id, count):
        self.loads[user_id] = self.load(user_id) + count

    def pick_member(self, members: Sequence[Member]):
        """The member below capacity with the lowest load per unit of weight
        (weighted rotation), or None."""
        # a member without a positive weight has no share (a weight stored
        # NaN by SQL is served as 0): skipped rather than divided by
        candidates = [
            m
            for m in members
            if m.user_id in self.available
            and self.load(m.user_id) < m.capacity
            and m.weight > 0
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda m: (
                self.load(m.user_id) / m.weight,
                -m.weight,
                m.sequence,
                m.id,
            ),
        ).user_id

    def pick_team_user(self, team_user_ids: Iterable[int], tried: Iterable[int]):
        """The least loaded available salesperson of the team who is not in
        ``tried`` (the members of the territories already tried), or None."""
        tried = set(tried)
        candidates = [
            user_id
            for user_id in team_user_ids
            if user_id in self.available and user_id not in tried
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda user_id: (self.load(user_id), user_id))

    def pick(self, overflow, members, team_users):
        """(territory id, user id) for a lead: the first territory of the
        overflow with a free member, else the overflow's team; (None, None)
        if nobody can take it.

        :param members: {territory id: [Member]} of the overflow's territories
        :param team_users: {team id: [user id]} of its team's salespeople
        """
        for territory_id in overflow.territory_ids:
            user_id = self.pick_member(members.get(territory_id, ()))
            if user_id:
                return territory_id, user_id
        if overflow.team_id:
            tried = {
                m.user_id
                for territory_id in overflow.territory_ids
                for m in members.get(territory_id, ())
            }
            user_id = self.pick_team_user(team_users.get(overflow.team_id, ()), tried)
            if user_id:
                return overflow.territory_ids[-1], user_id
        return None, None


def assign(requests, overflows, members, team_users, picker, keep_members=False):
    """{lead id: (territory id, user id or None)} for ``requests``, in lead id
    order so that a batch spreads the same way whatever order it came in.

    A lead nobody can take stays in the territory it matched, without a
    salesperson. Moving a lead off its current salesperson frees one slot.

    :param overflows: {territory id: Overflow} of the requests' territories
    :param keep_members: keep the current salesperson when they are a member
        of the lead's (new) territory (the realign wizard)
    """
    if not keep_members:
        for request in requests:
            if request.user_id:
                picker.add(request.user_id, -1)
    plan = {}
    for request in sorted(requests, key=lambda r: r.lead_id):
        territory_id = request.territory_id
        if keep_members and request.user_id in {
            m.user_id for m in members.get(territory_id, ())
        }:
            plan[request.lead_id] = (territory_id, request.user_id)
            continue
        target, user_id = picker.pick(overflows[territory_id], members, team_users)
        if not user_id:
            plan[request.lead_id] = (territory_id, None)
            continue
        picker.add(user_id, 1)
        if request.user_id and keep_members:
            picker.add(request.user_id, -1)
        plan[request.lead_id] = (target, user_id)
    return plan
