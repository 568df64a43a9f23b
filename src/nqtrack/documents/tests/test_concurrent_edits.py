"""Two people editing the same document: the second save never silently overwrites the first."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nqtrack.core.models import AuditEvent
from nqtrack.core.versioning import StaleVersion, version_claim
from nqtrack.documents import services
from nqtrack.documents.models import Document
from nqtrack.testing import register

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def document(tree):
    tree.province_office.full_name = "Nguyễn Thị Hoa"
    tree.province_office.save(update_fields=["full_name"])
    return register(tree.province_office, "05-NQ/TU", tree.tu, D(2025, 2, 6), title="về du lịch")


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_reading_a_document_gives_its_version_as_an_etag(tree, document):
    response = _api(tree.province_admin).get(f"/api/v1/documents/{document.pk}/")
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_the_second_of_two_api_edits_from_the_same_version_is_refused_with_412(tree, document):
    url = f"/api/v1/documents/{document.pk}/"
    hoa, admin = _api(tree.province_office), _api(tree.province_admin)
    etag = hoa.get(url)["ETag"]
    assert admin.get(url)["ETag"] == etag

    first = hoa.patch(url, {"title": "về du lịch xanh"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] == '"2"'

    second = admin.patch(url, {"title": "về du lịch cộng đồng"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    detail = second.json()["detail"]
    assert detail.startswith("Bản ghi đã được Nguyễn Thị Hoa sửa lúc ")
    assert detail.endswith("hãy tải lại rồi sửa lại.")
    assert second["ETag"] == '"2"'
    document.refresh_from_db()
    assert (document.title, document.version) == ("về du lịch xanh", 2)
    updates = AuditEvent.objects.filter(object_id=str(document.pk), action="update")
    assert [e.actor for e in updates] == [tree.province_office]

    # With the fresh ETag the administrator's edit goes through.
    again = admin.patch(url, {"title": "về du lịch cộng đồng"}, format="json", HTTP_IF_MATCH='"2"')
    assert again.status_code == 200 and again["ETag"] == '"3"'


def test_an_api_edit_without_if_match_still_applies_and_moves_the_version_on(tree, document):
    response = _api(tree.province_admin).patch(
        f"/api/v1/documents/{document.pk}/", {"title": "về du lịch bền vững"}, format="json"
    )
    assert response.status_code == 200 and response["ETag"] == '"2"'


def test_a_stale_edit_form_shows_who_changed_the_document_and_writes_nothing(tree, document):
    url = f"/van-ban/{document.pk}/sua/"
    admin = Client()
    admin.force_login(tree.province_admin)
    form_page = admin.get(url).content.decode()
    assert 'name="version" value="1"' in form_page

    services.document_update(
        by=tree.province_office, document=document, title="về du lịch xanh", expected_version=1
    )
    response = admin.post(
        url,
        {
            "symbol": "05-NQ/TU",
            "issuer": tree.tu.pk,
            "signed_on": "06/02/2025",
            "title": "về du lịch cộng đồng",
            "security_level": "normal",
            "urgency": "normal",
            "version": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bản ghi đã được Nguyễn Thị Hoa sửa lúc" in page
    assert "về du lịch cộng đồng" in page  # the user's text is kept in the form
    document.refresh_from_db()
    assert document.title == "về du lịch xanh"


def test_every_change_of_status_moves_the_version_on(tree, document):
    newer = register(tree.province_office, "09-NQ/TU", tree.tu, D(2025, 6, 1))
    services.document_relate(
        by=tree.province_office, source=newer, kind="supersedes", target=document
    )
    document.refresh_from_db()
    assert (document.status, document.version) == ("superseded", 2)
    with pytest.raises(StaleVersion):
        services.document_update(
            by=tree.province_office, document=document, title="x", expected_version=1
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks: SQLite lets one writer in at a time, so there is no race to lose",
)
def test_two_saves_racing_from_the_same_version_cannot_both_pass(tree, document):
    """A holds the row (its UPDATE ... WHERE version = 1 is done, not committed); B's identical
    UPDATE waits for A's lock, then finds version 2 and is refused."""
    claimed, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def saver_a() -> None:
        try:
            with transaction.atomic():
                version_claim(Document.objects.get(pk=document.pk), 1)
                claimed.set()
                release.wait()
        finally:
            connections.close_all()

    def saver_b() -> None:
        try:
            with transaction.atomic():
                version_claim(Document.objects.get(pk=document.pk), 1)
            outcome["b"] = "saved"
        except StaleVersion:
            outcome["b"] = "stale"
        finally:
            connections.close_all()

    a = threading.Thread(target=saver_a)
    a.start()
    claimed.wait()
    b = threading.Thread(target=saver_b)
    b.start()
    with connection.cursor() as cursor:  # until B is blocked on A's row lock
        waiting = 0
        while waiting == 0 and b.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            waiting = cursor.fetchone()[0]
    release.set()
    a.join()
    b.join()
    assert outcome == {"b": "stale"}
    document.refresh_from_db()
    assert document.version == 2


def test_the_schema_declares_if_match_the_etag_and_the_412(tree):
    client = _api(tree.province_office)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, method in [
        ("/api/v1/documents/{id}/", "put"),
        ("/api/v1/documents/{id}/", "patch"),
        ("/api/v1/tasks/{id}/complete/", "post"),
        ("/api/v1/tasks/{id}/progress/", "post"),
    ]:
        operation = schema["paths"][path][method]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert "If-Match" in headers, (path, method)
        assert "412" in operation["responses"], (path, method)
        assert "ETag" in operation["responses"]["200"]["headers"], (path, method)
    assert (
        "ETag" in schema["paths"]["/api/v1/documents/{id}/"]["get"]["responses"]["200"]["headers"]
    )
