"""Who sees which document: subtree, ancestors' registries and clearance, on every URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from nqtrack.core.tests import samples
from nqtrack.documents import selectors, services
from nqtrack.organizations.models import Role
from nqtrack.testing import UserFactory, register

D = dt.date
pytestmark = pytest.mark.django_db

PDF = samples.pdf_bytes()


@pytest.fixture
def docs(tree):
    province = register(
        tree.province_office,
        "10-NQ/TU",
        tree.tu,
        D(2023, 2, 6),
        title="về phát triển nông nghiệp hữu cơ",
    )
    secret = register(
        tree.province_office,
        "07-CT/TU",
        tree.tu,
        D(2023, 3, 1),
        title="về bảo vệ bí mật nhà nước",
        security_level="confidential",
    )
    commune = register(
        tree.commune_office, "08-NQ/ĐU", tree.xa, D(2024, 4, 1), title="về xây dựng nông thôn mới"
    )
    central = register(
        tree.province_office,
        "05-CT/TW",
        tree.tw,
        D(2016, 5, 15),
        title="về học tập và làm theo tư tưởng Hồ Chí Minh",
    )
    other = register(
        tree.outsider, "06-KH/TU", tree.tu2, D(2024, 5, 1), title="về kế hoạch của tỉnh B"
    )
    attachment = services.attachment_add(
        by=tree.province_office,
        document=province,
        upload=SimpleUploadedFile("nq10.pdf", PDF, content_type="application/pdf"),
    )
    return {
        "province": province,
        "secret": secret,
        "commune": commune,
        "central": central,
        "other": other,
        "attachment": attachment,
    }


def symbols(qs) -> set[str]:
    return {d.symbol for d in qs}


def test_a_commune_sees_its_own_and_its_ancestors_documents_only(tree, docs):
    assert symbols(selectors.documents_visible_to(tree.commune_office)) == {
        "10-NQ/TU",
        "08-NQ/ĐU",
        "05-CT/TW",
    }


def test_the_province_sees_its_subtree_and_its_clearance(tree, docs):
    assert symbols(selectors.documents_visible_to(tree.province_office)) == {
        "10-NQ/TU",
        "07-CT/TU",
        "08-NQ/ĐU",
        "05-CT/TW",
    }
    assert symbols(selectors.documents_visible_to(tree.province_viewer)) == {
        "10-NQ/TU",
        "08-NQ/ĐU",
        "05-CT/TW",
    }


def test_a_user_of_another_province_sees_only_central_and_own_documents(tree, docs):
    assert symbols(selectors.documents_visible_to(tree.outsider)) == {"06-KH/TU"}


def test_hidden_documents_stay_out_of_search_counts_and_calendars(tree, docs):
    viewer = tree.province_viewer
    found = selectors.document_search(selectors.documents_visible_to(viewer), "bi mat")
    assert found.count() == 0
    calendar = selectors.review_calendar(viewer, start=D(2020, 1, 1), end=D(2035, 1, 1))
    assert "07-CT/TU" not in {m.document.symbol for m in calendar}
    calendar = selectors.review_calendar(
        tree.province_office, start=D(2020, 1, 1), end=D(2035, 1, 1)
    )
    assert "07-CT/TU" in {m.document.symbol for m in calendar}


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def document_urls(doc_id: int, attachment_id: int) -> list[tuple[str, str]]:
    return [
        ("get", f"/van-ban/{doc_id}/"),
        ("get", f"/van-ban/{doc_id}/sua/"),
        ("get", f"/van-ban/{doc_id}/xoa/"),
        ("post", f"/van-ban/{doc_id}/xoa/"),
        ("post", f"/van-ban/{doc_id}/lien-ket/"),
        ("post", f"/van-ban/{doc_id}/tep/"),
        ("get", f"/van-ban/tep/{attachment_id}/"),
        ("get", f"/api/v1/documents/{doc_id}/"),
        ("patch", f"/api/v1/documents/{doc_id}/"),
        ("put", f"/api/v1/documents/{doc_id}/"),
        ("delete", f"/api/v1/documents/{doc_id}/"),
    ]


@pytest.mark.parametrize("index", range(11))
def test_every_document_url_answers_404_to_a_user_of_another_subtree(tree, docs, index):
    method, url = document_urls(docs["province"].pk, docs["attachment"].pk)[index]
    client = api(tree.outsider) if url.startswith("/api/") else web(tree.outsider)
    response = (
        getattr(client, method)(url, {}, format="json")
        if url.startswith("/api/")
        else getattr(client, method)(url)
    )
    assert response.status_code == 404
    assert "10-NQ/TU" not in response.content.decode()


@pytest.mark.parametrize("index", range(11))
def test_every_document_url_answers_404_to_a_user_below_the_clearance(tree, docs, index):
    secret = docs["secret"]
    attachment = services.attachment_add(
        by=tree.province_office,
        document=secret,
        upload=SimpleUploadedFile("ct07.pdf", PDF, content_type="application/pdf"),
    )
    method, url = document_urls(secret.pk, attachment.pk)[index]
    # An office user at "thường": a write reaches the view, which finds nothing.
    office = UserFactory(organization=tree.tu, role=Role.OFFICE)
    client = api(office) if url.startswith("/api/") else web(office)
    response = (
        getattr(client, method)(url, {}, format="json")
        if url.startswith("/api/")
        else getattr(client, method)(url)
    )
    assert response.status_code == 404
    # A viewer may write nothing at all: the same 403 for this document as for one that
    # does not exist, so the refusal says nothing of it.
    if method != "get":
        viewer = tree.province_viewer
        missing = url.replace(str(secret.pk), "987654")
        answers = []
        for target in (url, missing):
            client = api(viewer) if target.startswith("/api/") else web(viewer)
            sent = (
                getattr(client, method)(target, {}, format="json")
                if target.startswith("/api/")
                else getattr(client, method)(target)
            )
            answers.append((sent.status_code, "07-CT/TU" in sent.content.decode()))
        assert answers == [(403, False), (403, False)]


def test_lists_search_and_exports_leave_out_what_the_user_may_not_see(tree, docs):
    client = web(tree.province_viewer)
    page = client.get("/van-ban/").content.decode()
    assert "10-NQ/TU" in page and "07-CT/TU" not in page
    assert "07-CT/TU" not in client.get("/van-ban/?q=bi+mat").content.decode()
    export = client.get("/van-ban/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"07-CT/TU" not in export.content  # xlsx shared strings are plain XML in the zip
    body = api(tree.outsider).get("/api/v1/documents/").json()
    assert [d["symbol"] for d in body["results"]] == ["06-KH/TU"]
    assert body["count"] == 1
    home = web(tree.outsider).get("/").content.decode()
    assert "10-NQ/TU" not in home


def test_a_commune_cannot_change_a_provincial_document_it_can_read(tree, docs):
    client = web(tree.commune_office)
    assert client.get(f"/van-ban/{docs['province'].pk}/").status_code == 200
    assert client.get(f"/van-ban/{docs['province'].pk}/sua/").status_code == 403
    response = api(tree.commune_office).patch(
        f"/api/v1/documents/{docs['province'].pk}/", {"title": "về đổi tên"}, format="json"
    )
    assert response.status_code == 403
    docs["province"].refresh_from_db()
    assert docs["province"].title == "về phát triển nông nghiệp hữu cơ"


def test_the_calendar_feed_needs_its_secret_and_shows_only_the_owners_scope(tree, docs):
    client = web(tree.province_viewer)
    page = client.get("/van-ban/lich-so-ket-tong-ket/").content.decode()
    tree.province_viewer.refresh_from_db()
    token = tree.province_viewer.calendar_token
    assert token and token in page
    feed = Client().get(f"/van-ban/lich-so-ket-tong-ket/{token}.ics")
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "BEGIN:VCALENDAR" in body and "10-NQ/TU" in body
    assert "07-CT/TU" not in body and "06-KH/TU" not in body
    assert Client().get("/van-ban/lich-so-ket-tong-ket/" + "x" * 32 + ".ics").status_code == 404


def test_pages_need_a_login(db):
    assert Client().get("/van-ban/").status_code == 302
    assert APIClient().get("/api/v1/documents/").status_code == 401
