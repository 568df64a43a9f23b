"""Task status from dates and events, and the transition table."""

from __future__ import annotations

import datetime as dt

import pytest

from nqtrack.assignments.status import allowed_events, task_status

D = dt.date
TODAY = D(2026, 11, 22)


@pytest.mark.parametrize(
    ("due_on", "continuous", "completed_on", "cancelled", "expected"),
    [
        (D(2027, 3, 31), False, None, False, "not_due"),
        (D(2026, 12, 6), False, None, False, "due_soon"),  # 14 days ahead
        (D(2026, 12, 7), False, None, False, "not_due"),  # 15 days ahead
        (TODAY, False, None, False, "due_soon"),  # due today is not yet late
        (D(2026, 11, 21), False, None, False, "overdue"),
        (D(2025, 12, 31), False, None, False, "carried_over"),  # open past its year
        (D(2017, 6, 30), False, None, False, "carried_over"),  # the 2017 task nobody closed
        (D(2026, 6, 30), False, D(2026, 6, 30), False, "done_on_time"),
        (D(2026, 6, 30), False, D(2026, 7, 1), False, "done_late"),
        (None, True, None, False, "continuous"),
        (None, False, None, False, "not_due"),
        (None, True, D(2026, 1, 5), False, "done_on_time"),
        (D(2025, 1, 1), False, None, True, "cancelled"),
        (D(2025, 1, 1), False, D(2025, 3, 1), True, "cancelled"),
    ],
)
def test_the_status_follows_dates_and_events(due_on, continuous, completed_on, cancelled, expected):
    assert (
        task_status(
            due_on=due_on,
            continuous=continuous,
            completed_on=completed_on,
            cancelled=cancelled,
            today=TODAY,
        )
        == expected
    )


def test_the_due_soon_window_is_configurable():
    status = task_status(
        due_on=D(2026, 12, 20),
        continuous=False,
        completed_on=None,
        cancelled=False,
        today=TODAY,
        due_soon_days=30,
    )
    assert status == "due_soon"


@pytest.mark.parametrize(
    ("status", "events"),
    [
        ("overdue", {"complete", "cancel"}),
        ("carried_over", {"complete", "cancel"}),
        ("continuous", {"complete", "cancel"}),
        ("done_late", {"reopen"}),
        ("cancelled", {"restore"}),
        ("unknown", set()),
    ],
)
def test_only_the_listed_events_apply_in_each_status(status, events):
    assert allowed_events(status) == events
