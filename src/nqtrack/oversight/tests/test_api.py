"""oversight-rounds/: codes, ISO dates, nested actions, 400 in Vietnamese, 404 outside scope."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from nqtrack.assignments.models import Task
from nqtrack.oversight.models import OversightRound, RemediationItem
from nqtrack.oversight.tests.helpers import NOW, build_world, conclude

pytestmark = pytest.mark.django_db
URL = "/api/v1/oversight-rounds/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_round(world, **changes):
    body = {
        "kind": "inspection",
        "title": "Kiểm tra việc thực hiện Chỉ thị 05",
        "conductor": "A-UBKT",
        "documents": [world.directive.pk],
        "targets": ["A-XA"],
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "remediation_due_on": "2026-12-15",
        "team": [{"name": "Lê Văn Cường", "post": "Ủy viên UBKT", "role": "leader"}],
    }
    return {**body, **changes}


def test_a_round_is_created_read_and_listed_with_codes_and_iso_dates(world):
    office = client_for(world.tree.province_office)
    response = office.post(URL, new_round(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["conductor"] == "A-UBKT"
    assert data["targets"] == ["A-XA"]
    assert data["documents"] == [world.directive.pk]
    assert data["period_start"] == "2026-10-01"
    assert data["status"] == "planned"
    assert data["team"] == [
        {"name": "Lê Văn Cường", "post": "Ủy viên UBKT", "role": "leader", "user": None}
    ]
    listed = office.get(URL, {"kind": "inspection"}).json()
    assert [r["id"] for r in listed["results"]] == [data["id"]]
    assert office.get(URL, {"status": "in_progress"}).json()["count"] == 1  # the world's round
    assert office.get(URL, {"target": "A-XB"}).json()["count"] == 1
    assert office.get(URL, {"document": world.resolution.pk}).json()["count"] == 1
    assert office.get(f"{URL}{data['id']}/").json()["title"] == "Kiểm tra việc thực hiện Chỉ thị 05"


def test_invalid_input_is_a_400_on_the_field_in_vietnamese_and_nothing_is_written(world):
    office = client_for(world.tree.province_office)
    before = OversightRound.objects.count()
    response = office.post(URL, new_round(world, targets=["B-TU"]), format="json")
    assert response.status_code == 400
    assert "targets" in response.json()  # B-TU is outside the user's scope: unknown code
    response = office.post(URL, new_round(world, period_end="2026-09-01"), format="json")
    assert response.status_code == 400
    assert response.json() == {"period_end": ["Ngày kết thúc kỳ không thể trước ngày bắt đầu."]}
    response = office.post(URL, new_round(world, targets=["A-TU"]), format="json")
    assert response.status_code == 400
    assert "không thuộc phạm vi" in response.json()["targets"][0]
    assert OversightRound.objects.count() == before


def test_updating_a_round_through_the_api(world):
    office = client_for(world.tree.province_office)
    url = f"{URL}{world.round.pk}/"
    response = office.patch(
        url, {"title": "Giám sát lồng ghép", "targets": ["A-XA"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Giám sát lồng ghép"
    assert response.json()["targets"] == ["A-XA"]
    assert len(response.json()["team"]) == 2  # kept
    viewer = client_for(world.tree.province_viewer)
    assert viewer.patch(url, {"title": "x"}, format="json").status_code == 403


def test_findings_remediation_verification_and_closing(world):
    office = client_for(world.tree.province_office)
    base = f"{URL}{world.round.pk}/"
    response = office.post(
        f"{base}findings/",
        {
            "target": "A-XA",
            "kind": "violation",
            "text": "Chưa sơ kết đúng hạn",
            "document": world.resolution.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    finding_id = response.json()["id"]
    response = office.post(
        f"{base}remediation/",
        {"target": "A-XA", "items": [{"text": "Tổ chức sơ kết", "due_on": "2026-11-30"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "thông báo kết luận" in response.json()["non_field_errors"][0]
    assert not Task.objects.exists()

    patch = office.patch(base, {"conclusion": world.notice.pk}, format="json")
    assert patch.status_code == 200 and patch.json()["status"] == "awaiting_remediation"
    response = office.post(
        f"{base}remediation/",
        {
            "target": "A-XA",
            "items": [
                {"text": "Tổ chức sơ kết", "due_on": "2026-11-30", "finding": finding_id},
                {"text": "Kiểm điểm trách nhiệm", "deadline": "trong quý IV/2026"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    first, second = response.json()
    assert first["target"] == "A-XA" and first["due_on"] == "2026-11-30"
    assert first["task_status"] == "not_due" and first["verification"] == ""
    assert second["due_on"] == "2026-12-31"

    close = office.post(f"{base}close/")
    assert close.status_code == 400
    assert close.json()["non_field_errors"][0] == "Chưa thể kết thúc đợt:"
    assert len(close.json()["non_field_errors"]) == 3

    verify = office.post(
        f"{base}remediation/{first['id']}/verify/",
        {"verdict": "done", "evidence": "Báo cáo sơ kết số 40-BC/ĐU"},
        format="json",
    )
    assert verify.status_code == 200, verify.json()
    assert verify.json()["verification"] == "done"
    assert verify.json()["task_status"] == "done_on_time"
    carry = office.post(
        f"{base}remediation/{second['id']}/verify/",
        {"verdict": "carried_over", "comment": "Chuyển sang đợt kiểm tra năm 2027"},
        format="json",
    )
    assert carry.status_code == 200 and carry.json()["verification"] == "carried_over"
    closed = office.post(f"{base}close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert office.post(f"{base}reopen/", {"reason": ""}, format="json").status_code == 400
    reopened = office.post(f"{base}reopen/", {"reason": "Bổ sung minh chứng"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "awaiting_remediation"


def test_a_target_sees_its_own_findings_and_items_and_cannot_write(world):
    conclude(world)
    commune = client_for(world.tree.commune_office)
    base = f"{URL}{world.round.pk}/"
    findings = commune.get(f"{base}findings/").json()
    assert [f["target"] for f in findings["results"]] == ["A-XA"]  # not A-XB's
    response = commune.post(
        f"{base}findings/", {"target": "A-XA", "kind": "strength", "text": "Tốt"}, format="json"
    )
    assert response.status_code == 403


def test_other_organizations_get_404_and_anonymous_users_401(world):
    conclude(world)
    item = RemediationItem.objects.first()
    base = f"{URL}{world.round.pk}"
    outsider = client_for(world.tree.outsider)
    assert outsider.get(URL).json()["count"] == 0
    for method, path, data in [
        ("get", "/", None),
        ("patch", "/", {"title": "x"}),
        ("get", "/findings/", None),
        ("post", "/findings/", {"target": "A-XA", "kind": "strength", "text": "x"}),
        ("get", "/remediation/", None),
        ("post", "/remediation/", {"target": "A-XA", "items": [{"text": "x"}]}),
        ("post", f"/remediation/{item.pk if item else 1}/verify/", {"verdict": "done"}),
        ("post", "/close/", None),
        ("post", "/reopen/", {"reason": "x"}),
    ]:
        response = getattr(outsider, method)(f"{base}{path}", data, format="json")
        assert response.status_code == 404, (path, response.status_code)
        assert getattr(APIClient(), method)(f"{base}{path}", data).status_code == 401
    assert outsider.get(f"{URL}999999/").status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    office = client_for(world.tree.province_office)
    team = [{"name": "Nguyễn Thị Dung", "role": "member", "user": "tinh_vp"}]
    assert office.post(URL, new_round(world, team=team), format="json").status_code == 201
    # count, rounds, documents, targets, team with users (one prefetch each)
    with django_assert_num_queries(6):
        response = office.get(URL)
    assert response.json()["count"] == 2


def test_the_schema_describes_the_oversight_endpoints(tree):
    schema = client_for(tree.province_office).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/oversight-rounds/",
        "/api/v1/oversight-rounds/{id}/",
        "/api/v1/oversight-rounds/{id}/findings/",
        "/api/v1/oversight-rounds/{id}/remediation/",
        "/api/v1/oversight-rounds/{id}/remediation/{item_id}/verify/",
        "/api/v1/oversight-rounds/{id}/close/",
        "/api/v1/oversight-rounds/{id}/reopen/",
    ]:
        assert path in paths, path
    names = {p["name"] for p in paths["/api/v1/oversight-rounds/"]["get"]["parameters"]}
    assert {"kind", "status", "document", "target"} <= names
    props = schema["components"]["schemas"]["OversightRound"]["properties"]
    assert {"conductor", "targets", "documents", "conclusion", "status", "team"} <= set(props)
