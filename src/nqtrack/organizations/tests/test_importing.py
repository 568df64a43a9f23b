"""Importing the tree from XLSX/CSV: a dry run that lists every bad row, then all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation

from nqtrack.core.models import AuditEvent
from nqtrack.organizations import services
from nqtrack.organizations.importing import (
    ImportReport,
    organizations_import_apply,
    organizations_import_check,
)
from nqtrack.organizations.models import Organization
from nqtrack.organizations.tests.support import csv_bytes, table_state, xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    # Reasons are asserted by their English source text, whatever the catalogue holds.
    with translation.override("en"):
        yield


def check(user, data: bytes, filename: str = "to-chuc.xlsx") -> ImportReport:
    return organizations_import_check(by=user, upload=io.BytesIO(data), filename=filename)


def apply(user, data: bytes, filename: str = "to-chuc.xlsx") -> ImportReport:
    return organizations_import_apply(by=user, upload=io.BytesIO(data), filename=filename)


def xlsx_headers() -> list[str]:
    return ["Mã", "Tên", "Mã cấp trên", "Loại", "Cấp", "Ký hiệu"]


def reasons(report: ImportReport) -> dict[int, str]:
    return {r.line: " ".join(r.errors) for r in report.bad_rows}


# The commune's party committee comes after the cells that name it as their parent.
GOOD_ROWS = [
    ["A-CB2", "Chi bộ thôn 2", "A-XB", "cell", "cell", "CB"],
    ["A-CB3", "Chi bộ thôn 3", "A-XB", "cell", "cell", "CB"],
    ["A-XB", "Đảng ủy xã B", "A-TU", "committee", "commune", "ĐU"],
]


def test_a_valid_file_passes_the_dry_run_with_counts_and_writes_nothing(tree):
    before = table_state()

    report = check(tree.province_admin, xlsx_bytes(GOOD_ROWS))

    assert report.ok, reasons(report)
    assert report.file_errors == []
    assert (report.created, report.updated) == (3, 0)
    assert [(r.line, r.code, r.action) for r in report.rows] == [
        (2, "A-CB2", "create"),
        (3, "A-CB3", "create"),
        (4, "A-XB", "create"),
    ]
    assert table_state() == before


def test_applying_a_valid_file_creates_every_row_under_the_right_parent(tree):
    report = apply(tree.province_admin, xlsx_bytes(GOOD_ROWS))

    assert report.ok, reasons(report)
    xb = Organization.objects.get(code="A-XB")
    assert (xb.parent, xb.level.slug, xb.kind, xb.abbreviation) == (
        tree.tu,
        "commune",
        "committee",
        "ĐU",
    )
    assert xb.path == f"{tree.tu.path}{xb.pk}/"
    for code in ("A-CB2", "A-CB3"):
        cell = Organization.objects.get(code=code)
        assert (cell.parent, cell.kind, cell.path) == (xb, "cell", f"{xb.path}{cell.pk}/")
    created = AuditEvent.objects.filter(action="create", actor=tree.province_admin)
    assert created.count() == 3


def test_every_bad_row_is_reported_with_its_line_and_reason_and_nothing_is_applied(tree):
    rows = [
        ["A-XB", "Đảng ủy xã B", "A-TU", "committee", "commune", "ĐU"],  # 2: fine
        ["A-XC", "Đảng ủy xã C", "A-TU", "banana", "commune", "ĐU"],  # 3
        ["A-XD", "Đảng ủy xã D", "A-TU", "committee", "galaxy", "ĐU"],  # 4
        ["A-XE", "", "A-TU", "committee", "commune", "ĐU"],  # 5
        ["A-XB", "Đảng ủy xã B (lặp)", "A-TU", "committee", "commune", "ĐU"],  # 6
        ["A-XF", "Đảng ủy xã F", "B-TU", "committee", "commune", "ĐU"],  # 7
        ["A-C1", "Chi bộ vòng 1", "A-C2", "cell", "cell", "CB"],  # 8
        ["A-C2", "Chi bộ vòng 2", "A-C1", "cell", "cell", "CB"],  # 9
        ["A-XG", "Đảng ủy xã G", "A-TU", "committee", "commune", "ĐU", "31/02/2025"],  # 10
        ["A-XH", "Đảng ủy xã H", "A-XH", "committee", "commune", "ĐU"],  # 11
    ]
    data = xlsx_bytes(rows, headers=[*xlsx_headers(), "Hiệu lực từ"])
    before = table_state()

    report = check(tree.province_admin, data)
    applied = apply(tree.province_admin, data)

    found = reasons(report)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "Unknown kind" in found[3] and "banana" in found[3]
    assert "Unknown level" in found[4] and "galaxy" in found[4]
    assert "name is empty" in found[5]
    assert "repeated" in found[6] and "line 2" in found[6]
    assert "B-TU" in found[7] and "neither in the file nor in your scope" in found[7]
    assert "cycle" in found[8] and "cycle" in found[9]
    assert "31/02/2025" in found[10] and "not a date" in found[10]
    assert "own parent" in found[11]
    assert not applied.ok
    assert reasons(applied) == found
    assert table_state() == before


def test_one_bad_row_among_good_ones_stops_the_whole_file(tree):
    rows = [*GOOD_ROWS, ["A-XC", "Đảng ủy xã C", "A-TU", "committee", "nowhere", "ĐU"]]
    before = table_state()

    report = apply(tree.province_admin, xlsx_bytes(rows))

    assert [r.line for r in report.bad_rows] == [5]
    assert table_state() == before


def test_blank_lines_are_skipped_without_shifting_line_numbers(tree):
    rows = [GOOD_ROWS[2], [], ["A-XC", "", "A-TU", "committee", "commune", "ĐU"]]

    report = check(tree.province_admin, xlsx_bytes(rows))

    assert [r.line for r in report.rows] == [2, 4]
    assert [r.line for r in report.bad_rows] == [4]


def test_reimporting_an_existing_code_updates_its_name_in_place(tree):
    data = xlsx_bytes([["A-XA", "Đảng ủy phường A", "A-TU", "committee", "commune", "ĐU"]])

    report = apply(tree.province_admin, data)

    assert report.ok, reasons(report)
    assert (report.created, report.updated) == (0, 1)
    xa = Organization.objects.get(code="A-XA")
    assert (xa.pk, xa.name, xa.path) == (tree.xa.pk, "Đảng ủy phường A", tree.xa.path)
    assert Organization.objects.get(code="A-CB1").parent == xa
    update = AuditEvent.objects.get(action="update", object_id=str(xa.pk))
    assert update.changes == {"name": ["Đảng ủy xã A", "Đảng ủy phường A"]}


def test_reimporting_with_a_different_parent_moves_the_organization_and_its_subtree(tree):
    data = xlsx_bytes([["A-XA", "Đảng ủy xã A", "A-VPTU", "committee", "commune", "ĐU"]])

    assert apply(tree.province_admin, data).ok

    xa = Organization.objects.get(code="A-XA")
    assert xa.parent == tree.vptu
    assert Organization.objects.get(code="A-CB1").path == f"{xa.path}{tree.cb.pk}/"


def test_reimporting_without_optional_columns_keeps_the_values_the_file_does_not_give(tree):
    services.organization_update(by=None, organization=tree.xa, short_name="ĐU xã A")
    data = xlsx_bytes(
        [["A-XA", "Đảng ủy phường A", "A-TU", "committee", "commune"]],
        headers=["Mã", "Tên", "Mã cấp trên", "Loại", "Cấp"],
    )

    assert apply(tree.province_admin, data).ok

    xa = Organization.objects.get(code="A-XA")
    assert xa.name == "Đảng ủy phường A"
    # "ĐU" is what the commune's document symbols carry (…-NQ/ĐU): it must survive.
    assert (xa.abbreviation, xa.short_name) == ("ĐU", "ĐU xã A")


def test_a_row_hung_under_one_of_its_existing_descendants_is_reported_by_the_dry_run(tree):
    data = xlsx_bytes([["A-XA", "Đảng ủy xã A", "A-CB1", "committee", "commune", "ĐU"]])
    before = table_state()

    report = check(tree.province_admin, data)

    assert [r.line for r in report.bad_rows] == [2]
    assert table_state() == before


def test_applying_a_row_hung_under_its_own_descendant_returns_a_report_and_writes_nothing(tree):
    data = xlsx_bytes([["A-XA", "Đảng ủy phường A", "A-CB1", "committee", "commune", "ĐU"]])
    before = table_state()

    report = apply(tree.province_admin, data)

    assert not report.ok
    assert table_state() == before


def test_reimporting_a_dissolved_organization_does_not_bring_it_back_to_life(tree):
    services.organization_merge(by=None, sources=[tree.vptu], into=tree.xa, on=dt.date(2025, 7, 1))
    data = xlsx_bytes(
        [["A-VPTU", "Văn phòng Tỉnh ủy A (cũ)", "A-TU", "advisory_body", "province", "VPTU"]]
    )

    assert apply(tree.province_admin, data).ok

    vptu = Organization.objects.get(code="A-VPTU")
    assert vptu.name == "Văn phòng Tỉnh ủy A (cũ)"
    assert (vptu.valid_to, vptu.successor) == (dt.date(2025, 7, 1), tree.xa)


def test_a_csv_file_with_semicolons_and_a_byte_order_mark_is_read(tree):
    data = csv_bytes(GOOD_ROWS, delimiter=";", bom=True)

    report = apply(tree.province_admin, data, "to-chuc.csv")

    assert report.ok, (report.file_errors, reasons(report))
    assert report.created == 3
    assert Organization.objects.get(code="A-XB").abbreviation == "ĐU"
    assert Organization.objects.get(code="A-CB2").parent.code == "A-XB"


def test_a_csv_file_with_english_headers_commas_and_labels_instead_of_slugs_is_read(tree):
    data = csv_bytes(
        [["A-XB", "Đảng ủy xã B", "A-TU", "Party committee", "Xã, phường, đặc khu", "01/07/2025"]],
        headers=["code", "name", "parent", "kind", "level", "valid_from"],
    )

    report = apply(tree.province_admin, data, "ORGS.CSV")

    assert report.ok, (report.file_errors, reasons(report))
    xb = Organization.objects.get(code="A-XB")
    assert (xb.kind, xb.level.slug, xb.abbreviation) == ("committee", "commune", "A-XB")
    assert xb.valid_from == dt.date(2025, 7, 1)


def test_date_cells_in_an_xlsx_file_are_read_as_dates(tree):
    data = xlsx_bytes(
        [["A-XB", "Đảng ủy xã B", "A-TU", "committee", "commune", "ĐU", dt.date(2025, 7, 1)]],
        headers=[*xlsx_headers(), "Hiệu lực từ"],
    )

    assert apply(tree.province_admin, data).ok

    assert Organization.objects.get(code="A-XB").valid_from == dt.date(2025, 7, 1)


def test_a_text_file_is_refused_as_a_whole(tree):
    report = check(tree.province_admin, csv_bytes(GOOD_ROWS), "to-chuc.txt")

    assert not report.ok
    assert report.rows == []
    assert report.file_errors and ".xlsx" in report.file_errors[0]


def test_a_damaged_excel_file_is_a_file_error_not_a_crash(tree):
    report = check(tree.province_admin, b"PK\x03\x04 this is not a workbook")

    assert not report.ok
    assert report.file_errors


def test_a_csv_file_not_in_utf8_is_a_file_error(tree):
    data = "Mã,Tên\nA-XB,Đảng ủy xã B\n".encode("utf-16")

    report = check(tree.province_admin, data, "to-chuc.csv")

    assert report.file_errors and "UTF-8" in report.file_errors[0]


def test_missing_required_columns_are_named(tree):
    data = xlsx_bytes([["A-XB", "Đảng ủy xã B"]], headers=["Mã", "Tên"])

    report = check(tree.province_admin, data)

    assert report.file_errors == ["Missing columns: kind, level."]


def test_a_file_with_headers_only_has_no_data_rows(tree):
    report = check(tree.province_admin, xlsx_bytes([]))

    assert report.file_errors == ["The file has no data rows."]


def test_a_code_that_exists_outside_the_importers_scope_is_an_error(tree):
    data = xlsx_bytes([["B-TU", "Tỉnh ủy B (đổi tên)", "A-TU", "committee", "province", "TU"]])
    before = table_state()

    report = apply(tree.province_admin, data)

    assert "outside your scope" in reasons(report)[2]
    assert table_state() == before
    assert Organization.objects.get(code="B-TU").parent == tree.tw


def test_a_province_admin_cannot_import_a_new_root(tree):
    data = xlsx_bytes([["ROOT", "Gốc mới", "", "committee", "central", "R"]])

    report = check(tree.province_admin, data)

    assert "parent code is required" in reasons(report)[2]


def test_an_office_user_without_admin_rights_has_no_scope_to_import_into(tree):
    report = check(tree.province_office, xlsx_bytes(GOOD_ROWS))

    assert [r.line for r in report.bad_rows] == [4]
    assert "A-TU" in reasons(report)[4]


def test_a_commune_admin_may_not_hang_rows_under_the_province(tree):
    commune_admin = type(tree.commune_office).objects.create(
        username="xa_qt", organization=tree.xa, role="admin"
    )

    report = check(commune_admin, xlsx_bytes(GOOD_ROWS))

    assert [r.line for r in report.bad_rows] == [4]
