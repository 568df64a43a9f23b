"""The study and essay appendix of a review: the same roll-up as the study overview."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nqtrack.dissemination import essays, sessions
from nqtrack.dissemination import services as study
from nqtrack.dissemination.rollups import study_rollup
from nqtrack.reviews.appendix import appendix_tables
from nqtrack.reviews.tests.helpers import NOW, TODAY, build_world

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_attendance_and_essays_fill_the_first_two_appendix_tables(tree):
    world = build_world(tree)
    office = tree.province_office
    members = [
        study.member_create(
            by=office,
            code=f"DV{n}",
            full_name=f"Đảng viên {n}",
            organization=tree.cb,
            birth_date=D(1985, 1, n + 1),
        )
        for n in range(4)
    ]
    session = sessions.study_session_create(
        by=office, organizer=tree.cb, documents=[world.resolution], held_on=D(2026, 10, 5)
    )
    sessions.attendance_record(
        by=office,
        session=session,
        marks={
            members[0]: "present",
            members[1]: "present",
            members[2]: "present",
            members[3]: "absent",
        },
    )
    essays.essay_grade(by=office, member=members[0], document=world.resolution, score="9.5")
    essays.essay_grade(by=office, member=members[1], document=world.resolution, score="4")
    tables = {t.key: t for t in appendix_tables(world.review, office, today=TODAY)}
    assert list(tables)[:2] == ["study", "essays"]
    total = tables["study"].rows[-1]
    assert total[1:] == ["Tổng số", 4, 4, 3, "75,0", 1]
    assert total[2:5] == [
        study_rollup(tree.tu, world.resolution).total[k] for k in ("members", "invited", "attended")
    ]
    essay_total = tables["essays"].rows[-1]
    # mandatory, written, tốt, khá, trung bình, yếu, to rewrite, missing
    assert essay_total[2:] == [4, 2, 1, 0, 0, 1, 1, 2]
