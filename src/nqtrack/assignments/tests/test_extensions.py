"""Asking for more time, deciding, and judging the quality of finished tasks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from nqtrack.assignments import services
from nqtrack.assignments.selectors import status_of
from nqtrack.testing import register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def task(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10))
    return services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Xây dựng đề án",
        lead=tree.xa,
        due_on=D(2025, 6, 30),
    )


def test_an_old_task_nobody_asked_to_extend_is_carried_over_until_an_extension_is_approved(
    tree, task
):
    assert status_of(task, today=TODAY) == "carried_over"
    request = services.extension_request(
        by=tree.commune_office,
        task=task,
        reason="Chờ hướng dẫn của Trung ương",
        proposed_due_on=D(2027, 3, 31),
    )
    services.extension_decide(by=tree.province_office, request=request, approve=True)
    task.refresh_from_db()
    assert (task.due_on, status_of(task, today=TODAY)) == (D(2027, 3, 31), "not_due")
    assert [u.event for u in task.updates.all()] == ["extension_requested", "extension_approved"]


def test_a_refusal_needs_a_reason_and_keeps_the_deadline(tree, task):
    request = services.extension_request(
        by=tree.commune_office, task=task, reason="Thiếu kinh phí", proposed_due_on=D(2027, 3, 31)
    )
    with pytest.raises(ValidationError):
        services.extension_decide(by=tree.province_office, request=request, approve=False)
    services.extension_decide(
        by=tree.province_office,
        request=request,
        approve=False,
        comment="Đề nghị bố trí nguồn lực để hoàn thành ngay",
    )
    task.refresh_from_db()
    assert task.due_on == D(2025, 6, 30)
    with pytest.raises(ValidationError):  # decided once only
        services.extension_decide(by=tree.province_office, request=request, approve=True)


def test_extension_rules(tree, task):
    with pytest.raises(ValidationError):  # not later than the current deadline
        services.extension_request(
            by=tree.commune_office, task=task, reason="x", proposed_due_on=D(2025, 6, 1)
        )
    with pytest.raises(PermissionDenied):  # another province
        services.extension_request(
            by=tree.outsider, task=task, reason="x", proposed_due_on=D(2027, 1, 1)
        )
    services.extension_request(
        by=tree.commune_office, task=task, reason="x", proposed_due_on=D(2027, 1, 1)
    )
    with pytest.raises(ValidationError):  # one pending request at a time
        services.extension_request(
            by=tree.commune_office, task=task, reason="y", proposed_due_on=D(2027, 2, 1)
        )
    request = task.extensions.get()
    with pytest.raises(PermissionDenied):  # the unit does not decide its own request
        services.extension_decide(by=tree.commune_office, request=request, approve=True)


def test_quality_is_assessed_only_on_finished_tasks_and_not_met_needs_a_comment(tree, task):
    with pytest.raises(ValidationError):
        services.task_assess(by=tree.province_office, task=task, quality="met")
    services.task_transition(by=tree.commune_office, task=task, event="complete", on=D(2025, 6, 20))
    with pytest.raises(ValidationError):
        services.task_assess(by=tree.province_office, task=task, quality="not_met")
    services.task_assess(
        by=tree.province_office,
        task=task,
        quality="not_met",
        comment="Đề án chưa có lộ trình và nguồn lực cụ thể",
    )
    assert (task.quality, status_of(task, today=TODAY)) == ("not_met", "done_on_time")
    with pytest.raises(PermissionDenied):
        services.task_assess(by=tree.commune_office, task=task, quality="met")


def test_the_api_requests_and_decides_extensions(tree, task):
    unit, office = APIClient(), APIClient()
    unit.force_authenticate(tree.commune_office)
    office.force_authenticate(tree.province_office)
    created = unit.post(
        f"/api/v1/tasks/{task.pk}/extensions/",
        {"reason": "Chờ ý kiến của Trung ương", "proposed_due_on": "2027-03-31"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    ext_id = created.json()["id"]
    assert (
        unit.post(
            f"/api/v1/tasks/{task.pk}/extensions/{ext_id}/decide/", {"approve": True}, format="json"
        ).status_code
        == 403
    )
    decided = office.post(
        f"/api/v1/tasks/{task.pk}/extensions/{ext_id}/decide/",
        {"approve": True, "new_due_on": "2027-02-28"},
        format="json",
    )
    assert decided.json()["decision"] == "approved"
    body = office.get(f"/api/v1/tasks/{task.pk}/").json()
    assert (body["due_on"], body["status"]) == ("2027-02-28", "not_due")
    listed = office.get(f"/api/v1/tasks/{task.pk}/extensions/").json()
    assert [e["decision"] for e in listed] == ["approved"]
    outsider = APIClient()
    outsider.force_authenticate(tree.outsider)
    assert outsider.get(f"/api/v1/tasks/{task.pk}/extensions/").status_code == 404
