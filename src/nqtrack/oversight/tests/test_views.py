"""The oversight pages as the province office, a target commune, a viewer and an outsider
see them (Django's test client, Vietnamese text)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nqtrack.assignments.models import Task
from nqtrack.core.tests import samples
from nqtrack.oversight.models import Finding, OversightRound, RemediationItem
from nqtrack.oversight.tests.helpers import NOW, build_world, conclude

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seen(response) -> str:
    """The page's text as a user reads it: no tags, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def detail_url(world) -> str:
    return f"/giam-sat/{world.round.pk}/"


def test_the_list_shows_the_rounds_in_vietnamese_with_filters_and_export(world):
    office = client_for(world.tree.province_office)
    response = office.get("/giam-sat/")
    text = seen(response)
    assert response.status_code == 200
    assert "Giám sát, kiểm tra" in text  # the menu link and the heading
    assert 'href="/giam-sat/" class="active"' in response.content.decode()
    assert "Giám sát chuyên đề việc thực hiện Nghị quyết 10 và Chỉ thị 05" in text
    assert "Ủy ban Kiểm tra Tỉnh ủy A" in text
    assert "01/06/2026 – 31/07/2026" in text
    assert "đang tiến hành" in text
    assert "1 đợt giám sát, kiểm tra" in text
    assert "Chưa có đợt" in seen(office.get("/giam-sat/?kind=inspection"))
    assert "Chưa có đợt" in seen(office.get("/giam-sat/?status=closed"))
    assert "Chưa có đợt" in seen(office.get("/giam-sat/?target=A-CB1"))
    assert "Chưa có đợt" not in seen(office.get("/giam-sat/?document=10-nq/tu"))
    export = office.get("/giam-sat/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đợt giám sát, kiểm tra"
    assert rows[1][4] == "10-NQ/TU, 05-CT/TU" or rows[1][4] == "05-CT/TU, 10-NQ/TU"
    assert rows[1][6] == "đang tiến hành"
    outsider = client_for(world.tree.outsider)
    assert "Chưa có đợt giám sát, kiểm tra nào." in seen(outsider.get("/giam-sat/"))


def test_the_office_creates_a_round_through_the_form(world):
    office = client_for(world.tree.province_office)
    page = office.get("/giam-sat/tao/")
    assert page.status_code == 200
    assert "Đợt giám sát, kiểm tra mới" in seen(page)
    form = {
        "kind": "inspection",
        "title": "Kiểm tra việc thực hiện Nghị quyết 10",
        "conductor": "A-UBKT",
        "period_start": "01/10/2026",
        "period_end": "31/10/2026",
        "remediation_due_on": "15/12/2026",
        "documents": [str(world.resolution.pk)],
        "targets": ["A-XB"],
        "team-TOTAL_FORMS": "3",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "Phạm Văn Đức",
        "team-0-post": "Ủy viên UBKT",
        "team-0-role": "leader",
        "team-1-role": "member",
        "team-2-role": "member",
    }
    bad = office.post("/giam-sat/tao/", {**form, "period_end": "01/09/2026"})
    assert bad.status_code == 400
    assert "Ngày kết thúc kỳ không thể trước ngày bắt đầu." in seen(bad)
    assert OversightRound.objects.count() == 1
    response = office.post("/giam-sat/tao/", form, follow=True)
    rnd = OversightRound.objects.latest("id")
    assert response.redirect_chain[-1][0] == f"/giam-sat/{rnd.pk}/"
    text = seen(response)
    assert "Đã tạo đợt giám sát, kiểm tra “Kiểm tra việc thực hiện Nghị quyết 10”." in text
    assert "Phạm Văn Đức" in text and "trưởng đoàn" in text
    assert "chưa bắt đầu" in text
    assert [m.name for m in rnd.team.all()] == ["Phạm Văn Đức"]


def test_the_edit_form_is_prefilled_and_saves(world):
    office = client_for(world.tree.province_office)
    page = office.get(f"{detail_url(world)}sua/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="01/06/2026"' in html and "Nguyễn Văn An" in html
    form = {
        "kind": "supervision",
        "title": "Giám sát lồng ghép",
        "conductor": "A-UBKT",
        "period_start": "01/06/2026",
        "period_end": "31/07/2026",
        "documents": [str(world.resolution.pk)],
        "targets": ["A-XA", "A-XB"],
        "team-TOTAL_FORMS": "1",
        "team-INITIAL_FORMS": "0",
        "team-0-name": "Nguyễn Văn An",
        "team-0-role": "leader",
    }
    response = office.post(f"{detail_url(world)}sua/", form, follow=True)
    assert "Đã lưu đợt giám sát, kiểm tra “Giám sát lồng ghép”." in seen(response)
    assert list(OversightRound.objects.get(pk=world.round.pk).documents.all()) == [world.resolution]


def test_from_findings_to_a_closed_round_on_the_detail_page(world):
    office = client_for(world.tree.province_office)
    url = detail_url(world)
    page = seen(office.get(url))
    assert "Hãy gắn thông báo kết luận để giao nhiệm vụ khắc phục." in page
    assert "Chưa gắn thông báo kết luận." in page  # what blocks closing
    response = office.post(
        f"{url}don-vi/A-XA/phat-hien/",
        {
            "f-A-XA-kind": "shortcoming",
            "f-A-XA-text": "Chưa ban hành kế hoạch",
            "f-A-XA-document": "",
        },
        follow=True,
    )
    assert "Đã ghi kết quả tại Đảng ủy xã A." in seen(response)
    empty = office.post(f"{url}don-vi/A-XA/phat-hien/", {"f-A-XA-kind": "strength"})
    assert empty.status_code == 400
    assert Finding.objects.count() == 1

    response = office.post(f"{url}ket-luan/", {"conclusion": world.notice.pk}, follow=True)
    text = seen(response)
    assert "Đã gắn thông báo kết luận cho đợt." in text and "30-TB/TU" in text
    assert "chờ khắc phục" in text

    finding = Finding.objects.get()
    response = office.post(
        f"{url}don-vi/A-XA/khac-phuc/",
        {
            "r-A-XA-items": "Ban hành kế hoạch chuyển đổi số | trong quý IV/2026\n"
            "Kiểm điểm tập thể",
            "r-A-XA-finding": finding.pk,
        },
        follow=True,
    )
    assert "Đã giao 2 nhiệm vụ khắc phục cho Đảng ủy xã A." in seen(response)
    tasks = list(Task.objects.order_by("id"))
    assert [t.lead.code for t in tasks] == ["A-XA", "A-XA"]
    assert tasks[0].deadline_label and tasks[0].source_document == world.notice

    first, second = RemediationItem.objects.order_by("id")
    close = office.post(f"{url}ket-thuc/", follow=True)
    assert "Chưa thể kết thúc đợt:" in seen(close)
    assert "chưa được xác nhận" in seen(close)
    assert "data-confirm=" in close.content.decode()  # asked by site.js

    pdf = SimpleUploadedFile("bien-ban.pdf", samples.pdf_bytes(), content_type="application/pdf")
    response = office.post(
        f"{url}khac-phuc/{first.pk}/xac-nhan/",
        {
            f"item-{first.pk}-verdict": "done",
            f"item-{first.pk}-comment": "Đã ban hành",
            f"item-{first.pk}-evidence": "",
            f"item-{first.pk}-files": [pdf],
        },
        follow=True,
    )
    text = seen(response)
    assert "Đã ghi nhận kết quả xác nhận." in text
    assert "xác nhận đã khắc phục" in text and "bien-ban.pdf" in text
    assert "hoàn thành đúng hạn" in text or "đúng hạn" in text
    refused = office.post(
        f"{url}khac-phuc/{second.pk}/xac-nhan/", {f"item-{second.pk}-verdict": "carried_over"}
    )
    assert refused.status_code == 400
    assert "Hãy nêu lý do chuyển tiếp." in seen(refused)
    office.post(
        f"{url}khac-phuc/{second.pk}/xac-nhan/",
        {f"item-{second.pk}-verdict": "carried_over", f"item-{second.pk}-comment": "Năm 2027"},
    )
    closed = office.post(f"{url}ket-thuc/", follow=True)
    text = seen(closed)
    assert "Đã kết thúc đợt." in text and "đã kết thúc" in text
    assert "Lý do mở lại" in text
    reopened = office.post(f"{url}mo-lai/", {"reason": "Bổ sung"}, follow=True)
    assert "Đã mở lại đợt." in seen(reopened)


def test_a_target_reads_its_own_part_and_a_viewer_reads_without_forms(world):
    conclude(world)
    commune = seen(client_for(world.tree.commune_office).get(detail_url(world)))
    assert "Chưa xây dựng kế hoạch chuyển đổi số" in commune
    assert "Quán triệt kịp thời" not in commune  # A-XB's finding
    assert "Thêm kết quả" not in commune and "Kết thúc đợt" not in commune
    viewer_client = client_for(world.tree.province_viewer)
    viewer = seen(viewer_client.get(detail_url(world)))
    assert "Quán triệt kịp thời" in viewer and "Thêm kết quả" not in viewer
    for path, data in [
        ("sua/", {}),
        ("ket-luan/", {"conclusion": world.notice.pk}),
        ("don-vi/A-XA/phat-hien/", {"f-A-XA-kind": "strength", "f-A-XA-text": "x"}),
        ("ket-thuc/", {}),
    ]:
        assert viewer_client.post(f"{detail_url(world)}{path}", data).status_code == 403
    assert client_for(world.tree.province_viewer).get("/giam-sat/tao/").status_code == 403


def test_other_organizations_get_404_on_every_page(world):
    conclude(world)
    outsider = client_for(world.tree.outsider)
    url = detail_url(world)
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{url}sua/").status_code == 404
    for path in [
        "ket-luan/",
        "don-vi/A-XA/phat-hien/",
        "don-vi/A-XA/khac-phuc/",
        "ket-thuc/",
        "mo-lai/",
        "khac-phuc/1/xac-nhan/",
    ]:
        assert outsider.post(f"{url}{path}", {}).status_code == 404, path
    assert Client().get(url).status_code == 302  # to the login page


def test_the_list_page_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    office = client_for(world.tree.province_office)
    office.get("/giam-sat/")  # warm the session and the user
    for n in range(3):
        OversightRound.objects.create(
            kind="inspection",
            title=f"Kiểm tra {n}",
            conductor=world.ubkt,
            period_start=world.round.period_start,
            period_end=world.round.period_end,
        ).documents.set([world.resolution])
    with django_assert_num_queries(8):
        office.get("/giam-sat/")
