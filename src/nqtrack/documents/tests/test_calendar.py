"""The review calendar as a pure function: anniversaries, clamping, types, overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from nqtrack.documents.calendar import (
    Milestone,
    RuleValues,
    anniversary,
    compute_schedule,
    months_before,
)

D = dt.date
PROVINCE = RuleValues(3, 5, 2, 10, frozenset({"NQ", "CT", "KL"}))
CENTRAL = RuleValues(5, 10, 2, 10, frozenset({"NQ", "CT", "KL"}))


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (D(2016, 5, 15), 5, D(2021, 5, 15)),
        (D(2024, 2, 29), 3, D(2027, 2, 28)),  # leap day falls back in a common year
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # and stays in a leap year
        (D(2020, 12, 31), 5, D(2025, 12, 31)),
        (D(2025, 1, 1), 0, D(2025, 1, 1)),
        (D(2025, 7, 1), -1, D(2024, 7, 1)),
    ],
)
def test_anniversary_is_the_same_day_years_later(start, years, expected):
    assert anniversary(start, years) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2021, 5, 15), 2, D(2021, 3, 15)),
        (D(2021, 4, 30), 2, D(2021, 2, 28)),  # clamped to the end of February
        (D(2024, 4, 30), 2, D(2024, 2, 29)),  # leap February
        (D(2027, 5, 31), 1, D(2027, 4, 30)),  # 31 May → 30 April
        (D(2027, 2, 28), 2, D(2026, 12, 28)),  # across the year boundary
        (D(2026, 1, 31), 13, D(2024, 12, 31)),
        (D(2026, 3, 31), 0, D(2026, 3, 31)),
    ],
)
def test_months_before_clamps_the_day_to_the_shorter_month(day, months, expected):
    assert months_before(day, months) == expected


def test_a_central_directive_is_reviewed_after_five_and_ten_years():
    schedule = compute_schedule(signed_on=D(2016, 5, 15), doc_type="CT", rule=CENTRAL)
    assert schedule == [
        Milestone("interim", 1, D(2021, 5, 15), D(2021, 3, 15), False),
        Milestone("final", 1, D(2026, 5, 15), D(2026, 3, 15), False),
    ]


def test_a_provincial_resolution_signed_on_29_february_is_due_on_28_february():
    schedule = compute_schedule(signed_on=D(2024, 2, 29), doc_type="NQ", rule=PROVINCE)
    assert [(m.kind, m.due_on, m.plan_due_on) for m in schedule] == [
        ("interim", D(2027, 2, 28), D(2026, 12, 28)),
        ("final", D(2029, 2, 28), D(2028, 12, 28)),
    ]


@pytest.mark.parametrize("doc_type", ["KH", "CTr", "HD", "BC", "TB", "QĐ", "QĐi"])
def test_types_that_are_not_reviewed_get_no_schedule(doc_type):
    assert compute_schedule(signed_on=D(2020, 1, 1), doc_type=doc_type, rule=PROVINCE) == []


def test_no_rule_for_the_level_means_no_computed_schedule():
    assert compute_schedule(signed_on=D(2020, 1, 1), doc_type="NQ", rule=None) == []


def test_zero_interim_years_means_only_a_final_review():
    rule = RuleValues(0, 5, 2, 10, frozenset({"NQ"}))
    schedule = compute_schedule(signed_on=D(2020, 6, 1), doc_type="NQ", rule=rule)
    assert [(m.kind, m.due_on) for m in schedule] == [("final", D(2025, 6, 1))]


def test_overrides_replace_the_computed_milestone_and_add_new_ones_in_date_order():
    schedule = compute_schedule(
        signed_on=D(2019, 12, 15),
        doc_type="NQ",
        rule=PROVINCE,
        overrides=[
            ("final", 1, D(2030, 12, 15)),
            ("interim", 1, D(2024, 12, 15)),
            ("interim", 2, D(2027, 12, 15)),
        ],
    )
    assert [(m.kind, m.sequence, m.due_on, m.overridden) for m in schedule] == [
        ("interim", 1, D(2024, 12, 15), True),
        ("interim", 2, D(2027, 12, 15), True),
        ("final", 1, D(2030, 12, 15), True),
    ]
    assert schedule[1].plan_due_on == D(2027, 10, 15)


def test_a_partial_override_keeps_the_other_computed_milestones():
    schedule = compute_schedule(
        signed_on=D(2021, 3, 31),
        doc_type="KL",
        rule=PROVINCE,
        overrides=[("interim", 1, D(2023, 12, 31))],
    )
    assert [(m.kind, m.due_on, m.overridden) for m in schedule] == [
        ("interim", D(2023, 12, 31), True),
        ("final", D(2026, 3, 31), False),
    ]
    assert schedule[1].plan_due_on == D(2026, 1, 31)


def test_an_unreviewed_type_still_keeps_dates_the_document_fixes_itself():
    schedule = compute_schedule(
        signed_on=D(2021, 1, 10),
        doc_type="KH",
        rule=PROVINCE,
        overrides=[("final", 1, D(2025, 12, 31))],
    )
    assert [(m.kind, m.due_on) for m in schedule] == [("final", D(2025, 12, 31))]


def test_the_plan_lead_comes_from_the_rule():
    rule = RuleValues(3, 5, 4, 10, frozenset({"NQ"}))
    schedule = compute_schedule(signed_on=D(2022, 6, 30), doc_type="NQ", rule=rule)
    assert schedule[0].plan_due_on == D(2025, 2, 28)
