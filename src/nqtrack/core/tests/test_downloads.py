"""Downloads are attachments under a safe name, typed and not sniffed, or handed to nginx;
uploads refused by content leave nothing behind; XLSX exports never write a formula."""

from __future__ import annotations

import datetime as dt
import io
import os
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from nqtrack.assignments import services as task_services
from nqtrack.assignments.models import Evidence, TaskUpdate
from nqtrack.core.downloads import ascii_fallback, content_disposition
from nqtrack.core.exports import xlsx_bytes
from nqtrack.core.tests import samples
from nqtrack.documents import services
from nqtrack.documents.models import Attachment
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(tree):
    document = register(tree.province_office, "10-NQ/TU", tree.tu, D(2024, 3, 1))
    return services.attachment_add(
        by=tree.province_office,
        document=document,
        upload=samples.upload("../Nghị quyết \u202e10.PDF", samples.pdf_bytes(), "text/html"),
    )


def _files_on_disk() -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(settings.MEDIA_ROOT) for f in files]


def test_an_attachment_downloads_as_a_typed_unsniffed_attachment_under_its_safe_name(
    client, tree, attachment
):
    assert attachment.original_name == "Nghị quyết 10.pdf"
    assert attachment.content_type == "application/pdf"  # read from the bytes, not the browser
    client.force_login(tree.commune_office)
    response = client.get(f"/van-ban/tep/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Nghi quyet 10.pdf\"; filename*=UTF-8''"
        + quote("Nghị quyết 10.pdf", safe="")
    )
    client.force_login(tree.outsider)
    assert client.get(f"/van-ban/tep/{attachment.pk}/").status_code == 404


def test_with_x_accel_redirect_nginx_sends_the_bytes_after_the_permission_check(
    client, tree, attachment, settings
):
    settings.NQTRACK_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(tree.commune_office)
    response = client.get(f"/van-ban/tep/{attachment.pk}/")
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(attachment.file.name)
    assert response["X-Accel-Redirect"].startswith("/protected-media/attachments/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Nghi quyet 10.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(tree.outsider)
    refused = client.get(f"/van-ban/tep/{attachment.pk}/")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


def test_evidence_downloads_go_through_the_same_helper(client, tree, settings):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2026, 3, 10))
    task = task_services.task_create(
        by=tree.province_office, source_document=notice, text="Đề án", lead=tree.xa
    )
    task_services.task_report_progress(
        by=tree.commune_office,
        task=task,
        note="Đã làm",
        files=[samples.upload("bảng.xlsx", samples.xlsx_bytes())],
    )
    evidence = Evidence.objects.get()
    client.force_login(tree.commune_office)
    response = client.get(f"/nhiem-vu/minh-chung/{evidence.pk}/")
    assert response["Content-Type"] == evidence.content_type
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''b%E1%BA%A3ng.xlsx" in response["Content-Disposition"]
    settings.NQTRACK_X_ACCEL_REDIRECT = "/protected-media/"
    accel = client.get(f"/nhiem-vu/minh-chung/{evidence.pk}/")
    assert accel["X-Accel-Redirect"].startswith("/protected-media/evidence/")


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("polyglot.pdf", samples.pdf_html_polyglot),
        ("bomb.docx", samples.zip_bomb),
        ("setup.pdf", lambda: samples.EXE),
    ],
)
def test_a_refused_file_writes_no_row_and_no_file(tree, name, build):
    document = register(tree.province_office, "11-NQ/TU", tree.tu, D(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.attachment_add(
            by=tree.province_office, document=document, upload=samples.upload(name, build())
        )
    notice = register(tree.province_office, "16-TB/TU", tree.tu, D(2026, 3, 10))
    task = task_services.task_create(
        by=tree.province_office, source_document=notice, text="Đề án", lead=tree.xa
    )
    with pytest.raises(ValidationError):
        task_services.task_report_progress(
            by=tree.commune_office,
            task=task,
            note="Đã làm",
            files=[samples.upload("ok.pdf", samples.pdf_bytes()), samples.upload(name, build())],
        )
    assert not Attachment.objects.exists() and not Evidence.objects.exists()
    assert not TaskUpdate.objects.filter(event="progress").exists()
    assert _files_on_disk() == []


def test_the_page_shows_the_refusal_in_vietnamese_and_the_api_answers_400(client, tree):
    document = register(tree.province_office, "12-NQ/TU", tree.tu, D(2024, 3, 1))
    client.force_login(tree.province_office)
    page = client.post(
        f"/van-ban/{document.pk}/tep/",
        {"file": samples.upload("polyglot.pdf", samples.pdf_html_polyglot())},
        follow=True,
    )
    assert "chứa mã trang web" in page.content.decode()
    notice = register(tree.province_office, "17-TB/TU", tree.tu, D(2026, 3, 10))
    task = task_services.task_create(
        by=tree.province_office, source_document=notice, text="Đề án", lead=tree.xa
    )
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(tree.commune_office)
    bad = api.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"note": "x", "files": [samples.upload("bomb.docx", samples.zip_bomb())]},
        format="multipart",
    )
    assert bad.status_code == 400
    assert "giải nén ra quá nhiều dữ liệu" in str(bad.json())
    assert _files_on_disk() == []


