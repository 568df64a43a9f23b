"""Study plans, sessions, invitations and attendance (by hand and by import)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from nqtrack.core.models import AuditEvent
from nqtrack.dissemination import importing, sessions
from nqtrack.dissemination.models import Attendance, AudienceGroup, StudySession
from nqtrack.dissemination.selectors import (
    access_session_by_id,
    session_attendance,
    session_attendance_stats,
    sessions_visible_to,
)
from nqtrack.dissemination.tests.support import csv_bytes, xlsx_bytes
from nqtrack.organizations.models import SecurityLevel
from nqtrack.testing import register

D = dt.date


def make_session(world, organizer=None, **kwargs):
    tree = world.tree
    return sessions.study_session_create(
        by=kwargs.pop("by", tree.commune_office),
        organizer=organizer or tree.xa,
        documents=kwargs.pop("documents", [world.resolution]),
        held_on=kwargs.pop("held_on", D(2025, 2, 20)),
        **kwargs,
    )


def invited(session) -> dict[str, str]:
    return {a.member.code: a.status for a in session_attendance(session)}


def test_a_session_invites_every_member_of_the_organizers_subtree(world):
    session = make_session(world, audience=AudienceGroup.objects.get(slug="rural_members"))
    assert invited(session) == dict.fromkeys(
        ["XA-01", "CB1-01", "CB1-02", "CB1-03", "CB2-01", "CB2-02"], ""
    )
    stats = session_attendance_stats(session)
    assert (stats.invited, stats.present, stats.rate) == (6, 0, 0.0)
    event = AuditEvent.objects.get(object_type="studysession", action="create")
    assert event.changes["invited"] == [None, 6]


def test_the_invitation_list_can_be_adjusted_within_the_subtree(world):
    session = make_session(world, organizer=world.tree.cb)
    assert set(invited(session)) == {"CB1-01", "CB1-02", "CB1-03"}
    m = world.members
    sessions.session_uninvite(by=world.tree.commune_office, session=session, members=[m["CB1-03"]])
    with pytest.raises(ValidationError) as caught:
        sessions.session_invite(
            by=world.tree.commune_office, session=session, members=[m["CB2-01"]]
        )
    assert caught.value.message_dict["members"] == [
        "CB2-01 không phải đảng viên của Chi bộ thôn 1."
    ]
    assert set(invited(session)) == {"CB1-01", "CB1-02"}


def test_online_sessions_need_connection_points_and_in_person_ones_have_none(world):
    with pytest.raises(ValidationError) as caught:
        make_session(world, format="online")
    assert caught.value.message_dict["connection_points"] == [
        "Hội nghị trực tuyến cần ít nhất một điểm cầu."
    ]
    session = make_session(world, format="hybrid", connection_point_names=["Thôn 1", " Thôn 2 "])
    assert (session.connection_points, session.connection_point_names) == (2, ["Thôn 1", "Thôn 2"])
    sessions.study_session_update(by=world.tree.commune_office, session=session, format="in_person")
    session.refresh_from_db()
    assert (session.connection_points, session.connection_point_names) == (0, [])


def test_a_session_cannot_be_held_before_its_document_was_signed(world):
    with pytest.raises(ValidationError) as caught:
        make_session(world, held_on=D(2025, 1, 9))
    assert caught.value.message_dict["held_on"] == [
        "Không thể tổ chức hội nghị trước ngày ký văn bản."
    ]


def test_sessions_on_a_document_above_the_users_clearance_do_not_exist_for_them(world):
    tree = world.tree
    secret = register(
        tree.province_office,
        "07-NQ/TU",
        tree.tu,
        D(2025, 1, 10),
        security_level=SecurityLevel.CONFIDENTIAL,
    )
    session = make_session(world, organizer=tree.tu, by=tree.province_office, documents=[secret])
    assert access_session_by_id(tree.province_office, session.pk) == session
    with pytest.raises(Http404):
        access_session_by_id(tree.province_viewer, session.pk)
    with pytest.raises(Http404):
        access_session_by_id(tree.outsider, session.pk)
    assert session not in sessions_visible_to(tree.commune_office)


def attendance_check(world, session, data, filename="diem-danh.csv"):
    return importing.attendance_import_check(
        by=world.tree.commune_office, session=session, upload=io.BytesIO(data), filename=filename
    )


def test_the_attendance_dry_run_names_every_bad_row_and_writes_nothing(world):
    session = make_session(world)
    rows = [
        ["CB1-01", "Có mặt"],
        ["CB1-02", "đi muộn"],
        ["NOPE", "co mat"],
        ["VP-01", "vắng"],
        ["CB1-01", "vang"],
        ["", "present"],
    ]
    report = attendance_check(world, session, csv_bytes(["Mã đảng viên", "Tình trạng"], rows))
    assert not report.ok
    assert {e.line: e.errors for e in report.errors} == {
        3: ["“đi muộn” không phải là tình trạng tham dự (có mặt, vắng có lý do, vắng)."],
        4: ["Không có đảng viên nào mang mã NOPE."],
        5: ["Đảng viên VP-01 không thuộc Đảng ủy xã A."],
        6: ["Mã đảng viên CB1-01 bị lặp (lần đầu ở dòng 2)."],
        7: ["Mã đảng viên để trống."],
    }
    assert set(invited(session).values()) == {""}


def test_importing_attendance_replaces_the_previous_list_and_keeps_other_invitations(world):
    session = make_session(world)
    first = attendance_check(
        world,
        session,
        xlsx_bytes(
            ["Mã", "Điểm danh"],
            [["CB1-01", "Có mặt"], ["CB1-02", "Vắng có lý do"], ["CB2-01", "vang"]],
        ),
        filename="a.xlsx",
    )
    assert first.ok and first.counts == {"present": 1, "excused": 1, "absent": 1}
    importing.attendance_import_apply(by=world.tree.commune_office, session=session, report=first)
    assert invited(session)["CB1-02"] == "excused"

    second = attendance_check(
        world,
        session,
        csv_bytes(["member", "status"], [["CB1-02", "present"], ["CB1-03", "excused"]]),
    )
    importing.attendance_import_apply(by=world.tree.commune_office, session=session, report=second)

    assert invited(session) == {
        "XA-01": "",
        "CB1-01": "",
        "CB1-02": "present",
        "CB1-03": "excused",
        "CB2-01": "",
        "CB2-02": "",
    }
    events = AuditEvent.objects.filter(action="import_attendance", object_id=str(session.pk))
    assert events.count() == 2
    assert events.first().changes["present"] == [None, 1]


def test_a_commune_member_can_be_recorded_by_hand_and_the_change_is_audited(world):
    session = make_session(world)
    m = world.members
    changed = sessions.attendance_record(
        by=world.tree.commune_office,
        session=session,
        marks={m["CB1-01"]: "present", m["CB1-02"]: "absent"},
    )
    assert changed == 2
    stats = session_attendance_stats(session)
    assert (stats.present, stats.absent, stats.unrecorded) == (1, 1, 4)
    assert AuditEvent.objects.filter(action="attendance").count() == 1


def test_deleting_a_session_deletes_its_attendance(world):
    session = make_session(world)
    sessions.study_session_delete(by=world.tree.commune_office, session=session)
    assert not StudySession.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("chunk", [5_000, 1])
def test_a_large_register_is_asked_only_for_the_files_codes_with_the_same_result(
    world, monkeypatch, chunk
):
    # chunk=1 makes the subtree "large" against a two-row file: codes are looked up in chunks.
    monkeypatch.setattr(importing, "LOOKUP_CHUNK", chunk)
    session = make_session(world)
    report = attendance_check(
        world,
        session,
        csv_bytes(["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["VP-01", "vắng"]]),
    )
    assert {e.line: e.errors for e in report.errors} == {
        3: ["Đảng viên VP-01 không thuộc Đảng ủy xã A."]
    }
    assert report.values == [(world.members["CB1-01"].pk, "present")]
