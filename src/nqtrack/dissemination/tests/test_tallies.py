"""The maintained study counts equal a recount after every kind of write, and the roll-ups read
from them give the figures counted from the members and the attendance themselves."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from nqtrack.dissemination import importing, rollups, services, sessions, tallies
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    Member,
    MemberTally,
    StudySession,
    StudyTally,
)
from nqtrack.dissemination.tests.support import MemberFactory, csv_bytes
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import Organization
from nqtrack.testing import register

D = dt.date
KEYS = ("members", "invited", "attended")


def counted(root: Organization, document) -> dict[str, tuple[int, ...]]:
    """The roll-up counted straight from the rows: the root's own register, each direct
    subordinate's subtree and the total."""

    def figures(members, own_only: bool) -> tuple[int, ...]:
        attendance = Attendance.objects.filter(session__documents=document, member__in=members)
        return (
            members.count(),
            attendance.values("member_id").distinct().count(),
            attendance.filter(status=AttendanceStatus.PRESENT)
            .values("member_id")
            .distinct()
            .count(),
        )

    subtree = Member.objects.filter(organization__path__startswith=root.path)
    out = {"total": figures(subtree, False)}
    own = figures(Member.objects.filter(organization=root), True)
    if any(own):
        out[f"own:{root.code}"] = own
    for child in Organization.objects.filter(parent=root):
        below = figures(Member.objects.filter(organization__path__startswith=child.path), False)
        if any(below) or child.valid_to is None:
            out[child.code] = below
    return out


def read(root: Organization, document) -> dict[str, tuple[int, ...]]:
    result = rollups.study_rollup(root, document)
    out = {"total": tuple(result.total[k] for k in KEYS)}
    for row in result.rows:
        out[f"own:{row.key}" if row.own else row.key] = tuple(row[k] for k in KEYS)
    return out


def assert_counts_right(world, *documents) -> None:
    drift = tallies.check(False)
    assert drift.clean, drift.examples
    tree = world.tree
    for document in documents or (world.resolution,):
        for stale in (tree.tw, tree.tu, tree.xa, tree.cb, world.cb2):
            root = Organization.objects.get(pk=stale.pk)  # paths change when units move
            assert read(root, document) == counted(root, document), root.code
        every = {
            r.code: (r.members, r.invited, r.attended)
            for r in rollups.study_rollup_every_level(tree.tw, document)
        }
        for code, figures in every.items():
            org = Organization.objects.get(code=code)
            assert figures == counted(org, document)["total"], code


def marks(world, **statuses):
    return {world.members[code.replace("_", "-")]: s for code, s in statuses.items()}


@pytest.fixture
def held(world):
    """A province-wide session (everybody in A-TU invited) and a cell session."""
    tree = world.tree
    province = sessions.study_session_create(
        by=tree.province_office,
        organizer=tree.tu,
        documents=[world.resolution],
        held_on=D(2025, 2, 1),
    )
    cell = sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.cb,
        documents=[world.resolution],
        held_on=D(2025, 2, 5),
    )
    sessions.attendance_record(
        by=tree.province_office,
        session=province,
        marks=marks(world, CB1_01="present", CB2_01="absent", VP_01="present", XA_01="excused"),
    )
    sessions.attendance_record(
        by=tree.commune_office, session=cell, marks=marks(world, CB1_01="present", CB1_02="present")
    )
    return province, cell


def test_sessions_invitations_and_marks_keep_the_counts(world, held):
    province, cell = held
    assert_counts_right(world)
    assert read(world.tree.tu, world.resolution)["total"] == (8, 8, 3)
    sessions.session_uninvite(
        by=world.tree.commune_office, session=cell, members=[world.members["CB1-02"]]
    )
    assert_counts_right(world)
    assert read(world.tree.cb, world.resolution)["total"] == (3, 3, 1)
    sessions.session_invite(
        by=world.tree.commune_office, session=cell, members=[world.members["CB1-02"]]
    )
    sessions.attendance_record(
        by=world.tree.commune_office, session=cell, marks=marks(world, CB1_02="absent")
    )
    assert_counts_right(world)


def test_deleting_a_session_and_changing_its_documents_keep_the_counts(world, held):
    province, cell = held
    other = register(world.tree.province_office, "06-NQ/TU", world.tree.tu, D(2025, 1, 12))
    sessions.study_session_update(
        by=world.tree.commune_office, session=cell, documents=[world.resolution, other]
    )
    assert_counts_right(world, world.resolution, other)
    assert read(world.tree.cb, other)["total"] == (3, 3, 2)
    sessions.study_session_update(by=world.tree.commune_office, session=cell, documents=[other])
    assert_counts_right(world, world.resolution, other)
    cell.documents.clear()
    assert_counts_right(world, world.resolution, other)
    assert read(world.tree.cb, other)["total"] == (3, 0, 0)
    sessions.study_session_delete(by=world.tree.province_office, session=province)
    assert_counts_right(world, world.resolution, other)
    assert read(world.tree.tu, world.resolution)["total"] == (8, 0, 0)


