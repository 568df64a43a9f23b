"""Evidence files in a unit's self-review report: stored on the task, kept on resubmission."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nqtrack.assignments.models import Evidence
from nqtrack.core.tests import samples
from nqtrack.reporting import services
from nqtrack.reporting.models import Submission
from nqtrack.reporting.tests.helpers import BEFORE_DUE, build_world

pytestmark = pytest.mark.django_db
PDF = samples.pdf_bytes()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def test_files_sent_with_an_answer_stay_with_it_and_with_the_task_across_resubmission(world):
    reporter = world.reporters["A-XA"]
    first, second = world.tasks["A-XA"]
    services.submission_submit(
        by=reporter,
        round=world.round,
        organization=world.tree.xa,
        items=[
            services.Answer(first, "done", "Đã ban hành kế hoạch", files=[pdf("ke-hoach.pdf")]),
            services.Answer(second, "in_progress", "Đang triển khai"),
        ],
    )
    report = Submission.objects.get()
    item = report.items.get(task=first)
    assert [f.original_name for f in item.files.all()] == ["ke-hoach.pdf"]
    assert Evidence.objects.get().task == first
    # Resubmitting without re-uploading keeps the file; a new one is added.
    services.submission_submit(
        by=reporter,
        round=world.round,
        organization=world.tree.xa,
        items=[
            services.Answer(first, "done", "Đã ban hành kế hoạch số 12"),
            services.Answer(second, "done", "Đã xong", files=[pdf("bien-ban.pdf")]),
        ],
    )
    files = {i.task_id: [f.original_name for f in i.files.all()] for i in report.items.all()}
    assert files == {first.pk: ["ke-hoach.pdf"], second.pk: ["bien-ban.pdf"]}
    assert report.events.last().items[1]["files"] == ["bien-ban.pdf"]


def test_a_bad_file_refuses_the_report_and_names_the_task(world):
    first, second = world.tasks["A-XA"]
    with pytest.raises(ValidationError) as exc:
        services.submission_submit(
            by=world.reporters["A-XA"],
            round=world.round,
            organization=world.tree.xa,
            items=[
                services.Answer(first, "done", "Xong", files=[pdf("a.pdf")]),
                services.Answer(second, "done", "Xong", files=[SimpleUploadedFile("b.zip", b"PK")]),
            ],
        )
    assert f"Nhiệm vụ {second.pk}: b.zip: tệp minh chứng phải là PDF" in " ".join(
        exc.value.messages
    )
    assert not Submission.objects.exists() and not Evidence.objects.exists()


def test_the_unit_uploads_on_the_submit_page_and_the_office_downloads_from_the_report(world):
    first, second = world.tasks["A-XA"]
    reporter = Client()
    reporter.force_login(world.reporters["A-XA"])
    url = f"/bao-cao/{world.round.pk}/"
    response = reporter.post(
        url + "nop/",
        {
            f"status_{first.pk}": "done",
            f"narrative_{first.pk}": "Đã tổ chức hội nghị",
            f"evidence_{first.pk}": "Biên bản hội nghị",
            f"files_{first.pk}": [pdf("bien-ban-hoi-nghi.pdf")],
            f"status_{second.pk}": "in_progress",
            f"narrative_{second.pk}": "Đang làm",
            f"evidence_{second.pk}": "",
        },
    )
    assert response.status_code == 302
    office = Client()
    office.force_login(world.tree.province_office)
    page = office.get(url + "don-vi/A-XA/").content.decode()
    assert "bien-ban-hoi-nghi.pdf" in page
    evidence = Evidence.objects.get()
    assert f"/nhiem-vu/minh-chung/{evidence.pk}/" in page
    assert office.get(f"/nhiem-vu/minh-chung/{evidence.pk}/").status_code == 200
    # The form shows the kept file when the unit opens it again.
    assert "bien-ban-hoi-nghi.pdf" in reporter.get(url + "nop/").content.decode()
    # The task's own page lists what came with the report.
    task_page = office.get(f"/nhiem-vu/{first.pk}/").content.decode()
    assert "Minh chứng gửi kèm báo cáo tự rà soát" in task_page
    assert "bien-ban-hoi-nghi.pdf" in task_page
