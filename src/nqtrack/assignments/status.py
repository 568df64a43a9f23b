"""A task's status as a pure function of its dates and events, and the allowed transitions."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

NOT_DUE = "not_due"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
CARRIED_OVER = "carried_over"
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
CONTINUOUS = "continuous"
CANCELLED = "cancelled"

STATUS_LABELS = {
    NOT_DUE: _("not due"),
    DUE_SOON: _("due soon"),
    OVERDUE: _("overdue"),
    CARRIED_OVER: _("carried over"),
    DONE_ON_TIME: _("done on time"),
    DONE_LATE: _("done late"),
    CONTINUOUS: _("continuous"),
    CANCELLED: _("cancelled"),
}

OPEN = frozenset({NOT_DUE, DUE_SOON, OVERDUE, CARRIED_OVER, CONTINUOUS})
DONE = frozenset({DONE_ON_TIME, DONE_LATE})

# Events a user may apply, by the status a task is in. One mapping, enforced in one service.
TRANSITIONS: dict[str, frozenset[str]] = {
    **{status: frozenset({"complete", "cancel"}) for status in OPEN},
    DONE_ON_TIME: frozenset({"reopen"}),
    DONE_LATE: frozenset({"reopen"}),
    CANCELLED: frozenset({"restore"}),
}


def task_status(
    *,
    due_on: datetime.date | None,
    continuous: bool,
    completed_on: datetime.date | None,
    cancelled: bool,
    today: datetime.date,
    due_soon_days: int = 14,
) -> str:
    """Derive the status; nothing about it is stored.

    A task still open after the end of the year it was due is carried over: it counts in the new
    year and keeps its original due date and history.
    """
    if cancelled:
        return CANCELLED
    if completed_on is not None and completed_on <= today:  # done by then (`today` may be past)
        return DONE_LATE if due_on is not None and completed_on > due_on else DONE_ON_TIME
    if due_on is None:
        return CONTINUOUS if continuous else NOT_DUE
    if today > due_on:
        return CARRIED_OVER if today.year > due_on.year else OVERDUE
    if (due_on - today).days <= due_soon_days:
        return DUE_SOON
    return NOT_DUE


def allowed_events(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())
