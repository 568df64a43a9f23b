"""reporting-rounds/: the contract in API.md, scoping (404 elsewhere, 401 anonymous), errors."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from nqtrack.reporting import services
from nqtrack.reporting.models import ReportingRound, Submission
from nqtrack.reporting.tests.helpers import (
    AFTER_DUE,
    BEFORE_DUE,
    D,
    answers,
    build_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def items_json(world, code, **kwargs):
    return [
        {"task": task.pk, "status": status, "narrative": narrative}
        for task, status, narrative in answers(world, code, **kwargs)
    ]


def test_the_office_creates_a_round_with_unit_codes_and_iso_dates(tree):
    office = client_for(tree.province_office)
    response = office.post(
        "/api/v1/reporting-rounds/",
        {
            "title": "Báo cáo tự rà soát quý II/2026",
            "period_start": "2026-04-01",
            "period_end": "2026-06-30",
            "due_on": "2026-07-10",
            "expected": ["A-XA", "A-VPTU"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["owner"], sorted(body["expected"]), body["due_on"], body["locked"]) == (
        "A-TU",
        ["A-VPTU", "A-XA"],
        "2026-07-10",
        False,
    )
    listed = office.get("/api/v1/reporting-rounds/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]


def test_a_round_with_bad_dates_or_an_invisible_unit_is_a_400_and_nothing_is_written(tree):
    office = client_for(tree.province_office)
    base = {
        "title": "Báo cáo",
        "period_start": "2026-04-01",
        "period_end": "2026-06-30",
        "due_on": "2026-07-10",
        "expected": ["A-XA"],
    }
    for change, field in [
        ({"period_end": "2026-03-01"}, "period_end"),
        ({"expected": ["B-TU"]}, "expected"),
        ({"due_on": "10/07/2026"}, "due_on"),
    ]:
        response = office.post("/api/v1/reporting-rounds/", {**base, **change}, format="json")
        assert response.status_code == 400 and field in response.json(), response.json()
    assert ReportingRound.objects.count() == 0


def test_a_unit_submits_and_the_office_sees_it_in_the_list_and_the_stats(world):
    url = f"/api/v1/reporting-rounds/{world.round.pk}"
    unit = client_for(world.reporters["A-XA"])
    response = unit.post(
        f"{url}/submissions/",
        {"organization": "A-XA", "items": items_json(world, "A-XA", leave_out=1)},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["organization"], body["status"], body["generic"]) == ("A-XA", "submitted", True)
    assert body["unanswered"] == [world.tasks["A-XA"][1].pk]
    office = client_for(world.tree.province_office)
    listed = office.get(f"{url}/submissions/").json()
    assert listed["count"] == 1 and listed["results"][0]["items"][0]["status"] == "in_progress"
    stats = office.get(f"{url}/stats/").json()
    assert {k: stats[k] for k in ("expected", "submitted", "on_time", "generic")} == {
        "expected": 4,
        "submitted": 1,
        "on_time": 1,
        "generic": 1,
    }
    assert (stats["completeness"], stats["timeliness"]) == (0.25, 0.25)
    assert stats["missing"] == ["A-CB1", "A-VPTU", "A-XB"]
    # A unit sees its own report, not the round's statistics.
    assert unit.get(f"{url}/stats/").status_code == 403
    assert client_for(world.reporters["A-XB"]).get(f"{url}/submissions/").json()["count"] == 0


def test_answers_for_another_units_task_are_a_400_and_nothing_is_written(world):
    office = client_for(world.tree.province_office)
    foreign = {"task": world.tasks["A-XB"][0].pk, "status": "done", "narrative": "Đã xong"}
    response = office.post(
        f"/api/v1/reporting-rounds/{world.round.pk}/submissions/",
        {"organization": "A-XA", "items": [*items_json(world, "A-XA"), foreign]},
        format="json",
    )
    assert response.status_code == 400 and "items" in response.json()
    # A unit's reporter cannot even name a sibling's task.
    response = client_for(world.reporters["A-XA"]).post(
        f"/api/v1/reporting-rounds/{world.round.pk}/submissions/",
        {"organization": "A-XA", "items": [foreign]},
        format="json",
    )
    assert response.status_code == 400 and "items" in response.json()
    assert Submission.objects.count() == 0


def test_the_office_returns_a_report_and_reopens_the_round_for_one_unit(world):
    url = f"/api/v1/reporting-rounds/{world.round.pk}"
    unit = client_for(world.reporters["A-XA"])
    unit.post(
        f"{url}/submissions/",
        {"organization": "A-XA", "items": items_json(world, "A-XA")},
        format="json",
    )
    office = client_for(world.tree.province_office)
    assert office.post(f"{url}/submissions/A-XA/return/", {"comment": ""}).status_code == 400
    assert unit.post(f"{url}/submissions/A-XA/return/", {"comment": "x"}).status_code == 403
    assert office.post(f"{url}/submissions/A-XB/return/", {"comment": "x"}).status_code == 404
    returned = office.post(f"{url}/submissions/A-XA/return/", {"comment": "Bổ sung số liệu"})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_comment"]) == (
        "returned",
        "Bổ sung số liệu",
    )
    with time_machine.travel(AFTER_DUE, tick=False):
        late = {"organization": "A-XB", "items": items_json(world, "A-XB")}
        xb = client_for(world.reporters["A-XB"])
        assert xb.post(f"{url}/submissions/", late, format="json").status_code == 400
        reopened = office.post(f"{url}/reopen/", {"organization": "A-XB", "until": "2026-07-20"})
        assert reopened.status_code == 201 and reopened.json()["until"] == "2026-07-20"
        assert xb.post(f"{url}/submissions/", late, format="json").status_code == 201
        assert office.get(f"{url}/").json()["locked"] is True
        stats = office.get(f"{url}/stats/").json()
    assert (stats["submitted"], stats["on_time"], stats["missing"]) == (
        1,
        0,
        ["A-CB1", "A-VPTU", "A-XA"],
    )


def test_the_office_records_a_paper_report_with_its_arrival_time(world):
    response = client_for(world.tree.province_office).post(
        f"/api/v1/reporting-rounds/{world.round.pk}/submissions/",
        {
            "organization": "A-CB1",
            "submitted_at": "2026-07-03T15:00:00+07:00",
            "items": items_json(world, "A-CB1"),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["recorded_by_office"] is True
    assert response.json()["submitted_at"].startswith("2026-07-03T15:00:00")


def test_a_unit_lists_the_open_tasks_it_must_answer(world):
    unit = client_for(world.reporters["A-XA"])
    url = f"/api/v1/reporting-rounds/{world.round.pk}/open-tasks/"
    response = unit.get(url, {"organization": "A-XA"})
    assert [t["id"] for t in response.json()] == [t.pk for t in world.tasks["A-XA"]]
    assert unit.get(url, {"organization": "A-XB"}).status_code == 404  # a sibling: unseen
    assert unit.get(url).status_code == 400
    office = client_for(world.tree.province_office)
    assert office.get(url, {"organization": "A-TU"}).status_code == 400  # not expected


def test_another_provinces_user_gets_404_everywhere_and_anonymous_gets_401(world):
    url = f"/api/v1/reporting-rounds/{world.round.pk}"
    outsider = client_for(world.tree.outsider)
    assert outsider.get("/api/v1/reporting-rounds/").json()["count"] == 0
    for method, path, data in [
        ("get", "/", None),
        ("get", "/submissions/", None),
        ("post", "/submissions/", {"organization": "B-TU", "items": []}),
        ("get", "/stats/", None),
        ("get", "/open-tasks/?organization=B-TU", None),
        ("post", "/reopen/", {"organization": "A-XA", "until": "2026-07-20"}),
        ("post", "/submissions/A-XA/return/", {"comment": "x"}),
    ]:
        response = getattr(outsider, method)(f"{url}{path}", data, format="json")
        assert response.status_code == 404, (path, response.status_code)
        assert getattr(APIClient(), method)(f"{url}{path}", data).status_code == 401
    assert outsider.get("/api/v1/reporting-rounds/999999/").status_code == 404


def test_the_list_of_rounds_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    services.round_create(
        by=world.tree.province_office,
        owner=world.tree.tu,
        title="Báo cáo quý III/2026",
        period_start=D(2026, 7, 1),
        period_end=D(2026, 9, 30),
        due_on=D(2026, 10, 10),
        expected=[world.tree.xa, world.xb],
    )
    office = client_for(world.tree.province_office)
    with django_assert_num_queries(3):  # count, rounds with their owner, expected units
        response = office.get("/api/v1/reporting-rounds/")
    assert response.json()["count"] == 2


def test_the_schema_describes_the_reporting_endpoints(tree):
    schema = client_for(tree.province_office).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/reporting-rounds/",
        "/api/v1/reporting-rounds/{id}/submissions/",
        "/api/v1/reporting-rounds/{id}/stats/",
        "/api/v1/reporting-rounds/{id}/reopen/",
        "/api/v1/reporting-rounds/{id}/submissions/{organization_code}/return/",
    ]:
        assert path in paths, path
    stats = schema["components"]["schemas"]["ReportingStats"]["properties"]
    assert {"expected", "submitted", "on_time", "completeness", "timeliness", "missing"} <= set(
        stats
    )
