# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After the load: the data the roles wrote at once are consistent.

Standard library only. ``consistency(query, fixture, admin)`` returns
``(label, ok, detail, explain)`` tuples; ``query(sql)`` returns rows of
strings (the harness' psql), ``admin`` is an rpc_client.Client of the admin
on the still running server (for the fresh segment recompute).
"""

import time


def lit(text):
    return "'" + str(text).replace("'", "''") + "'"


def consistency(query, fixture, admin, rfm_timeout=180):
    tag, checks = fixture["tag"], []
    territory = int(fixture["territory"])
    # -- leads: routed once each, to a member, never over a member's capacity
    leads = query(
        "SELECT COUNT(*), COUNT(user_id), "
        "COUNT(*) FILTER (WHERE NOT active OR won_status <> 'pending') "
        f"FROM crm_lead WHERE name LIKE {lit(f'Load test lead {tag} %')}"
    )[0]
    misrouted = query(
        "SELECT l.id, l.user_id, l.territory_id FROM crm_lead l "
        f"WHERE l.name LIKE {lit(f'Load test lead {tag} %')} "
        "AND l.user_id IS NOT NULL AND (l.territory_id IS DISTINCT FROM "
        f"{territory} OR NOT EXISTS (SELECT 1 FROM crm_territory_member m "
        "WHERE m.territory_id = l.territory_id AND m.user_id = l.user_id))"
    )
    checks.append(
        (
            "leads routed once, each to one member of its territory",
            int(leads[0]) > 0 and not misrouted,
            f"{leads[0]} leads came in, {leads[1]} assigned, {leads[2]} closed",
            misrouted,
        )
    )
    loads = query(
        "SELECT u.login, m.capacity, COUNT(l.id) FROM crm_territory_member m "
        "JOIN res_users u ON u.id = m.user_id "
        "LEFT JOIN crm_lead l ON l.user_id = m.user_id AND l.active "
        "AND l.won_status = 'pending' "
        f"WHERE m.territory_id = {territory} GROUP BY u.login, m.capacity"
    )
    over = [row for row in loads if int(row[2]) > int(row[1])]
    checks.append(
        (
            "no salesperson over capacity",
            bool(loads) and not over,
            ", ".join(f"{login} {load}/{cap}" for login, cap, load in loads),
            over,
        )
    )
    # -- tickets: one invoice line at most, matching the billing state
    twice = query(
        "SELECT helpdesk_ticket_id, COUNT(*) FROM account_move_line "
        "WHERE helpdesk_ticket_id IS NOT NULL GROUP BY 1 HAVING COUNT(*) > 1"
    )
    tickets = query(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE t.billing_state <> 'none'), "
        "COUNT(*) FILTER (WHERE t.billing_state = 'invoiced' AND NOT EXISTS "
        "(SELECT 1 FROM account_move_line l WHERE l.helpdesk_ticket_id = t.id)) "
        "+ COUNT(*) FILTER (WHERE t.billing_state = 'none' AND EXISTS "
        "(SELECT 1 FROM account_move_line l WHERE l.helpdesk_ticket_id = t.id)) "
        f"FROM helpdesk_ticket t WHERE t.name = {lit(f'Load test ticket {tag}')}"
    )[0]
    checks.append(
        (
            "no ticket billed twice, billing state matches its lines",
            int(tickets[0]) > 0 and not twice and tickets[2] == "0",
            f"{tickets[0]} tickets, {tickets[1]} billable, "
            f"{tickets[2]} state/lines mismatches",
            twice,
        )
    )
    # -- approvals: one review per quote and tier, each decided once
    doubled = query(
        "SELECT res_id, definition_id, COUNT(*) FROM tier_review "
        "WHERE model = 'sale.order' GROUP BY 1, 2 HAVING COUNT(*) > 1"
    )
    undone = query(
        "SELECT id, res_id FROM tier_review WHERE model = 'sale.order' "
        "AND status = 'approved' AND (done_by IS NULL OR reviewed_date IS NULL)"
    )
    reviews = query(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'approved') "
        "FROM tier_review r JOIN sale_order o ON o.id = r.res_id "
        "WHERE r.model = 'sale.order' "
        f"AND o.create_uid = {int(fixture['uids']['sales'])}"
    )[0]
    checks.append(
        (
            "each approval decided once (one review per quote and tier)",
            not doubled and not undone,
            f"{reviews[0]} reviews of the salesperson's quotes, {reviews[1]} approved",
            doubled + undone,
        )
    )
    # -- segment: what the load left equals a fresh recompute
    deadline = time.time() + rfm_timeout
    while time.time() < deadline:
        if query("SELECT COUNT(*) FROM crm_rfm_config WHERE state = 'running'") == [
            ["0"]
        ]:
            break
        time.sleep(2)
    segment = int(fixture["segment"])
    members_sql = (
        "SELECT partner_id FROM crm_segment_member "
        f"WHERE segment_id = {segment} ORDER BY 1"
    )
    before = [row[0] for row in query(members_sql)]
    count = query(f"SELECT member_count FROM crm_segment WHERE id = {segment}")
    admin.call("crm.segment", "action_compute", [segment])
    after = [row[0] for row in query(members_sql)]
    checks.append(
        (
            "segment members equal a fresh recompute",
            before == after and count == [[str(len(before))]],
            f"{len(before)} members (count {count[0][0]}), {len(after)} after",
            [
                f"only before: {sorted(set(before) - set(after))}",
                f"only after: {sorted(set(after) - set(before))}",
            ],
        )
    )
    return checks
