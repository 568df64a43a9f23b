"""The stages of a review and their state on a given day: a pure function of dates.

Nothing here is stored; the deadlines come from the review calendar (the milestone's due date
and plan date) and from the review rule of the issuing level (days to issue the report after
the committee approves it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DONE = "done"
DONE_LATE = "done_late"
OVERDUE = "overdue"
DUE_SOON = "due_soon"
PENDING = "pending"
SKIPPED = "skipped"

STAGE_KEYS = (
    "plan",
    "oversight",
    "scope",
    "survey",
    "reports",
    "draft",
    "meeting",
    "approval",
    "issued",
    "followup",
)


@dataclass(frozen=True)
class ReviewDates:
    kind: str  # "interim" or "final"
    due_on: datetime.date
    plan_due_on: datetime.date
    finalize_days: int
    plan_issued_on: datetime.date | None = None
    oversight_on: datetime.date | None = None  # end of the covering supervision/inspection
    scope_decided_on: datetime.date | None = None
    has_survey: bool = False
    survey_answered_on: datetime.date | None = None
    reports_due_on: datetime.date | None = None
    reports_complete_on: datetime.date | None = None
    draft_on: datetime.date | None = None
    meeting_on: datetime.date | None = None
    approved_on: datetime.date | None = None
    issued_on: datetime.date | None = None
    followup_on: datetime.date | None = None


@dataclass(frozen=True)
class Stage:
    key: str
    due_on: datetime.date | None
    done_on: datetime.date | None
    state: str

    @property
    def late(self) -> bool:
        return self.state in (OVERDUE, DONE_LATE)


def stage_state(
    due_on: datetime.date | None,
    done_on: datetime.date | None,
    *,
    today: datetime.date,
    soon_days: int = 30,
) -> str:
    if done_on is not None:
        return DONE_LATE if due_on is not None and done_on > due_on else DONE
    if due_on is None:
        return PENDING
    if today > due_on:
        return OVERDUE
    if (due_on - today).days <= soon_days:
        return DUE_SOON
    return PENDING


def issue_due_on(dates: ReviewDates) -> datetime.date:
    """The report is issued within N days of the committee's approval (of the due date while
    the committee has not approved)."""
    base = dates.approved_on or dates.due_on
    return base + datetime.timedelta(days=dates.finalize_days)


def review_stages(dates: ReviewDates, *, today: datetime.date) -> list[Stage]:
    """Every stage with its deadline, the day it was done and its state on `today`.

    Supervision (before an interim review) or inspection (before a final one), the scope and the
    plan come first; the subordinate reports, draft, meeting and approval by the review's due
    date; the report within `finalize_days` of approval; the follow-up has no fixed deadline.
    """
    rows: list[tuple[str, datetime.date | None, datetime.date | None]] = [
        ("plan", dates.plan_due_on, dates.plan_issued_on),
        ("oversight", dates.due_on, dates.oversight_on),
        ("scope", dates.plan_due_on, dates.scope_decided_on),
        ("survey", dates.due_on, dates.survey_answered_on),
        ("reports", dates.reports_due_on or dates.due_on, dates.reports_complete_on),
        ("draft", dates.due_on, dates.draft_on),
        ("meeting", dates.due_on, dates.meeting_on),
        ("approval", dates.due_on, dates.approved_on),
        ("issued", issue_due_on(dates), dates.issued_on),
        ("followup", None, dates.followup_on),
    ]
    stages = []
    for key, due, done in rows:
        if key == "survey" and not dates.has_survey:
            stages.append(Stage(key, None, None, SKIPPED))
            continue
        stages.append(Stage(key, due, done, stage_state(due, done, today=today)))
    return stages


def current_stage(stages: list[Stage]) -> Stage | None:
    """The first stage not done yet (skipped ones aside); None when all are done."""
    return next((s for s in stages if s.state not in (DONE, DONE_LATE, SKIPPED)), None)
