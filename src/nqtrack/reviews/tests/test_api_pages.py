"""The reviews API and pages, as the office and a commune use them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from nqtrack.reviews.models import Review
from nqtrack.reviews.tests.helpers import NOW, build_world

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_api_walks_a_review_through_its_stages(world):
    api = api_for(world.tree.province_office)
    url = f"/api/v1/reviews/{world.review.pk}/"
    body = api.get(url).json()
    assert body["committee"] == "A-TU" and body["lead_body"] == "A-VPTU"
    assert {s["key"]: s["state"] for s in body["stages"]}["plan"] == "overdue"
    bad = api.post(url + "scope/", {"included": ["A-XA"]}, format="json")
    assert bad.status_code == 400 and "excluded" in bad.json()
    ok = api.post(
        url + "scope/",
        {
            "included": ["A-XA", "A-XB"],
            "excluded": [
                {"organization": "A-VPTU", "reason": "Tổng hợp chung"},
                {"organization": "A-CB1", "reason": "Thuộc xã A"},
            ],
        },
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert {r["organization"] for r in ok.json()["scope"] if r["included"]} == {"A-XA", "A-XB"}
    reports = api.post(url + "request-reports/", {"due_on": "2026-12-20"}, format="json")
    assert reports.status_code == 200 and reports.json()["round"]
    meeting = api.post(
        url + "meetings/",
        {
            "kind": "conference",
            "held_on": "2026-11-20",
            "format": "both",
            "participants": 250,
            "connection_points": 12,
        },
        format="json",
    )
    assert meeting.status_code == 201
    assert (
        api.post(url + "approve/", {"approved_on": "2026-11-21"}, format="json").status_code == 200
    )
    issued = api.post(
        url + "issue/",
        {"symbol": "90-BC/TU", "signed_on": "2026-11-22", "title": "Sơ kết 3 năm"},
        format="json",
    )
    assert issued.status_code == 200, issued.json()
    assert {s["key"]: s["state"] for s in issued.json()["stages"]}["issued"] == "done"
    draft = api.get(url + "draft/")
    assert draft.status_code == 200 and draft.content[:2] == b"PK"


def test_the_api_hides_reviews_outside_the_subtree_and_refuses_a_viewer(world):
    assert (
        api_for(world.tree.outsider).get(f"/api/v1/reviews/{world.review.pk}/").status_code == 404
    )
    assert api_for(world.tree.outsider).get("/api/v1/reviews/").json()["count"] == 0
    viewer = api_for(world.tree.province_viewer)
    assert viewer.get(f"/api/v1/reviews/{world.review.pk}/").status_code == 200
    refused = viewer.post(
        f"/api/v1/reviews/{world.review.pk}/approve/", {"approved_on": "2026-11-21"}, format="json"
    )
    assert refused.status_code == 403
    # A commune sees the province's review it reports to.
    assert (
        api_for(world.tree.commune_office).get(f"/api/v1/reviews/{world.review.pk}/").status_code
        == 200
    )


def test_the_plan_api_adds_the_reviews_due_in_a_period(world):
    api = api_for(world.tree.province_office)
    response = api.post(
        "/api/v1/reviews/plan/",
        {"committee": "A-TU", "start": "2025-01-01", "end": "2030-12-31"},
        format="json",
    )
    assert response.status_code == 200
    kinds = sorted((r["kind"], r["due_on"]) for r in response.json())
    assert kinds == [("final", "2029-01-10"), ("interim", "2027-01-10")]
    assert Review.objects.count() == 2


def test_the_pages_show_the_stages_the_proposed_scope_and_the_plan(world):
    office = Client()
    office.force_login(world.tree.province_office)
    page = office.get(f"/so-ket-tong-ket/{world.review.pk}/").content.decode()
    assert "Ban hành kế hoạch" in page and "quá hạn" in page
    assert "Đảng ủy xã B" in page and "phải ban hành chương trình hành động" in page
    response = office.post(
        f"/so-ket-tong-ket/{world.review.pk}/scope/",
        {"include": ["A-XA"], "reason_A-XB": "", "reason_A-VPTU": "x", "reason_A-CB1": "y"},
        follow=True,
    )
    assert "Hãy nêu lý do không đưa vào phạm vi: Đảng ủy xã B" in response.content.decode()
    listing = office.get("/so-ket-tong-ket/").content.decode()
    assert "05-NQ/TU" in listing and "Ban hành kế hoạch" in listing
    plan = office.get("/so-ket-tong-ket/ke-hoach/?committee=A-TU&start=01/01/2027&end=31/12/2029")
    text = plan.content.decode()
    assert "05-NQ/TU" in text and "10/01/2027" in text
    assert "chưa có trong kế hoạch" in text  # the final review of 2029 is not planned yet
    docx = office.get(
        "/so-ket-tong-ket/ke-hoach/?committee=A-TU&start=01/01/2027&end=31/12/2029&export=docx"
    )
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    added = office.post(
        "/so-ket-tong-ket/ke-hoach/",
        {"committee": "A-TU", "start": "01/01/2027", "end": "31/12/2029"},
        follow=True,
    )
    assert "Đã thêm 1 lần sơ kết, tổng kết vào kế hoạch" in added.content.decode()


def test_a_unit_in_scope_answers_the_survey_online(world):
    from nqtrack.reviews import services

    tree = world.tree
    services.review_set_scope(
        by=tree.province_office,
        review=world.review,
        included=[tree.xa],
        excluded={tree.vptu: "a", tree.cb: "b", world.xb: "c"},
    )
    (q1,) = services.survey_set_questions(
        by=tree.province_office,
        review=world.review,
        questions=[services.Question("single", "Có phù hợp?", ["Có", "Không"])],
    )
    commune = Client()
    commune.force_login(tree.commune_office)
    form = commune.get(f"/so-ket-tong-ket/{world.review.pk}/khao-sat/").content.decode()
    assert "Có phù hợp?" in form and "Đảng ủy xã A" in form
    sent = commune.post(
        f"/so-ket-tong-ket/{world.review.pk}/khao-sat/",
        {"unit": "A-XA", f"q_{q1.pk}": "Có"},
        follow=True,
    )
    assert "Cảm ơn: đã ghi nhận phiếu trả lời." in sent.content.decode()
    assert world.review.responses.count() == 1


def test_the_review_page_shows_its_history_of_changes(world):
    from nqtrack.reviews import services

    services.review_approve(
        by=world.tree.province_office, review=world.review, approved_on=D(2026, 11, 20)
    )
    office = Client()
    office.force_login(world.tree.province_office)
    page = office.get(f"/so-ket-tong-ket/{world.review.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "cấp ủy thông qua" in history and "20/11/2026" in history


def test_the_schema_lists_the_review_and_oversight_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/reviews/",
        "/api/v1/reviews/{id}/scope/",
        "/api/v1/reviews/{id}/issue/",
        "/api/v1/reviews/{id}/draft/",
        "/api/v1/reviews/plan/",
        "/api/v1/oversight-rounds/",
        "/api/v1/oversight-rounds/{id}/close/",
    ):
        assert path in schema["paths"], path
    review = schema["components"]["schemas"]["Review"]["properties"]
    assert {"stages", "scope", "committee", "due_on"} <= set(review)
