"""Two people acting on the same task: an event sent from a stale page or ETag is refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nqtrack.assignments import services
from nqtrack.assignments.models import Task
from nqtrack.core.versioning import StaleVersion
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def task(tree):
    tree.commune_office.full_name = "Trần Văn Bình"
    tree.commune_office.save(update_fields=["full_name"])
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10))
    return services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Xây dựng đề án",
        lead=tree.xa,
        due_on=D(2027, 6, 30),
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_completing_from_a_stale_etag_is_refused_with_who_reported_and_when(tree, task):
    url = f"/api/v1/tasks/{task.pk}/"
    unit, office = _api(tree.commune_office), _api(tree.province_office)
    etag = office.get(url)["ETag"]
    assert etag == '"1"'

    progress = unit.post(url + "progress/", {"note": "Đã họp bàn"}, HTTP_IF_MATCH=etag)
    assert progress.status_code == 200 and progress["ETag"] == '"2"'

    cancel = office.post(url + "cancel/", {"note": "Không còn phù hợp"}, HTTP_IF_MATCH=etag)
    assert cancel.status_code == 412
    assert cancel.json()["detail"].startswith("Bản ghi đã được Trần Văn Bình sửa lúc 10:00 ")
    task.refresh_from_db()
    assert not task.cancelled and task.version == 2

    again = office.post(url + "cancel/", {"note": "Không còn phù hợp"}, HTTP_IF_MATCH='"2"')
    assert again.status_code == 200 and again["ETag"] == '"3"'
    assert again.json()["status"] == "cancelled"


def test_a_stale_task_page_does_not_apply_its_event_and_says_why(tree, task):
    unit = Client()
    unit.force_login(tree.commune_office)
    page = unit.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert 'name="version" value="1"' in page

    services.task_transition(by=tree.province_office, task=task, event="cancel", note="Hủy")
    response = unit.post(
        f"/nhiem-vu/{task.pk}/complete/", {"on": "20/11/2026", "version": "1"}, follow=True
    )
    assert "Bản ghi đã được" in response.content.decode()
    task = Task.objects.get(pk=task.pk)
    assert task.completed_on is None and task.cancelled


def test_every_task_service_moves_the_version_on(tree, task):
    services.task_report_progress(by=tree.commune_office, task=task, note="Đang làm")
    request = services.extension_request(
        by=tree.commune_office, task=task, reason="Chờ hướng dẫn", proposed_due_on=D(2027, 12, 31)
    )
    services.extension_decide(by=tree.province_office, request=request, approve=True)
    services.task_transition(by=tree.commune_office, task=task, event="complete")
    services.task_assess(by=tree.province_office, task=task, quality="met")
    task.refresh_from_db()
    assert task.version == 5
    with pytest.raises(StaleVersion):
        services.task_transition(
            by=tree.commune_office, task=task, event="reopen", expected_version=4
        )
