"""A round's status as a pure function of its dates and facts, and the allowed transitions."""

from __future__ import annotations

import datetime

from django.utils.translation import pgettext_lazy

PLANNED = "planned"
IN_PROGRESS = "in_progress"
AWAITING_REMEDIATION = "awaiting_remediation"
CLOSED = "closed"

# A context keeps these apart from the same English words elsewhere ("closed" reporting rounds).
STATUS_LABELS = {
    PLANNED: pgettext_lazy("oversight round", "planned"),
    IN_PROGRESS: pgettext_lazy("oversight round", "in progress"),
    AWAITING_REMEDIATION: pgettext_lazy("oversight round", "awaiting remediation"),
    CLOSED: pgettext_lazy("oversight round", "closed"),
}

# Events on a round, by the status it is in. One mapping, enforced in services.
TRANSITIONS: dict[str, frozenset[str]] = {
    PLANNED: frozenset({"edit", "finding"}),
    IN_PROGRESS: frozenset({"edit", "finding"}),
    AWAITING_REMEDIATION: frozenset({"edit", "finding", "remediation", "verify", "close"}),
    CLOSED: frozenset({"reopen"}),
}


def round_status(
    *,
    period_start: datetime.date,
    has_conclusion: bool,
    closed: bool,
    today: datetime.date,
) -> str:
    """Derive the status; nothing about it is stored.

    Once the conclusion notice is registered the round waits for the targets' remediation,
    whatever the calendar says; before that it is planned until its period starts, then in
    progress (the team works, then drafts the conclusion).
    """
    if closed:
        return CLOSED
    if has_conclusion:
        return AWAITING_REMEDIATION
    if today < period_start:
        return PLANNED
    return IN_PROGRESS


def allowed_events(status: str) -> frozenset[str]:
    return TRANSITIONS.get(status, frozenset())
