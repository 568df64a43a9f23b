"""core.bulkload: fast inserts that are all or nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from nqtrack.core.bulkload import bulk_load
from nqtrack.dissemination.models import Attendance, Member, OutreachActivity, StudySession
from nqtrack.testing import register

D = dt.date


@pytest.fixture
def session_with_members(tree):
    document = register(tree.province_office, "05-NQ/TU", tree.tu, D(2025, 1, 10))
    session = StudySession.objects.create(organizer=tree.xa, held_on=D(2025, 2, 1))
    session.documents.set([document])
    members = Member.objects.bulk_create(
        Member(code=f"M{i:04d}", full_name=f"Đảng viên {i}", organization=tree.cb)
        for i in range(25)
    )
    return session, members, document


def test_rows_are_inserted_and_progress_is_reported_along_the_way(session_with_members):
    session, members, _document = session_with_members
    seen: list[int] = []

    written = bulk_load(
        Attendance,
        ["session_id", "member_id", "status"],
        ((session.pk, m.pk, "present") for m in members),
        progress=seen.append,
        every=10,
    )

    assert written == 25
    assert seen == [10, 20, 25]
    assert Attendance.objects.filter(session=session, status="present").count() == 25


def test_dates_are_stored_as_dates(tree, session_with_members):
    _session, _members, document = session_with_members
    bulk_load(
        OutreachActivity,
        ["organization", "document", "channel", "count", "held_on", "reach", "notes", "created_at"],
        [
            (
                tree.cb.pk,
                document.pk,
                "radio",
                2,
                D(2025, 3, 4),
                100,
                "",
                dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
            )
        ],
    )
    assert OutreachActivity.objects.get().held_on == D(2025, 3, 4)


def test_a_bad_row_leaves_nothing_behind(session_with_members):
    session, members, _document = session_with_members
    rows = [(session.pk, m.pk, "present") for m in members] + [
        (session.pk, members[0].pk, "absent")
    ]
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            bulk_load(Attendance, ["session_id", "member_id", "status"], rows, every=7)
    assert not Attendance.objects.exists()
