"""The external contract of /api/v1/documents/, review-rules/ and documents/parse."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nqtrack.core.models import AuditEvent
from nqtrack.documents.models import Document
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def client(tree) -> APIClient:
    c = APIClient()
    c.force_authenticate(tree.province_office)
    return c


def test_registering_through_the_api_returns_the_derived_fields_and_schedule(client):
    response = client.post(
        "/api/v1/documents/",
        {
            "symbol": "Số 5-NQ/TU",
            "issuer": "A-TU",
            "signed_on": "2024-02-29",
            "title": "về phát triển du lịch",
            "fields": ["kinh-te"],
            "type_name": "Nghị quyết",
            "review_overrides": [{"kind": "interim", "sequence": 2, "due_on": "2028-06-30"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {
        k: body[k]
        for k in (
            "symbol",
            "number",
            "doc_type",
            "issuer",
            "owner",
            "status",
            "security_level",
            "fields",
            "signed_on",
        )
    } == {
        "symbol": "05-NQ/TU",
        "number": 5,
        "doc_type": "NQ",
        "issuer": "A-TU",
        "owner": "A-TU",
        "status": "in_force",
        "security_level": "normal",
        "fields": ["kinh-te"],
        "signed_on": "2024-02-29",
    }
    assert body["review_schedule"] == [
        {
            "kind": "interim",
            "sequence": 1,
            "due_on": "2027-02-28",
            "plan_due_on": "2026-12-28",
            "overridden": False,
        },
        {
            "kind": "interim",
            "sequence": 2,
            "due_on": "2028-06-30",
            "plan_due_on": "2028-04-30",
            "overridden": True,
        },
        {
            "kind": "final",
            "sequence": 1,
            "due_on": "2029-02-28",
            "plan_due_on": "2028-12-28",
            "overridden": False,
        },
    ]
    assert body["review_overrides"] == [{"kind": "interim", "sequence": 2, "due_on": "2028-06-30"}]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"symbol": "05-NQ/TW"}, "symbol"),  # issuer part does not match A-TU's "TU"
        ({"symbol": "không phải ký hiệu"}, "symbol"),
        ({"signed_on": "15/05/2016"}, "signed_on"),  # the API takes ISO dates
        ({"issuer": "B-TU"}, "issuer"),  # outside the user's scope: unknown, not forbidden
        ({"security_level": "mat"}, "security_level"),
        ({"title": ""}, "title"),
        ({"fields": ["khong-co"]}, "fields"),
        ({"review_overrides": [{"kind": "giua-ky", "due_on": "2030-01-01"}]}, "review_overrides"),
    ],
)
def test_invalid_input_is_a_400_on_the_field_and_nothing_is_written(client, payload, field):
    data = {
        "symbol": "05-NQ/TU",
        "issuer": "A-TU",
        "signed_on": "2024-01-10",
        "title": "về một chủ đề",
    } | payload
    response = client.post("/api/v1/documents/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Document.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="document").exists()


def test_errors_are_in_vietnamese_by_default_and_english_on_request(client):
    register(
        client.handler._force_user,
        "10-NQ/TU",  # type: ignore[attr-defined]
        client.handler._force_user.organization,
        D(2017, 2, 6),
    )  # type: ignore[attr-defined]
    data = {"symbol": "10-NQ/TU", "issuer": "A-TU", "signed_on": "2017-02-06", "title": "về x"}
    vi = client.post("/api/v1/documents/", data, format="json").json()["symbol"][0]
    en = client.post("/api/v1/documents/", data, format="json", HTTP_ACCEPT_LANGUAGE="en").json()[
        "symbol"
    ][0]
    assert "already registered" in en
    assert "đã được đăng ký" in vi


def test_a_duplicate_is_a_400(client, tree):
    register(tree.province_office, "10-NQ/TU", tree.tu, D(2017, 2, 6))
    response = client.post(
        "/api/v1/documents/",
        {"symbol": "10-NQ/TU", "issuer": "A-TU", "signed_on": "2017-02-06", "title": "về x"},
        format="json",
    )
    assert response.status_code == 400 and "symbol" in response.json()
    assert Document.objects.count() == 1


def test_lists_are_paginated_with_page_size_up_to_500(client, tree):
    for n in range(1, 4):
        register(tree.province_office, f"{n:02d}-KH/TU", tree.tu, D(2024, 1, n))
    body = client.get("/api/v1/documents/", {"page_size": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert len(client.get("/api/v1/documents/", {"page_size": 5000}).json()["results"]) == 3


def test_token_authentication_works(tree):
    token = Token.objects.create(user=tree.commune_office)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert c.get("/api/v1/documents/").status_code == 200
    c.credentials(HTTP_AUTHORIZATION="Token sai")
    assert c.get("/api/v1/documents/").status_code == 401


def test_changing_a_review_rule_through_the_api_recomputes_schedules(tree, national_admin):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2020, 1, 15))
    admin = APIClient()
    admin.force_authenticate(national_admin)
    rules = admin.get("/api/v1/review-rules/").json()["results"]
    assert {r["level"]: (r["interim_years"], r["final_years"]) for r in rules}["central"] == (5, 10)
    response = admin.patch("/api/v1/review-rules/province/", {"interim_years": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert [m.due_on for m in doc.milestones.all()] == [D(2022, 1, 15), D(2025, 1, 15)]
    office = APIClient()
    office.force_authenticate(tree.province_office)
    assert (
        office.patch(
            "/api/v1/review-rules/province/", {"interim_years": 1}, format="json"
        ).status_code
        == 403
    )
    bad = admin.patch("/api/v1/review-rules/province/", {"final_years": 1}, format="json")
    assert bad.status_code == 400


def test_a_provincial_administrator_cannot_change_a_national_rule_but_sets_their_own(tree):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, D(2020, 1, 15))
    other = register(tree.outsider, "01-NQ/TU", tree.tu2, D(2020, 1, 15))
    admin = APIClient()
    admin.force_authenticate(tree.province_admin)
    refused = admin.patch("/api/v1/review-rules/central/", {"interim_years": 1}, format="json")
    assert refused.status_code == 403
    assert "cấp trên" in refused.json()["detail"]
    created = admin.post(
        "/api/v1/review-rules/",
        {"level": "province", "owner": "A-TU", "interim_years": 2, "final_years": 4},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["owner"] == "A-TU"
    assert [m.due_on for m in doc.milestones.all()] == [D(2022, 1, 15), D(2024, 1, 15)]
    # Another province keeps the national default.
    assert [m.due_on for m in other.milestones.all()] == [D(2023, 1, 15), D(2025, 1, 15)]
    own = admin.get("/api/v1/review-rules/province/?owner=A-TU").json()
    assert (own["interim_years"], own["final_years"]) == (2, 4)
    outsider = APIClient()
    outsider.force_authenticate(tree.outsider)
    assert outsider.get("/api/v1/review-rules/province/?owner=A-TU").status_code == 404
    assert admin.delete("/api/v1/review-rules/province/?owner=A-TU").status_code == 204
    assert [m.due_on for m in doc.milestones.all()] == [D(2023, 1, 15), D(2025, 1, 15)]


def test_parse_reads_a_header_and_its_citations(client):
    text = (
        "ĐẢNG CỘNG SẢN VIỆT NAM\nTỈNH ỦY LÀO CAI\n*\nSố 45-CTr/TU\n"
        "Lào Cai, ngày 10 tháng 3 năm 2025\nCHƯƠNG TRÌNH HÀNH ĐỘNG\n"
        "thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị\n\n"
        "Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị và Kết luận số "
        "121-KL/TW ngày 24/01/2025, Ban Thường vụ Tỉnh ủy ban hành chương trình hành động."
    )
    response = client.post("/api/v1/documents/parse", {"text": text}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["header"]["symbol"] == "45-CTr/TU"
    assert body["header"]["signed_on"] == "2025-03-10"
    assert [(c["symbol"], c["signed_on"]) for c in body["citations"]] == [
        ("57-NQ/TW", "2024-12-22"),
        ("121-KL/TW", "2025-01-24"),
    ]
    plain = client.post(
        "/api/v1/documents/parse/", {"text": "Không có văn bản nào."}, format="json"
    ).json()
    assert plain == {"header": None, "citations": []}
    assert client.post("/api/v1/documents/parse", {}, format="json").status_code == 400


def test_the_schema_describes_the_contract(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{code}/",
        "/api/v1/review-rules/",
        "/api/v1/documents/parse",
    ):
        assert path in paths, path
    document = schema["components"]["schemas"]["Document"]["properties"]
    for name in (
        "id",
        "symbol",
        "issuer",
        "signed_on",
        "title",
        "fields",
        "security_level",
        "review_overrides",
        "number",
        "doc_type",
        "status",
        "review_schedule",
    ):
        assert name in document, name
