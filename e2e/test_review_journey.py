"""One interim review (sơ kết) in a real browser, from the plan to the issued report.

The provincial office puts the review into its plan, records the review plan it issued, keeps
the commune that has tasks in scope, asks it for its report, records the conference, downloads
the Word draft (which opens and carries the Party header), records the committee's approval and
registers the issued report with its file. The stages table then shows each step done.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from docx import Document as read_docx
from playwright.sync_api import expect

from nqtrack.assignments import services as task_services
from nqtrack.core.tests import samples
from nqtrack.documents.models import Document
from nqtrack.testing import PASSWORD, Tree, register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = samples.pdf_bytes()


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@pytest.fixture
def resolution(tree: Tree) -> Document:
    """A province resolution whose interim review (3 years) falls due in 40 days, so its plan
    (due 2 months before) is already late; one task led by the commune."""
    today = timezone.localdate()
    signed = years_before(today + datetime.timedelta(days=40), 3)
    document = register(
        tree.province_office,
        "05-NQ/TU",
        tree.tu,
        signed,
        title="về chuyển đổi số tỉnh A",
    )
    task_services.task_create(
        by=tree.province_office,
        source_document=document,
        text="Xây dựng đề án chuyển đổi số cấp xã",
        lead=tree.xa,
        due_on=today + datetime.timedelta(days=20),
    )
    register(tree.province_office, "20-KH/TU", tree.tu, today - datetime.timedelta(days=1))
    return document


def log_in(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)


def stage_state(page: Any, key: str) -> Any:
    return page.locator(f'#stages tr[data-stage="{key}"] td').nth(3)


def test_one_interim_review_from_plan_to_issued_report(
    tree: Tree, resolution: Document, new_page: Any, tmp_path: Any
) -> None:
    today = timezone.localdate()
    ddmm = today.strftime("%d/%m/%Y")
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    main = page.get_by_role("main")
    log_in(page, tree.province_office.username)

    # The plan for the coming year: the review is added once.
    page.get_by_role("navigation").get_by_role("link", name="Sơ kết, tổng kết", exact=True).click()
    main.get_by_role("link", name="Kế hoạch sơ kết, tổng kết").click()
    main.get_by_label("Cấp ủy (mã)").fill("A-TU")
    main.get_by_label("Từ ngày").fill(ddmm)
    main.get_by_label("Đến ngày").fill((today + datetime.timedelta(days=365)).strftime("%d/%m/%Y"))
    main.get_by_role("button", name="Đưa các lần còn thiếu vào kế hoạch").click()
    expect(main).to_contain_text("Đã thêm 1 lần sơ kết, tổng kết vào kế hoạch")
    main.locator("#plan").get_by_role("link", name="05-NQ/TU").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("05-NQ/TU")
    expect(stage_state(page, "plan")).to_have_text("quá hạn")

    # The plan the office issued (late), then the scope.
    main.locator("#plan").get_by_label("Văn bản (mã số hoặc số, ký hiệu)").fill("20-KH/TU")
    main.get_by_role("button", name="Ghi nhận kế hoạch").click()
    expect(main).to_contain_text("Đã ghi nhận kế hoạch sơ kết, tổng kết.")
    expect(stage_state(page, "plan")).to_have_text("hoàn thành chậm")
    scope = main.locator("#scope")
    expect(scope.get_by_role("checkbox", name="Đảng ủy xã A")).to_be_checked()
    expect(scope).to_contain_text("1 nhiệm vụ từ văn bản này")
    scope.get_by_role("button", name="Lưu phạm vi").click()
    expect(main).to_contain_text("Đã lưu phạm vi.")

    # The commune's report is requested as a reporting round.
    main.locator("#reports").get_by_role(
        "button", name="Yêu cầu các đơn vị trong phạm vi báo cáo"
    ).click()
    expect(main).to_contain_text("Đã yêu cầu các đơn vị trong phạm vi báo cáo.")
    expect(main.get_by_test_id("report-rates")).to_have_text(
        "0/1 đơn vị đã báo cáo, 0 đúng hạn, 0 chung chung."
    )

    # The conference, held today in person and online.
    meeting = main.locator("#meetings")
    meeting.get_by_label("Loại").select_option("conference")
    meeting.get_by_label("Ngày tổ chức").fill(ddmm)
    meeting.get_by_label("Hình thức").select_option("both")
    meeting.get_by_label("Số người dự").fill("180")
    meeting.get_by_label("Số điểm cầu").fill("12")
    meeting.get_by_role("button", name="Ghi nhận hội nghị").click()
    expect(main).to_contain_text("Đã ghi nhận hội nghị.")
    expect(main.locator("#meetings")).to_contain_text("180 người dự, 12 điểm cầu")

    # The Word draft: the Party header and the appendix.
    with page.expect_download() as info:
        main.get_by_role("link", name="Tải dự thảo báo cáo (DOCX)").click()
    path = tmp_path / "draft.docx"
    info.value.save_as(path)
    doc = read_docx(io.BytesIO(path.read_bytes()))
    header = doc.tables[0].rows[0].cells
    assert header[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs)
    page.reload()
    expect(stage_state(page, "draft")).to_have_text("đã hoàn thành")

    # Approval, then the issued report with its signed file.
    main.locator("#approval").get_by_label("Ngày thông qua").fill(ddmm)
    main.get_by_role("button", name="Ghi nhận thông qua").click()
    expect(main).to_contain_text("Đã ghi nhận việc thông qua.")
    issued = main.locator("#issued")
    issued.get_by_label("Số và ký hiệu").fill("95-BC/TU")
    issued.get_by_label("Ngày ký").fill(ddmm)
    issued.get_by_label("Trích yếu").fill("Sơ kết 3 năm thực hiện Nghị quyết số 05-NQ/TU")
    signed = tmp_path / "bao-cao-so-ket.pdf"
    signed.write_bytes(PDF)
    issued.get_by_label("Tệp đã ký (PDF, DOCX)").set_input_files(str(signed))
    issued.get_by_role("button", name="Đăng ký báo cáo đã ban hành").click()
    expect(main).to_contain_text(
        "Đã đăng ký báo cáo và liên kết với văn bản được sơ kết, tổng kết."
    )
    expect(main.locator("#issued").get_by_role("link", name="95-BC/TU")).to_be_visible()
    for key in ("meeting", "approval", "issued"):
        expect(stage_state(page, key)).to_have_text("đã hoàn thành")

    # The reviewed resolution now lists the report that reviews it.
    main.get_by_role("heading", level=1).get_by_role("link", name="05-NQ/TU").click()
    expect(page).to_have_url(re.compile(rf"/van-ban/{resolution.pk}/$"))
    expect(main).to_contain_text("95-BC/TU")
    assert errors == [], errors
