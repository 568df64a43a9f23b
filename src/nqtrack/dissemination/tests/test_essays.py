"""Essays: grades from scores, the rewrite loop, bulk entry and score import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from nqtrack.core.models import AuditEvent
from nqtrack.dissemination import essays, importing, services
from nqtrack.dissemination.models import Essay
from nqtrack.dissemination.selectors import essay_attempts, essay_questions_for
from nqtrack.dissemination.tests.support import csv_bytes

D = dt.date


def grade(world, code, score, **kwargs):
    return essays.essay_grade(
        by=kwargs.pop("by", world.tree.commune_office),
        member=world.members[code],
        document=world.resolution,
        score=score,
        graded_on=D(2025, 3, 1),
        **kwargs,
    )


def test_the_grade_follows_the_score(world):
    essay = grade(world, "CB1-01", "8.5")
    assert (essay.score, essay.grade, essay.attempt, essay.rewrite_required) == (
        Decimal("8.5"),
        "kha",
        1,
        False,
    )


@pytest.mark.parametrize("score", ["10.5", "-1", "abc", "7.25"])
def test_a_score_off_the_scale_is_refused_with_a_vietnamese_message(world, score):
    with pytest.raises(ValidationError) as caught:
        grade(world, "CB1-01", score)
    assert caught.value.message_dict["score"] == [
        "Điểm phải là số từ 0 đến 10, lấy tối đa một chữ số thập phân."
    ]
    assert not Essay.objects.exists()


def test_a_weak_essay_is_rewritten_until_it_passes_and_every_attempt_is_kept(world):
    first = grade(world, "CB1-01", "4")
    assert (first.grade, first.rewrite_required) == ("yeu", True)
    second = grade(world, "CB1-01", "4.5")
    third = grade(world, "CB1-01", "6")

    attempts = list(essay_attempts(world.members["CB1-01"], world.resolution))
    assert [(e.attempt, e.grade, e.rewrite_required, e.is_latest) for e in attempts] == [
        (1, "yeu", False, False),
        (2, "yeu", False, False),
        (3, "trung_binh", False, True),
    ]
    assert third.pk == attempts[-1].pk and second.attempt == 2
    with pytest.raises(ValidationError) as caught:
        grade(world, "CB1-01", "9")
    assert "lần 3, điểm 6.0" in caught.value.message_dict["score"][0]


def test_correcting_the_latest_score_moves_its_grade_and_deleting_it_restores_the_previous(world):
    first = grade(world, "CB1-01", "3")
    second = grade(world, "CB1-01", "6")
    essays.essay_correct_score(by=world.tree.commune_office, essay=second, score="4.5")
    second.refresh_from_db()
    assert (second.grade, second.rewrite_required) == ("yeu", True)
    with pytest.raises(ValidationError):
        essays.essay_correct_score(by=world.tree.commune_office, essay=first, score="9")

    essays.essay_delete(by=world.tree.commune_office, essay=second)
    first.refresh_from_db()
    assert (first.is_latest, first.rewrite_required) == (True, True)


def test_an_exempted_member_may_write_an_essay(world):
    member = world.members["CB1-03"]
    services.member_update(by=world.tree.commune_office, member=member, exemptions=["ill_health"])
    assert grade(world, "CB1-03", "9").grade == "tot"


def test_bulk_entry_for_a_cell_writes_every_row_or_none_with_errors_per_row(world):
    tree = world.tree
    grade(world, "CB1-02", "3")  # owes a rewrite
    grade(world, "CB1-03", "8")  # passed
    entry = essays.essay_scores_enter(
        by=tree.commune_office,
        organization=tree.cb,
        document=world.resolution,
        scores=[
            ("CB1-01", "7"),
            ("CB1-02", "11"),
            ("CB2-01", "8"),
            ("CB1-03", "9"),
            ("CB1-01", "8"),
        ],
    )
    assert not entry.written
    assert {r.line: r.errors for r in entry.bad_rows} == {
        2: ["“11” không phải là điểm từ 0 đến 10 (tối đa một chữ số thập phân)."],
        3: ["Không có đảng viên mang mã CB2-01 trong Chi bộ thôn 1."],
        4: [
            "Đảng viên "
            + world.members["CB1-03"].full_name
            + " đã có bài thu hoạch đạt trên văn bản này (lần 1, điểm 8.0); hãy sửa điểm bài đó "
            "thay vì thêm lần viết mới."
        ],
        5: ["Mã đảng viên CB1-01 bị lặp (lần đầu ở dòng 1)."],
    }
    assert Essay.objects.count() == 2

    entry = essays.essay_scores_enter(
        by=tree.commune_office,
        organization=tree.cb,
        document=world.resolution,
        scores=[("CB1-01", "7"), ("CB1-02", "5,5"), ("CB1-03", "8")],
    )
    assert entry.written
    assert (entry.count("first"), entry.count("rewrite"), entry.count("unchanged")) == (1, 1, 1)
    latest = {e.member.code: (e.attempt, e.grade) for e in Essay.objects.filter(is_latest=True)}
    assert latest == {"CB1-01": (1, "kha"), "CB1-02": (2, "trung_binh"), "CB1-03": (1, "kha")}
    event = AuditEvent.objects.get(action="essay_scores")
    assert event.changes["rewrite"] == [None, 1]


def test_scores_import_checks_then_writes(world):
    tree = world.tree
    data = csv_bytes(["Mã đảng viên", "Điểm"], [["CB1-01", "9,5"], ["CB1-02", "4"]])
    report, entry = importing.scores_import_check(
        by=tree.commune_office,
        organization=tree.xa,
        document=world.resolution,
        upload=io.BytesIO(data),
        filename="diem.csv",
    )
    assert report.ok and report.counts == {"first": 2, "rewrite": 0, "unchanged": 0}
    assert not Essay.objects.exists()
    importing.scores_import_apply(by=tree.commune_office, entry=entry)
    assert dict(Essay.objects.values_list("member__code", "grade")) == {
        "CB1-01": "tot",
        "CB1-02": "yeu",
    }


def test_questions_apply_to_the_level_they_were_set_for(world):
    tree = world.tree
    for_cells = essays.essay_question_create(
        by=tree.province_office,
        document=world.resolution,
        organization=tree.tu,
        text="Liên hệ trách nhiệm của chi bộ",
        level=tree.cb.level,
    )
    for_all = essays.essay_question_create(
        by=tree.province_office, document=world.resolution, organization=tree.tu, text="Chung"
    )
    assert list(essay_questions_for(world.resolution, tree.cb)) == [for_cells, for_all]
    assert list(essay_questions_for(world.resolution, tree.xa)) == [for_all]
    assert list(essay_questions_for(world.resolution, tree.tu2)) == []