def test_member_transfers_creation_and_deletion_keep_the_counts(world, held):
    tree = world.tree
    services.member_update(
        by=tree.province_office, member=world.members["CB1-01"], organization=world.cb2
    )
    assert_counts_right(world)
    assert read(tree.xa, world.resolution)[world.cb2.code] == (3, 3, 1)
    services.member_create(
        by=tree.province_office, code="CB2-09", full_name="Lò Văn A", organization=world.cb2
    )
    assert_counts_right(world)
    services.member_delete(by=tree.province_office, member=world.members["VP-02"])
    assert_counts_right(world)
    assert read(tree.tu, world.resolution)["total"] == (8, 7, 3)
    Member.objects.filter(code="CB2-09").update(organization=tree.cb)  # a bulk transfer
    assert_counts_right(world)


def test_imports_keep_the_counts(world, held):
    tree = world.tree
    province, _cell = held
    upload = csv_bytes(
        ["Mã đảng viên", "Điểm danh"],
        [["CB1-01", "vắng"], ["CB1-02", "có mặt"], ["CB1-03", "có mặt"], ["XA-01", "có mặt"]],
    )
    check = importing.attendance_import_check(
        by=tree.province_office, session=province, upload=io.BytesIO(upload), filename="a.csv"
    )
    assert check.ok, check.errors
    importing.attendance_import_apply(by=tree.province_office, session=province, report=check)
    assert_counts_right(world)
    # CB1-01 still came to the cell's session; CB1-02 came to both.
    assert read(tree.xa, world.resolution)[tree.cb.code] == (3, 3, 3)
    members = csv_bytes(
        ["Mã đảng viên", "Họ và tên", "Mã chi bộ"],
        [["CB2-01", "Moved Member", tree.cb.code], ["CB2-77", "New Member", world.cb2.code]],
    )
    check = importing.members_import_check(
        by=tree.province_office, scope=tree.tu, upload=io.BytesIO(members), filename="m.csv"
    )
    assert check.ok, check.errors
    importing.members_import_apply(by=tree.province_office, scope=tree.tu, report=check)
    assert_counts_right(world)
    assert read(tree.xa, world.resolution)[world.cb2.code] == (2, 1, 0)


def test_moving_and_merging_units_carry_their_counts(world, held):
    tree = world.tree
    org_services.organization_move(by=None, organization=world.cb2, new_parent=tree.tu)
    assert_counts_right(world)
    assert read(tree.tu, world.resolution)[world.cb2.code] == (2, 2, 0)
    xa = Organization.objects.get(pk=tree.xa.pk)
    org_services.organization_move(by=None, organization=xa, new_parent=tree.tu2)
    assert_counts_right(world)
    org_services.organization_merge(by=None, sources=[tree.tu2], into=tree.tu, on=D(2025, 7, 1))
    assert_counts_right(world)


def test_rebuild_counts_finds_and_mends_drift(world, held, capsys):
    StudyTally.objects.filter(organization=world.tree.tu).update(attended=99)
    MemberTally.objects.filter(organization=world.tree.cb).delete()
    with pytest.raises(SystemExit):
        call_command("rebuild_counts", "--check", "--only", "study")
    out = capsys.readouterr().out
    assert "study" in out
    call_command("rebuild_counts", "--only", "study")
    assert_counts_right(world)


def test_a_bulk_load_outside_the_product_is_counted_by_a_rebuild(world):
    session = StudySession.objects.create(organizer=world.tree.tu, held_on=D(2025, 3, 1))
    session.documents.set([world.resolution])
    from nqtrack.core.bulkload import bulk_load

    bulk_load(
        Attendance,
        ["session_id", "member_id", "status"],
        [(session.pk, m.pk, "present") for m in world.members.values() if m.code != "B-01"],
    )
    assert not tallies.check(False).clean  # raw rows written behind the product's back
    tallies.rebuild()
    assert_counts_right(world)
    assert read(world.tree.tu, world.resolution)["total"] == (8, 8, 8)


def test_a_member_in_another_province_is_not_counted_here(world, held):
    MemberFactory(code="B-02", organization=world.tree.tu2)
    assert_counts_right(world)
    assert read(world.tree.tu, world.resolution)["total"][0] == 8


def test_a_write_touching_most_of_the_tree_takes_the_one_pass_path(world, held, monkeypatch):
    # A national import touches tens of thousands of units: their figures are recounted in one
    # pass over the document's rows and applied in one statement. Forced here for a few units.
    monkeypatch.setattr(tallies, "BIG", 0)
    test_imports_keep_the_counts(world, held)
    province, cell = held
    sessions.study_session_delete(by=world.tree.province_office, session=cell)
    assert_counts_right(world)
