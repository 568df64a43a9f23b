"""The member register: scope, exemptions, and the XLSX/CSV import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from nqtrack.core.models import AuditEvent
from nqtrack.dissemination import importing, services
from nqtrack.dissemination.models import Member
from nqtrack.dissemination.selectors import (
    access_member_by_code,
    mandatory_q,
    member_exemptions,
    member_is_mandatory,
    members_visible_to,
)
from nqtrack.dissemination.tests.support import MemberFactory, csv_bytes, xlsx_bytes

D = dt.date
HEADERS = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày sinh", "Giới tính", "Nghỉ hưu"]


def test_a_commune_office_registers_a_member_of_its_cell_and_it_is_audited(world):
    tree = world.tree
    member = services.member_create(
        by=tree.commune_office,
        code=" CB1-10 ",
        full_name="Nguyễn  Văn   An",
        organization=tree.cb,
        birth_date=D(1990, 3, 2),
        exemptions=["ill_health"],
    )
    assert (member.code, member.full_name, member.ill_health) == ("CB1-10", "Nguyễn Văn An", True)
    event = AuditEvent.objects.get(object_type="member", object_id=str(member.pk))
    assert event.action == "create" and event.organization == tree.cb


def test_a_duplicate_member_code_is_refused_in_vietnamese(world):
    with pytest.raises(ValidationError) as caught:
        services.member_create(
            by=world.tree.commune_office, code="CB1-01", full_name="X", organization=world.tree.cb
        )
    assert caught.value.message_dict["code"] == ["Đã có đảng viên khác mang mã CB1-01."]


def test_a_reporter_writes_for_their_own_cell_only_and_a_viewer_not_at_all(world):
    tree = world.tree
    services.member_create(
        by=world.cell_reporter, code="CB1-11", full_name="Lê Thị Bình", organization=tree.cb
    )
    with pytest.raises(PermissionDenied):
        services.member_create(
            by=world.cell_reporter, code="CB2-11", full_name="Trần Văn C", organization=world.cb2
        )
    with pytest.raises(PermissionDenied):
        services.member_create(
            by=tree.province_viewer, code="CB1-12", full_name="Trần Văn D", organization=tree.cb
        )
    with pytest.raises(PermissionDenied):
        services.member_create(
            by=tree.outsider, code="CB1-13", full_name="Trần Văn E", organization=tree.cb
        )


def test_members_are_scoped_to_the_users_subtree(world):
    tree = world.tree
    commune = set(members_visible_to(tree.commune_office).values_list("code", flat=True))
    assert commune == {"CB1-01", "CB1-02", "CB1-03", "CB2-01", "CB2-02", "XA-01"}
    assert "B-01" not in set(
        members_visible_to(tree.province_office).values_list("code", flat=True)
    )
    with pytest.raises(Exception) as caught:
        access_member_by_code(tree.outsider, "CB1-01")
    assert caught.type.__name__ == "Http404"


@time_machine.travel(dt.datetime(2025, 7, 1, 3, tzinfo=dt.UTC))
def test_age_exempts_from_the_threshold_which_is_configuration(world, settings):
    tree = world.tree
    man = MemberFactory(organization=tree.cb, sex="male", birth_date=D(1966, 1, 1))  # 59
    woman = MemberFactory(organization=tree.cb, sex="female", birth_date=D(1968, 1, 1))  # 57
    assert member_is_mandatory(man) and member_is_mandatory(woman)

    settings.NQTRACK_ESSAY_AGE_THRESHOLD_FEMALE = 55
    assert member_exemptions(woman) == ["over_age"]
    assert member_is_mandatory(man)
    settings.NQTRACK_ESSAY_AGE_THRESHOLD = 59
    assert not member_is_mandatory(man)
    mandatory = set(
        Member.objects.filter(mandatory_q(D(2025, 7, 1)), pk__in=[man.pk, woman.pk]).values_list(
            "pk", flat=True
        )
    )
    assert mandatory == set()


def test_an_exemption_flag_makes_a_member_optional_in_python_and_in_sql(world):
    member = world.members["CB1-02"]
    services.member_update(by=world.tree.commune_office, member=member, exemptions=["retired"])
    assert member_exemptions(member) == ["retired"]
    assert not Member.objects.filter(mandatory_q(D(2025, 7, 1)), pk=member.pk).exists()


def check(world, data: bytes, filename: str = "dang-vien.xlsx", by=None):
    return importing.members_import_check(
        by=by or world.tree.commune_office,
        scope=world.tree.xa,
        upload=io.BytesIO(data),
        filename=filename,
    )


def test_the_dry_run_lists_every_bad_row_with_a_vietnamese_reason_and_writes_nothing(world):
    rows = [
        ["CB1-20", "Phạm Văn Đức", "A-CB1", "15/04/1980", "Nam", ""],
        ["CB1-21", "", "A-CB1", "15/04/1980", "Nam", ""],
        ["CB1-22", "Hoàng Thị Em", "ZZZ", "1980-04-15", "Nữ", ""],
        ["CB1-20", "Đỗ Văn Giang", "A-CB1", "31/02/1980", "Nam", ""],
        ["CB1-23", "Vũ Văn Hải", "A-CB1", "", "?", "có lẽ"],
        ["B-01", "Người tỉnh khác", "A-CB1", "", "Nam", ""],
    ]
    before = (Member.objects.count(), AuditEvent.objects.count())

    report = check(world, xlsx_bytes(HEADERS, rows))

    assert not report.ok
    reasons = {e.line: e.errors for e in report.errors}
    assert reasons == {
        3: ["Họ và tên để trống."],
        4: ["Mã tổ chức “ZZZ” không tồn tại hoặc ngoài phạm vi của bạn."],
        5: [
            "Mã đảng viên CB1-20 bị lặp (lần đầu ở dòng 2).",
            "“31/02/1980” không phải là ngày theo dạng dd/mm/yyyy.",
        ],
        6: [
            "“?” không phải là giới tính (Nam hoặc Nữ).",
            "“có lẽ” không phải là giá trị có/không (x, có, không).",
        ],
        7: ["Mã đảng viên B-01 thuộc một đảng viên ngoài phạm vi của bạn."],
    }
    assert (Member.objects.count(), AuditEvent.objects.count()) == before


def test_a_good_file_is_imported_all_at_once_and_reimport_updates_by_code(world):
    tree = world.tree
    rows = [
        ["CB1-30", "Phạm Văn Đức", "A-CB1", "15/04/1950", "Nam", "x"],
        ["CB2-30", "Hoàng Thị Em", "A-CB2", "1980-04-15", "Nữ", ""],
        ["CB1-01", "Tên Mới", "A-CB1", "", "Nam", ""],
    ]
    report = check(world, csv_bytes(HEADERS, rows), filename="dv.csv")
    assert report.ok and report.counts == {"created": 2, "updated": 1}

    importing.members_import_apply(by=tree.commune_office, scope=tree.xa, report=report)

    new = Member.objects.get(code="CB1-30")
    assert (new.organization, new.birth_date, new.retired) == (tree.cb, D(1950, 4, 15), True)
    assert Member.objects.get(code="CB2-30").sex == "female"
    assert Member.objects.get(code="CB1-01").full_name == "Tên Mới"
    event = AuditEvent.objects.get(action="import_members")
    assert event.changes == {"created": [None, 2], "updated": [None, 1]}

    # Re-import with only three columns changes names, keeps the other fields.
    again = check(
        world,
        csv_bytes(["Mã", "Họ tên", "Mã chi bộ"], [["CB1-30", "Phạm Văn Đức Anh", "A-CB1"]]),
        filename="dv.csv",
    )
    importing.members_import_apply(by=tree.commune_office, scope=tree.xa, report=again)
    new.refresh_from_db()
    assert (new.full_name, new.retired, new.birth_date) == (
        "Phạm Văn Đức Anh",
        True,
        D(1950, 4, 15),
    )


def test_a_file_without_the_required_columns_is_refused_as_a_whole(world):
    report = check(world, csv_bytes(["Mã", "Tên"], [["X", "Y"]]), filename="dv.csv")
    assert report.file_errors == ["Bảng thiếu các cột: Mã chi bộ."]
    report = check(world, b"", filename="dv.txt")
    assert report.file_errors == ["Hãy chọn bảng .xlsx hoặc .csv để nhập."]