def test_every_page_says_nosniff(client, tree):
    client.force_login(tree.province_office)
    assert client.get("/").headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/documents/").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Nghị quyết 57.pdf", "Nghi quyet 57.pdf"),
        ("Đảng ủy.docx", "Dang uy.docx"),
        ('a"b\\c.xlsx', "a_b_c.xlsx"),
        ("báo cáo 中文.pdf", "bao cao __.pdf"),
    ],
)
def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name(name, fallback):
    assert ascii_fallback(name) == fallback
    assert content_disposition(name) == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tx", '\r=HYPERLINK("http://x")']


def test_xlsx_exports_keep_formula_like_text_as_text_and_numbers_as_numbers():
    rows = [[text, 42, 1.5, D(2026, 12, 3), "bình thường"] for text in FORMULAS]
    data = xlsx_bytes("Danh sách", ["=Tiêu đề", "Số", "Tỉ lệ", "Ngày", "Ghi chú"], rows)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "=Tiêu đề" and sheet["A1"].data_type == "s"
    for line, text in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row=line, column=1)
        assert cell.value == text and cell.data_type == "s"
        assert cell.quotePrefix
        assert sheet.cell(row=line, column=2).value == 42
        assert sheet.cell(row=line, column=2).data_type == "n"
        assert sheet.cell(row=line, column=3).value == 1.5
        assert sheet.cell(row=line, column=4).value.date() == D(2026, 12, 3)
        assert sheet.cell(row=line, column=4).is_date
        assert not sheet.cell(row=line, column=5).quotePrefix


def test_an_export_view_sends_its_xlsx_through_the_download_helper(client, tree):
    register(tree.province_office, "13-NQ/TU", tree.tu, D(2024, 3, 1), title="=HYPERLINK(1)")
    client.force_login(tree.province_office)
    response = client.get("/van-ban/?export=xlsx")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert titles and all(c.data_type == "s" for c in titles)


def test_a_study_material_file_is_checked_and_served_only_to_those_who_see_the_plan(client, tree):
    from nqtrack.dissemination import services as study_services

    document = register(tree.province_office, "14-NQ/TU", tree.tu, D(2024, 3, 1))
    plan = study_services.study_plan_create(
        by=tree.province_office,
        document=document,
        owner=tree.tu,
        kind="in_depth",
        due_on=D(2025, 3, 1),
    )
    with pytest.raises(ValidationError):
        study_services.study_material_add(
            by=tree.province_office,
            plan=plan,
            title="Đề cương",
            file=samples.upload("de-cuong.docx", samples.zip_bomb()),
        )
    material = study_services.study_material_add(
        by=tree.province_office,
        plan=plan,
        title="Đề cương",
        file=samples.upload("Đề cương.DOCX", samples.docx_bytes()),
    )
    assert material.original_name == "Đề cương.docx"
    client.force_login(tree.province_office)
    url = f"/hoc-tap/ke-hoach/{plan.pk}/tai-lieu/{material.pk}/"
    assert url in client.get(f"/hoc-tap/ke-hoach/{plan.pk}/").content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" + quote("Đề cương.docx", safe="") in response["Content-Disposition"]
    client.force_login(tree.outsider)
    assert client.get(url).status_code == 404


def test_the_task_extraction_page_refuses_a_zip_bomb_before_python_docx_opens_it(client, tree):
    notice = register(tree.province_office, "18-TB/TU", tree.tu, D(2026, 3, 10))
    client.force_login(tree.province_office)
    page = client.post(
        f"/nhiem-vu/trich-xuat/{notice.pk}/",
        {"step": "propose", "text": "", "file": samples.upload("phu-luc.docx", samples.zip_bomb())},
    )
    assert page.status_code == 200
    assert "giải nén ra quá nhiều dữ liệu" in page.content.decode()
