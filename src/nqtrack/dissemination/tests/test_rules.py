"""The pure rules: grades, the rewrite loop, age thresholds, reading table cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nqtrack.dissemination.rules import (
    AgeThresholds,
    GradeScale,
    age_on,
    exemptions_of,
    grade_for,
    is_over_age,
    latest_birth_date_over,
    needs_rewrite,
    parse_attendance_status,
    parse_flag,
    parse_score,
    parse_sex,
)

D = dt.date


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        ("10", "tot"),
        ("9.0", "tot"),
        ("8.9", "kha"),
        ("7", "kha"),
        ("6.9", "trung_binh"),
        ("5.0", "trung_binh"),
        ("4.9", "yeu"),
        ("0", "yeu"),
    ],
)
def test_grade_boundaries_follow_the_ten_point_scale(score, grade):
    assert grade_for(Decimal(score), GradeScale()) == grade


def test_a_stricter_scale_from_configuration_moves_the_boundaries():
    strict = GradeScale(good=Decimal("9.5"), fair=Decimal("8"), average=Decimal("6"))
    assert grade_for(Decimal("9.2"), strict) == "kha"
    assert grade_for(Decimal("5.5"), strict) == "yeu"


@pytest.mark.parametrize(
    ("grade", "rewrite"), [("yeu", True), ("trung_binh", False), ("tot", False)]
)
def test_only_a_weak_essay_must_be_rewritten(grade, rewrite):
    assert needs_rewrite(grade) is rewrite


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8", "8.0"),
        ("8.5", "8.5"),
        (Decimal("8.50"), "8.5"),
        ("8,5", "8.5"),
        (" 10 ", "10.0"),
        ("0", "0.0"),
        (7.5, "7.5"),
    ],
)
def test_scores_are_read_with_a_dot_or_a_comma(text, expected):
    assert parse_score(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "10.5", "-1", "8.25", "tám", "nan", "Infinity", "1e1"])
def test_scores_off_the_scale_or_with_two_decimals_are_refused(text):
    with pytest.raises(ValueError):
        parse_score(text)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1965, 6, 15), D(2025, 6, 14), 59),
        (D(1965, 6, 15), D(2025, 6, 15), 60),
        (D(1964, 2, 29), D(2025, 2, 28), 60),
        (D(1964, 2, 29), D(2024, 2, 28), 59),
    ],
)
def test_age_counts_completed_years(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    "on", [D(2025, 6, 15), D(2024, 2, 29), D(2025, 3, 1), D(2025, 12, 31), D(2028, 2, 29)]
)
@pytest.mark.parametrize("threshold", [55, 60])
def test_the_birth_date_cutoff_used_in_queries_agrees_with_the_age_rule(on, threshold):
    cutoff = latest_birth_date_over(threshold, on)
    for delta in (-1, 0, 1):
        birth = cutoff + dt.timedelta(days=delta)
        assert (birth <= cutoff) == (age_on(birth, on) >= threshold), birth


def test_a_separate_threshold_for_women_applies_only_to_women():
    thresholds = AgeThresholds(male=60, female=55)
    on = D(2025, 7, 1)
    assert is_over_age(D(1968, 1, 1), "female", on, thresholds)
    assert not is_over_age(D(1968, 1, 1), "male", on, thresholds)
    assert not is_over_age(None, "male", on, thresholds)


def test_exemptions_list_the_stored_flags_and_the_computed_age_in_a_fixed_order():
    found = exemptions_of(
        flags=["rural_no_post", "retired"],
        birth_date=D(1950, 1, 1),
        sex="male",
        on=D(2025, 1, 1),
        thresholds=AgeThresholds(),
    )
    assert found == ["retired", "over_age", "rural_no_post"]
    assert (
        exemptions_of(
            flags=[],
            birth_date=D(1990, 1, 1),
            sex="male",
            on=D(2025, 1, 1),
            thresholds=AgeThresholds(),
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Có mặt", "present"),
        ("co mat", "present"),
        ("CÓ MẶT", "present"),
        ("present", "present"),
        ("Vắng có lý do", "excused"),
        ("vang co ly do", "excused"),
        ("Vắng có phép", "excused"),
        ("excused", "excused"),
        ("Vắng", "absent"),
        ("vang khong ly do", "absent"),
        ("absent", "absent"),
        ("đi muộn", None),
        ("", None),
    ],
)
def test_attendance_labels_are_read_with_or_without_diacritics(text, status):
    assert parse_attendance_status(text) == status


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("x", True),
        ("Có", True),
        ("1", True),
        ("", False),
        ("không", False),
        ("0", False),
        ("?", None),
    ],
)
def test_yes_no_cells(text, value):
    assert parse_flag(text) is value


@pytest.mark.parametrize(
    ("text", "sex"), [("Nam", "male"), ("Nữ", "female"), ("nu", "female"), ("?", None)]
)
def test_sex_cells(text, sex):
    assert parse_sex(text) == sex
