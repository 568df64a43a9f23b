"""Stage states of a review from its dates: a table of cases."""

from __future__ import annotations

import datetime as dt

import pytest

from nqtrack.reviews.stages import ReviewDates, current_stage, review_stages

D = dt.date
BASE = dict(kind="interim", due_on=D(2027, 1, 10), plan_due_on=D(2026, 11, 10), finalize_days=10)


def states(today, **dates):
    return {
        s.key: (s.due_on, s.done_on, s.state)
        for s in review_stages(ReviewDates(**BASE, **dates), today=today)
    }


@pytest.mark.parametrize(
    ("today", "dates", "key", "expected"),
    [
        # The plan is due two months before the review.
        (D(2026, 9, 1), {}, "plan", (D(2026, 11, 10), None, "pending")),
        (D(2026, 10, 20), {}, "plan", (D(2026, 11, 10), None, "due_soon")),
        (D(2026, 11, 22), {}, "plan", (D(2026, 11, 10), None, "overdue")),
        (
            D(2026, 11, 22),
            {"plan_issued_on": D(2026, 11, 1)},
            "plan",
            (D(2026, 11, 10), D(2026, 11, 1), "done"),
        ),
        (
            D(2026, 11, 22),
            {"plan_issued_on": D(2026, 11, 15)},
            "plan",
            (D(2026, 11, 10), D(2026, 11, 15), "done_late"),
        ),
        # Supervision must be done before the review's due date.
        (D(2027, 1, 11), {}, "oversight", (D(2027, 1, 10), None, "overdue")),
        (
            D(2027, 1, 11),
            {"oversight_on": D(2026, 9, 30)},
            "oversight",
            (D(2027, 1, 10), D(2026, 9, 30), "done"),
        ),
        # No questionnaire: the survey stage is not used.
        (D(2026, 11, 22), {}, "survey", (None, None, "skipped")),
        (D(2026, 11, 22), {"has_survey": True}, "survey", (D(2027, 1, 10), None, "pending")),
        # Reports are due when the round says.
        (
            D(2026, 12, 21),
            {"reports_due_on": D(2026, 12, 20)},
            "reports",
            (D(2026, 12, 20), None, "overdue"),
        ),
        # The report is issued within 10 days of approval; before approval, of the due date.
        (D(2027, 1, 5), {}, "issued", (D(2027, 1, 20), None, "due_soon")),
        (
            D(2027, 1, 30),
            {"approved_on": D(2027, 1, 8), "issued_on": D(2027, 1, 25)},
            "issued",
            (D(2027, 1, 18), D(2027, 1, 25), "done_late"),
        ),
        (
            D(2027, 1, 30),
            {"approved_on": D(2027, 1, 8), "issued_on": D(2027, 1, 18)},
            "issued",
            (D(2027, 1, 18), D(2027, 1, 18), "done"),
        ),
        # The follow-up has no fixed deadline.
        (D(2028, 1, 1), {}, "followup", (None, None, "pending")),
    ],
)
def test_stage_states(today, dates, key, expected):
    assert states(today, **dates)[key] == expected


def test_the_current_stage_is_the_first_not_done_skipping_the_unused_survey():
    stages = review_stages(
        ReviewDates(
            **BASE,
            plan_issued_on=D(2026, 11, 1),
            oversight_on=D(2026, 9, 1),
            scope_decided_on=D(2026, 11, 2),
        ),
        today=D(2026, 11, 22),
    )
    assert current_stage(stages).key == "reports"
