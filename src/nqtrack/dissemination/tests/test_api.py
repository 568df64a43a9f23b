"""The /api/v1/ contract: members, study sessions with attendance import, essays, roll-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from nqtrack.dissemination import services, sessions
from nqtrack.dissemination.models import Attendance, Essay, Member
from nqtrack.dissemination.tests.support import MemberFactory, csv_bytes

D = dt.date


def client_for(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture(autouse=True)
def _sync_imports(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_members_list_is_scoped_and_shows_exemptions_and_mandatory(world):
    services.member_update(
        by=world.tree.commune_office, member=world.members["CB1-02"], exemptions=["retired"]
    )
    response = client_for(world.tree.commune_office).get("/api/v1/members/?organization=A-CB1")
    assert response.status_code == 200
    body = {m["code"]: m for m in response.json()["results"]}
    assert set(body) == {"CB1-01", "CB1-02", "CB1-03"}
    assert body["CB1-02"]["exemptions"] == ["retired"] and body["CB1-02"]["mandatory"] is False
    assert body["CB1-01"]["organization"] == "A-CB1" and body["CB1-01"]["mandatory"] is True
    assert APIClient().get("/api/v1/members/").status_code == 401


def test_another_provinces_user_gets_404_for_a_member_and_a_viewer_cannot_write(world):
    assert client_for(world.tree.outsider).get("/api/v1/members/CB1-01/").status_code == 404
    response = client_for(world.tree.province_viewer).post(
        "/api/v1/members/",
        {"code": "N1", "full_name": "Ngô Văn Nam", "organization": "A-CB1"},
        format="json",
    )
    assert response.status_code == 403 and not Member.objects.filter(code="N1").exists()


def test_creating_a_member_with_a_used_code_is_a_400_in_vietnamese(world):
    response = client_for(world.tree.commune_office).post(
        "/api/v1/members/",
        {
            "code": "CB1-01",
            "full_name": "Ngô Văn Nam",
            "organization": "A-CB1",
            "birth_date": "1980-01-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"code": ["Đã có đảng viên khác mang mã CB1-01."]}


def test_a_session_is_created_by_codes_and_ids_and_attendance_is_imported(world):
    api = client_for(world.tree.commune_office)
    response = api.post(
        "/api/v1/study-sessions/",
        {
            "organizer": "A-XA",
            "documents": [world.resolution.pk],
            "held_on": "2025-02-20",
            "format": "hybrid",
            "connection_points": 3,
            "audience": "rural_members",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    session_id = response.json()["id"]
    assert response.json()["organizer"] == "A-XA" and response.json()["audience"] == "rural_members"

    bad = csv_bytes(["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["CB1-02", "muộn"]])
    response = api.post(
        f"/api/v1/study-sessions/{session_id}/import-attendance/",
        {"file": SimpleUploadedFile("dd.csv", bad), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert response.json()["errors"] == [
        {
            "line": 3,
            "code": "CB1-02",
            "errors": ["“muộn” không phải là tình trạng tham dự (có mặt, vắng có lý do, vắng)."],
        }
    ]

    good = csv_bytes(
        ["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["CB1-02", "vang co ly do"]]
    )
    response = api.post(
        f"/api/v1/study-sessions/{session_id}/import-attendance/",
        {"file": SimpleUploadedFile("dd.csv", good)},
        format="multipart",
    )
    assert response.status_code == 202 and response.json()["status"] == "done"
    job = api.get(f"/api/v1/import-jobs/{response.json()['id']}/").json()
    assert (job["processed"], job["total"], job["percent"]) == (2, 2, 100)

    stats = api.get(f"/api/v1/study-sessions/{session_id}/stats/").json()
    assert stats == {
        "invited": 6,
        "present": 1,
        "excused": 1,
        "absent": 0,
        "unrecorded": 4,
        "rate": pytest.approx(1 / 6),
    }
    assert (
        client_for(world.tree.outsider).get(f"/api/v1/study-sessions/{session_id}/").status_code
        == 404
    )


def test_an_online_session_without_connection_points_is_a_400(world):
    response = client_for(world.tree.commune_office).post(
        "/api/v1/study-sessions/",
        {
            "organizer": "A-XA",
            "documents": [world.resolution.pk],
            "held_on": "2025-02-20",
            "format": "online",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "connection_points": ["Hội nghị trực tuyến cần ít nhất một điểm cầu."]
    }


@pytest.mark.parametrize("score", [10.5, -0.5, "mười", 7.25])
def test_a_score_outside_the_scale_is_a_400_with_a_vietnamese_message(world, score):
    response = client_for(world.tree.commune_office).post(
        "/api/v1/essays/",
        {"member": "CB1-01", "document": world.resolution.pk, "score": score},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "score": ["Điểm phải là số từ 0 đến 10, lấy tối đa một chữ số thập phân."]
    }
    assert not Essay.objects.exists()


def test_an_essay_gets_its_grade_and_a_weak_one_asks_for_a_rewrite(world):
    api = client_for(world.tree.commune_office)
    body = api.post(
        "/api/v1/essays/",
        {"member": "CB1-01", "document": world.resolution.pk, "score": 4.5},
        format="json",
    ).json()
    assert {
        k: body[k] for k in ("member", "score", "grade", "attempt", "rewrite_required", "mandatory")
    } == {
        "member": "CB1-01",
        "score": 4.5,
        "grade": "yeu",
        "attempt": 1,
        "rewrite_required": True,
        "mandatory": True,
    }
    again = api.post(
        "/api/v1/essays/",
        {"member": "CB1-01", "document": world.resolution.pk, "score": "7,5"},
        format="json",
    ).json()
    assert (again["attempt"], again["grade"], again["rewrite_required"]) == (2, "kha", False)
    fixed = api.patch(f"/api/v1/essays/{again['id']}/", {"score": 9}, format="json").json()
    assert fixed["grade"] == "tot"
    assert client_for(world.tree.outsider).get(f"/api/v1/essays/{again['id']}/").status_code == 404


def test_bulk_scores_are_all_or_nothing(world):
    api = client_for(world.cell_reporter)
    payload = {
        "organization": "A-CB1",
        "document": world.resolution.pk,
        "scores": [{"member": "CB1-01", "score": "8"}, {"member": "CB1-02", "score": "12"}],
    }
    response = api.post("/api/v1/essays/bulk/", payload, format="json")
    assert response.status_code == 400 and response.json()["written"] is False
    assert response.json()["rows"][0]["line"] == 2
    assert not Essay.objects.exists()
    payload["scores"][1]["score"] = "6"
    response = api.post("/api/v1/essays/bulk/", payload, format="json")
    assert response.status_code == 200 and response.json()["counts"]["first"] == 2


def test_rollup_endpoint_drills_down_and_hides_other_scopes(world):
    tree = world.tree
    session = sessions.study_session_create(
        by=tree.commune_office,
        organizer=tree.cb,
        documents=[world.resolution],
        held_on=D(2025, 2, 5),
    )
    Attendance.objects.filter(session=session, member__code="CB1-01").update(status="present")
    api = client_for(tree.province_office)
    body = api.get(f"/api/v1/dissemination/rollup/?org=A-XA&document={world.resolution.pk}").json()
    rows = {r["organization"]: r for r in body["study"]["rows"]}
    assert (rows["A-CB1"]["invited"], rows["A-CB1"]["attended"], rows["A-CB1"]["rate"]) == (
        3,
        1,
        pytest.approx(1 / 3),
    )
    assert body["essays"]["total"]["missing"] == 6
    commune = client_for(tree.commune_office)
    url = f"/api/v1/dissemination/rollup/?org=A-TU&document={world.resolution.pk}"
    assert commune.get(url).status_code == 404
    assert client_for(tree.outsider).get(url).status_code == 404


def test_the_openapi_schema_describes_the_study_endpoints(world):
    response = client_for(world.tree.province_office).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/members/",
        "/api/v1/study-sessions/{id}/import-attendance/",
        "/api/v1/study-sessions/{id}/stats/",
        "/api/v1/essays/",
        "/api/v1/study-plans/",
        "/api/v1/outreach-activities/",
        "/api/v1/dissemination/rollup/",
    ):
        assert path in paths, path


def test_the_members_and_sessions_lists_take_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for _ in range(20):
        MemberFactory(organization=world.tree.cb)
    api = client_for(world.tree.province_office)
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/v1/members/?page_size=100").json()["results"]) == 28
    for day in (3, 4, 5):
        sessions.study_session_create(
            by=world.tree.commune_office,
            organizer=world.tree.cb,
            documents=[world.resolution],
            held_on=D(2025, 2, day),
        )
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/study-sessions/").json()["count"] == 3
