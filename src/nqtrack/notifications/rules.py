"""Which reminder a task is due for on a given day: a pure function.

Keys name a window, not a day, so a job that misses a day still sends the reminder on the next
run, and a key once sent is never sent again.
"""

from __future__ import annotations

import datetime

BEFORE = "before"
DUE_TODAY = "due_today"
OVERDUE_WEEK = "overdue_week_{n}"


def reminder_key(
    *, due_on: datetime.date | None, today: datetime.date, days_before: int
) -> str | None:
    """ "before" within `days_before` days of the deadline, "due_today" on it, then
    "overdue_week_N" once in each week after it (N = 0 for the first week)."""
    if due_on is None:
        return None
    if today == due_on:
        return DUE_TODAY
    if due_on - datetime.timedelta(days=days_before) <= today < due_on:
        return BEFORE
    if today > due_on:
        return OVERDUE_WEEK.format(n=((today - due_on).days - 1) // 7)
    return None
