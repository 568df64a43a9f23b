"""Evidence files on progress reports: checked, stored with checksum, shown, scoped."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from nqtrack.assignments import services
from nqtrack.assignments.models import Evidence, TaskUpdate
from nqtrack.core.models import AuditEvent
from nqtrack.core.tests import samples
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db

PDF = samples.pdf_bytes()
PNG = samples.png_bytes()


def pdf(name: str = "bien-ban-hop.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def task(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2026, 3, 10))
    return services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Xây dựng đề án chuyển đổi số",
        lead=tree.xa,
        due_on=D(2027, 6, 30),
    )


def test_a_progress_report_keeps_its_files_with_size_and_checksum_and_is_audited(tree, task):
    update = services.task_report_progress(
        by=tree.commune_office,
        task=task,
        note="Đã trình dự thảo đề án",
        files=[pdf(), SimpleUploadedFile("anh-hoi-nghi.png", PNG)],
    )
    files = list(update.evidence.order_by("id"))
    assert [(e.original_name, e.content_type) for e in files] == [
        ("bien-ban-hop.pdf", "application/pdf"),
        ("anh-hoi-nghi.png", "image/png"),
    ]
    assert files[0].size == len(PDF) and files[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert files[0].file.read() == PDF
    event = AuditEvent.objects.get(action="progress", object_id=str(task.pk))
    assert event.changes["evidence"][1] == ["bien-ban-hop.pdf", "anh-hoi-nghi.png"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "virus.exe: tệp minh chứng phải là PDF"),
        (SimpleUploadedFile("gia-mao.pdf", b"<html>x"), "gia-mao.pdf không phải là tệp PDF hợp lệ"),
        (SimpleUploadedFile("rong.pdf", b""), "Tệp không có nội dung"),
    ],
)
def test_one_bad_file_refuses_the_whole_report_and_nothing_is_written(tree, task, upload, message):
    with pytest.raises(ValidationError) as exc:
        services.task_report_progress(
            by=tree.commune_office, task=task, note="Đã làm", files=[pdf(), upload]
        )
    assert message in " ".join(exc.value.messages)
    assert not TaskUpdate.objects.filter(task=task).exists()
    assert not Evidence.objects.exists()


def test_at_most_ten_files_at_a_time(tree, task):
    with pytest.raises(ValidationError, match="tối đa 10 tệp"):
        services.task_report_progress(
            by=tree.commune_office,
            task=task,
            note="Đã làm",
            files=[pdf(f"{n}.pdf") for n in range(11)],
        )
    assert not Evidence.objects.exists()


def test_the_page_uploads_shows_and_serves_evidence_only_to_those_who_see_the_task(
    client, tree, task
):
    client.force_login(tree.commune_office)
    response = client.post(
        f"/nhiem-vu/{task.pk}/progress/",
        {"note": "Đã tổ chức hội nghị", "on": "", "files": [pdf()]},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã lưu" in page and "bien-ban-hop.pdf" in page
    evidence = Evidence.objects.get()
    download = client.get(f"/nhiem-vu/minh-chung/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="bien-ban-hop.pdf"' in download["Content-Disposition"]
    client.force_login(tree.outsider)
    assert client.get(f"/nhiem-vu/minh-chung/{evidence.pk}/").status_code == 404


def test_the_page_says_why_a_file_was_refused_in_vietnamese(client, tree, task):
    client.force_login(tree.commune_office)
    response = client.post(
        f"/nhiem-vu/{task.pk}/progress/",
        {"note": "Đã làm", "files": [SimpleUploadedFile("bang.txt", b"abc")]},
        follow=True,
    )
    assert "bang.txt: tệp minh chứng phải là PDF, Word" in response.content.decode()
    assert not TaskUpdate.objects.exists()


def test_the_api_takes_a_multipart_progress_report_and_lists_the_files(tree, task):
    api = APIClient()
    api.force_authenticate(tree.commune_office)
    response = api.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"note": "Đã gửi báo cáo", "files": [pdf("bao-cao.pdf")]},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    update = response.json()["updates"][-1]
    assert update["note"] == "Đã gửi báo cáo"
    assert update["evidence"][0]["name"] == "bao-cao.pdf"
    assert update["evidence"][0]["url"].endswith(
        f"/nhiem-vu/minh-chung/{Evidence.objects.get().pk}/"
    )
    bad = api.post(
        f"/api/v1/tasks/{task.pk}/progress/",
        {"note": "x", "files": [SimpleUploadedFile("a.exe", b"MZ")]},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()
