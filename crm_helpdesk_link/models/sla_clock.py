# Copyright 2026 CRM Suite Contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Working-time arithmetic of the SLA clock, without the database.

Intervals are sorted, non-overlapping (start, stop) pairs of naive UTC
datetimes: the working time of one calendar over a window. The ticket
model fetches them once per calendar for a whole set of tickets, so the
number of queries does not grow with the tickets.
"""

from datetime import timedelta


def add_working_hours(intervals, start, hours):
    """The moment ``hours`` of working time after ``start``, or None when the
    intervals end first (the caller fetches a longer window).

    Same rule as resource.calendar.plan_hours: a deadline that falls on the
    end of an interval stays there instead of moving to the next one.
    """
    if hours <= 0:
        return start
    for i_start, i_stop in intervals:
        if i_stop <= start:
            continue
        i_start = max(i_start, start)
        available = (i_stop - i_start).total_seconds() / 3600
        if hours <= available:
            return i_start + timedelta(hours=hours)
        hours -= available
    return None


def working_hours_between(intervals, start, stop):
    """Working hours of the intervals between start and stop."""
    total = 0.0
    if not start or not stop or stop <= start:
        return total
    for i_start, i_stop in intervals:
        low, high = max(i_start, start), min(i_stop, stop)
        if high > low:
            total += (high - low).total_seconds() / 3600
    return total
