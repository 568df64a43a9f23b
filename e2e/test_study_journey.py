"""Study and dissemination of one resolution in a real browser, from the register to the rates.

The provincial office imports its members from an XLSX file (the dry run lists a bad row
first), records the study conference on the page, imports its attendance list (a background
job whose progress bar reaches the end), grades the cell's essays on the bulk-entry page (one
Yếu that must be rewritten), then reads the province's overview: who attended, the grades and
the essays still missing.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nqtrack.dissemination.models import Attendance, Essay, ImportJob, Member
from nqtrack.documents.models import Document
from nqtrack.testing import PASSWORD, Tree, register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEMBER_HEADERS = ["Mã đảng viên", "Họ và tên", "Mã chi bộ", "Ngày sinh", "Giới tính", "Nghỉ hưu"]
MEMBERS = [
    ["CB1-01", "Nguyễn Văn An", "A-CB1", "12/05/1980", "Nam", ""],
    ["CB1-02", "Trần Thị Bình", "A-CB1", "03/11/1985", "Nữ", ""],
    ["CB1-03", "Lê Văn Cường", "A-CB1", "20/01/1990", "Nam", ""],
    ["CB1-04", "Phạm Văn Dũng", "A-CB1", "01/07/1975", "Nam", "x"],  # retired: no essay owed
    ["VP-01", "Hoàng Thị Em", "A-VPTU", "15/09/1988", "Nữ", ""],
    ["VP-02", "Đỗ Văn Phúc", "A-VPTU", "28/02/1982", "Nam", ""],
]
ATTENDANCE = [
    ["CB1-01", "Có mặt"],
    ["CB1-02", "Có mặt"],
    ["CB1-03", "Vắng có lý do"],
    ["CB1-04", "Có mặt"],
    ["VP-01", "Có mặt"],
    ["VP-02", "Vắng"],
]


def write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def resolution(tree: Tree) -> Document:
    signed = timezone.localdate() - datetime.timedelta(days=30)
    return register(
        tree.province_office, "05-NQ/TU", tree.tu, signed, title="về chuyển đổi số tỉnh A"
    )


def log_in(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)


def test_members_session_attendance_essays_and_the_provinces_rates(
    tree: Tree, resolution: Document, new_page: Any, tmp_path: Path
) -> None:
    today = timezone.localdate()
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    main = page.get_by_role("main")
    log_in(page, tree.province_office.username)

    # The member register: a file with a bad cell code is refused row by row, then the
    # corrected file is imported whole.
    page.get_by_role("navigation").get_by_role("link", name="Học tập, quán triệt").click()
    main.get_by_role("link", name="Đảng viên", exact=True).click()
    main.get_by_role("link", name="Nhập danh sách đảng viên").click()
    bad = [*MEMBERS[:2], ["CB9-01", "Sai Chi Bộ", "A-CB9", "", "Nam", ""]]
    main.locator('input[name="file"]').set_input_files(
        str(write_xlsx(tmp_path / "dang-vien-loi.xlsx", MEMBER_HEADERS, bad))
    )
    main.get_by_role("button", name="Kiểm tra tệp").click()
    expect(main.get_by_test_id("import-report")).to_contain_text("Có 1 dòng bị lỗi")
    expect(main.locator("#bad-rows tbody tr")).to_have_count(1)
    expect(main.locator("#bad-rows")).to_contain_text("A-CB9")
    assert Member.objects.count() == 0

    main.locator('input[name="file"]').set_input_files(
        str(write_xlsx(tmp_path / "dang-vien.xlsx", MEMBER_HEADERS, MEMBERS))
    )
    main.get_by_role("button", name="Kiểm tra tệp").click()
    expect(main.get_by_test_id("import-report")).to_contain_text(
        "6 đảng viên sẽ được thêm, 0 được cập nhật."
    )
    main.get_by_role("button", name="Nhập dữ liệu").click()  # a background job, on its page
    expect(main.get_by_test_id("job-result")).to_contain_text(
        "Đã nhập danh sách đảng viên: thêm mới 6, cập nhật 0."
    )
    main.get_by_role("link", name="← Đảng viên").click()
    expect(main.locator("#members tbody tr")).to_have_count(6)
    expect(main.locator('#members tr[data-code="CB1-04"]')).to_contain_text("Đã nghỉ hưu")

    # The province's conference, recorded on the page: all six members are invited.
    page.locator(".subnav").get_by_role("link", name="Hội nghị học tập").click()
    main.get_by_role("link", name="Thêm hội nghị học tập").click()
    main.get_by_label("Đơn vị tổ chức").select_option("A-TU")
    main.get_by_label("Văn bản học tập, quán triệt").select_option(str(resolution.pk))
    main.get_by_label("Tên hội nghị").fill("Hội nghị quán triệt Nghị quyết 05-NQ/TU")
    main.get_by_label("Ngày tổ chức").fill(today.strftime("%d/%m/%Y"))
    main.get_by_label("Hình thức").select_option("in_person")
    main.get_by_role("button", name="Lưu").click()
    expect(main).to_contain_text("Đã ghi nhận hội nghị; 6 đảng viên được triệu tập.")
    expect(main.get_by_test_id("invited")).to_have_text("6được triệu tập")

    # The attendance list, imported in the background: the progress bar runs to the end.
    main.get_by_role("link", name="Nhập điểm danh").click()
    main.locator('input[name="file"]').set_input_files(
        str(write_xlsx(tmp_path / "diem-danh.xlsx", ["Mã đảng viên", "Tình trạng"], ATTENDANCE))
    )
    main.get_by_role("button", name="Kiểm tra tệp").click()
    expect(main.get_by_test_id("import-report")).to_contain_text(
        "4 có mặt, 1 vắng có lý do, 1 vắng."
    )
    main.get_by_role("button", name="Nhập dữ liệu").click()
    expect(main.get_by_role("progressbar")).to_be_visible()
    expect(main.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    expect(main.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(main.get_by_test_id("job-count")).to_have_text("6/6")
    expect(main.get_by_test_id("present")).to_have_text("4có mặt")
    expect(main.get_by_test_id("rate")).to_have_text("66,7%có mặt / được triệu tập")
    assert Attendance.objects.filter(status="present").count() == 4
    assert ImportJob.objects.get(kind="attendance").status == "done"

    # The cell's essays on one screen: Tốt, Khá and a Yếu that must be rewritten.
    page.locator(".subnav").get_by_role("link", name="Bài thu hoạch").click()
    main.get_by_label("Chi bộ").select_option("A-CB1")
    main.get_by_label("Văn bản").select_option(str(resolution.pk))
    main.get_by_role("button", name="Xem").click()
    scores = main.locator("#scores")
    expect(scores.locator("tbody tr")).to_have_count(4)
    expect(scores.locator('tr[data-code="CB1-04"]')).to_contain_text("không (được miễn)")
    main.get_by_label("Điểm mới của CB1-01").fill("9")
    main.get_by_label("Điểm mới của CB1-02").fill("7,5")
    main.get_by_label("Điểm mới của CB1-03").fill("4")
    main.get_by_role("button", name="Lưu điểm").click()
    expect(main).to_contain_text("Đã lưu điểm: 3 bài lần đầu, 0 bài viết lại, 0 không đổi.")
    expect(scores.locator('tr[data-code="CB1-03"]')).to_contain_text("Yếu")
    expect(scores.locator('tr[data-code="CB1-03"]')).to_contain_text("phải viết lại")
    assert Essay.objects.get(member__code="CB1-03").rewrite_required

    # The province's overview: 4 of 6 attended; grades; the office's two essays missing.
    page.locator(".subnav").get_by_role("link", name="Tổng quan học tập").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("Tỉnh ủy A")
    expect(main.get_by_test_id("stat-invited")).to_contain_text("6")
    expect(main.get_by_test_id("stat-attended")).to_contain_text("4")
    expect(main.get_by_test_id("stat-rate")).to_have_text("66,7%có mặt / được triệu tập")
    expect(main.get_by_test_id("stat-missing")).to_contain_text("2")
    expect(main.get_by_test_id("stat-rewrite")).to_contain_text("1")
    total = main.locator("#thu-hoach tr.total td")
    # Unit, members, must write, written, Tốt, Khá, Trung bình, Yếu, rewrite, missing, rate
    expect(total).to_have_text(["Tổng số", "6", "5", "3", "1", "1", "0", "1", "1", "2", "60%"])
    study_total = main.locator("#hoc-tap tr.total td")
    expect(study_total).to_have_text(["Tổng số", "6", "6", "4", "2", "66,7%"])
    office = main.locator('#hoc-tap tr[data-unit="A-VPTU"] td')
    expect(office).to_have_text(["Văn phòng Tỉnh ủy A", "2", "2", "1", "1", "50%"])
    expect(main.locator("#missing")).to_contain_text("VP-01")
    expect(main.locator("#missing")).to_contain_text("VP-02")
    expect(main.locator("#rewrite")).to_contain_text("CB1-03")

    # Drill down to the commune: only its cell's figures.
    main.locator("#hoc-tap").get_by_role("link", name="Đảng ủy xã A").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("Đảng ủy xã A")
    expect(main.locator("#hoc-tap tr.total td")).to_have_text(
        ["Tổng số", "4", "4", "3", "1", "75%"]
    )
    assert errors == [], errors
