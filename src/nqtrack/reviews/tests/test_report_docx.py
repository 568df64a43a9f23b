"""The draft report in Word: Party format header, the appendix from the data, the same numbers
as the statistics page for the same day, and a file LibreOffice opens."""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings

import openpyxl
import pytest
import time_machine
from django.test import Client
from docx import Document as read_docx
from pypdf import PdfReader

from nqtrack.assignments.models import Task
from nqtrack.reviews.report_docx import review_report_docx
from nqtrack.reviews.tests.helpers import NOW, TODAY, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    w = build_world(tree)
    Task.objects.filter(pk=w.tasks[0].pk).update(completed_on=TODAY.replace(month=5, day=2))
    return w


def docx_of(world) -> bytes:
    return review_report_docx(world.review, world.tree.province_office, today=TODAY)


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_the_header_title_and_sections_follow_the_party_format(world):
    doc = read_docx(io.BytesIO(docx_of(world)))
    header = doc.tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs] == ["TỈNH ỦY A", "*", "Số      -BC/TU"]
    assert header[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert header[1].paragraphs[0].runs[0].underline
    assert header[1].paragraphs[1].text == "A, ngày     tháng     năm 2026"
    text = all_text(doc)
    assert "BÁO CÁO" in text
    assert (
        "Sơ kết 3 năm thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2024 về chuyển đổi số tỉnh A "
        "đến năm 2030" in text
    )
    for heading in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. HẠN CHẾ, KHUYẾT ĐIỂM",
        "III. NGUYÊN NHÂN",
        "IV. BÀI HỌC KINH NGHIỆM",
        "V. NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI",
    ):
        assert heading in text
    assert "số liệu tính đến ngày 22/11/2026" in text
    assert "0/1 đơn vị đã ban hành, 0 đúng hạn." in text  # the programme required of xã B
    assert doc.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)


def test_the_task_appendix_equals_the_statistics_page_for_the_same_day(world):
    doc = read_docx(io.BytesIO(docx_of(world)))
    grid = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == "TT" and "Tổng số" in t.rows[0].cells[2].text
    )
    appendix = [[c.text for c in row.cells][1:] for row in grid.rows[1:]]
    client = Client()
    client.force_login(world.tree.province_office)
    response = client.get(
        f"/thong-ke/?org=A-TU&van-ban={world.resolution.pk}&ngay=22/11/2026&export=units"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    dashboard = [
        [("" if v is None else v) for v in row]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert len(dashboard) == len(appendix) - 1  # the appendix adds a total row
    for mine, theirs in zip(appendix, dashboard, strict=False):
        assert mine[0] == theirs[0]  # unit
        assert [int(x or 0) for x in mine[1:-1]] == [int(x or 0) for x in theirs[1:-1]]
    total = appendix[-1]
    assert total[0] == "Tổng số" and int(total[1]) == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice")
def test_libreoffice_opens_the_draft(world, tmp_path):
    source = tmp_path / "du-thao.docx"
    source.write_bytes(docx_of(world))
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "du-thao.pdf"
    assert pdf.exists(), result.stderr
    pages = PdfReader(pdf).pages
    # The report on portrait pages, then one landscape page per appendix table.
    assert len(pages) >= 5
    assert pages[-1].mediabox.width > pages[-1].mediabox.height
    text = "\n".join(page.extract_text() for page in pages)
    # pypdf splits Vietnamese letters with stacked marks; precomposed ones read back whole.
    assert "BÁO CÁO" in text and "-BC/TU" in text and "năm 2026" in text


def test_without_libreoffice_the_check_says_so():
    if shutil.which("soffice") is None:
        warnings.warn(
            "LibreOffice (soffice) is missing: the Word report was not opened", stacklevel=1
        )
        pytest.skip("LibreOffice missing")


def test_the_draft_page_downloads_the_file_and_marks_the_stage(world):
    client = Client()
    client.force_login(world.tree.province_office)
    response = client.get(f"/so-ket-tong-ket/{world.review.pk}/du-thao.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    world.review.refresh_from_db()
    assert world.review.draft_generated_at is not None
    xlsx = client.get(f"/so-ket-tong-ket/{world.review.pk}/phu-luc/tasks.xlsx")
    assert xlsx.status_code == 200
    outsider = Client()
    outsider.force_login(world.tree.outsider)
    assert outsider.get(f"/so-ket-tong-ket/{world.review.pk}/du-thao.docx").status_code == 404
