"""Paste a conclusion notice, confirm the proposed tasks: the API and the screen."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from nqtrack.assignments.models import Task
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db

NOTICE = """Tại phiên họp ngày 04/3/2025, sau khi nghe Văn phòng Tỉnh ủy báo cáo, Ban Thường vụ
Tỉnh ủy kết luận như sau:
1. Giao Văn phòng Tỉnh ủy A chủ trì, phối hợp với Đảng ủy xã A tham mưu xây dựng đề án
chuyển đổi số trong các cơ quan đảng, hoàn thành trong quý III/2025.
2. Đề nghị Đảng ủy xã A rà soát nhiệm vụ tồn đọng, báo cáo trước ngày 30/6/2025.
"""


@pytest.fixture
def notice(tree):
    return register(
        tree.province_office,
        "15-TB/TU",
        tree.tu,
        D(2025, 3, 10),
        title="kết luận của Ban Thường vụ Tỉnh ủy",
        full_text=NOTICE,
    )


def test_the_api_proposes_tasks_matched_to_known_units_in_document_order(tree, notice):
    client = APIClient()
    client.force_authenticate(tree.province_office)
    response = client.post(
        "/api/v1/tasks/extract", {"text": NOTICE, "reference_date": "2025-03-10"}, format="json"
    )
    assert response.status_code == 200, response.json()
    tasks = response.json()["tasks"]
    assert [(t["lead_code"], t["deadline"]["due_on"]) for t in tasks] == [
        ("A-VPTU", "2025-09-30"),
        ("A-XA", "2025-06-30"),
    ]
    assert tasks[0]["supporting_codes"] == ["A-XA"]
    assert Task.objects.count() == 0  # proposing saves nothing
    assert client.post("/api/v1/tasks/extract/", {"text": NOTICE}, format="json").status_code == 400


def test_the_office_confirms_the_proposals_in_one_screen(tree, notice):
    office = Client()
    office.force_login(tree.province_office)
    url = f"/nhiem-vu/trich-xuat/{notice.pk}/"
    page = office.post(url, {"step": "propose", "text": NOTICE})
    formset = page.context["formset"]
    assert len(formset.forms) == 2
    data = {"step": "confirm", "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2"}
    for i, form in enumerate(formset.forms):
        initial = form.initial
        data |= {
            f"form-{i}-keep": "on",
            f"form-{i}-text": initial["text"],
            f"form-{i}-lead": initial["lead"].pk if initial["lead"] else "",
            f"form-{i}-deadline": initial["deadline"],
            f"form-{i}-product": "",
            f"form-{i}-supporting": [o.pk for o in initial["supporting"]],
        }
    data["form-1-keep"] = ""  # the office drops the second proposal
    response = office.post(url, data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.lead, task.due_on) == (tree.vptu, D(2025, 9, 30))
    assert list(task.supporting.all()) == [tree.xa]


def test_a_kept_proposal_without_a_lead_stops_everything(tree, notice):
    office = Client()
    office.force_login(tree.province_office)
    data = {
        "step": "confirm",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-keep": "on",
        "form-0-text": "Việc một",
        "form-0-lead": tree.xa.pk,
        "form-1-keep": "on",
        "form-1-text": "Việc hai",
        "form-1-lead": "",
        "form-1-lead_as_written": "Sở Du lịch",
    }
    page = office.post(f"/nhiem-vu/trich-xuat/{notice.pk}/", data)
    assert page.status_code == 200 and "Sở Du lịch" in page.content.decode()
    assert Task.objects.count() == 0


def test_an_appendix_table_in_a_word_file_is_read_too(tree, notice):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(
        table.rows[0].cells,
        ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"],
        strict=True,
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells,
        ["1", "Số hóa hồ sơ đảng viên", "Đảng ủy xã A", "Văn phòng Tỉnh ủy A", "Quý IV/2025"],
        strict=True,
    ):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    office = Client()
    office.force_login(tree.province_office)
    page = office.post(
        f"/nhiem-vu/trich-xuat/{notice.pk}/",
        {
            "step": "propose",
            "text": "",
            "file": SimpleUploadedFile("phu-luc.docx", buffer.getvalue()),
        },
    )
    (form,) = page.context["formset"].forms
    assert (form.initial["lead"], form.initial["deadline"]) == (tree.xa, "Quý IV/2025")


def test_a_commune_cannot_extract_tasks_for_the_provinces_notice(tree, notice):
    commune = Client()
    commune.force_login(tree.commune_office)
    assert commune.get(f"/nhiem-vu/trich-xuat/{notice.pk}/").status_code == 403
    outsider = Client()
    outsider.force_login(tree.outsider)
    assert outsider.get(f"/nhiem-vu/trich-xuat/{notice.pk}/").status_code == 404
