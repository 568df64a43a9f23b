"""A job whose worker died never stays "running": the sweep ends it with a message, and
"Chạy lại" imports the same file again."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from nqtrack.dissemination import jobs
from nqtrack.dissemination.models import Attendance, ImportJob
from nqtrack.dissemination.tests.support import build_world, csv_bytes
from nqtrack.jobs import maintenance
from nqtrack.jobs.models import JobAttempt
from nqtrack.jobs.runtime import host_name
from nqtrack.jobs.selectors import last_worker_heartbeat
from nqtrack.jobs.services import worker_beat
from nqtrack.jobs.tests.support import dead_pid, session_for

GOOD = csv_bytes(["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["CB1-02", "vắng"]])


@pytest.fixture
def world(tree):
    return build_world(tree)


def running_job(world, settings, *, worker_id: str, host: str, pid: int) -> ImportJob:
    """A job a worker has claimed and is (or was) running, rows not yet written."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    job = jobs.start_import_job(
        by=world.tree.commune_office,
        kind="attendance",
        session=session_for(world),
        upload=io.BytesIO(GOOD),
        filename="diem-danh.csv",
    )
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status="running", phase="writing", started_at=now)
    JobAttempt.objects.create(
        subject="import", object_id=job.pk, worker_id=worker_id, host=host, pid=pid, started_at=now
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return job


def test_the_job_page_ends_a_job_whose_worker_process_is_gone_and_runs_it_again(
    client, world, settings
):
    job = running_job(world, settings, worker_id="w-dead", host=host_name(), pid=dead_pid())
    client.force_login(world.tree.commune_office)

    page = client.get(reverse("dissemination:job", args=[job.pk])).content.decode()

    job.refresh_from_db()
    assert job.status == "failed"
    assert "Tiến trình chạy nền đã dừng khi đang nhập tệp này" in page
    assert "Chưa có dòng nào được nhập" in page
    assert 'data-testid="run-again"' in page and "Chạy lại" in page
    assert JobAttempt.objects.get(object_id=job.pk).outcome == "lost"

    response = client.post(reverse("dissemination:job-run-again", args=[job.pk]), follow=True)

    job.refresh_from_db()
    assert job.status == "done" and job.result["counts"]["present"] == 1
    assert "Chạy lại" not in response.content.decode()
    present = Attendance.objects.filter(session_id=job.params["session"], status="present")
    assert present.count() == 1


def test_a_job_of_a_worker_that_still_beats_is_left_running(client, world, settings):
    worker_beat(worker_id="w-alive", host="other-host", pid=4242)
    job = running_job(world, settings, worker_id="w-alive", host="other-host", pid=4242)
    client.force_login(world.tree.commune_office)

    data = client.get(reverse("dissemination:job-progress", args=[job.pk])).json()

    assert (data["status"], data["can_run_again"]) == ("running", False)


def test_a_worker_silent_longer_than_the_limit_loses_its_job_in_the_sweep(world, settings):
    settings.NQTRACK_WORKER_STALE_SECONDS = 60
    worker_beat(worker_id="w-far", host="other-host", pid=4242)
    job = running_job(world, settings, worker_id="w-far", host="other-host", pid=4242)

    assert maintenance.run_all()["imports_lost"] == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert maintenance.run_all()["imports_lost"] == 1

    job.refresh_from_db()
    assert job.status == "failed" and job.result == {"retryable": True, "interrupted": True}


def test_a_rejected_file_cannot_be_run_again(client, world):
    bad = csv_bytes(["code", "status"], [["XX-99", "present"]])
    job = jobs.start_import_job(
        by=world.tree.commune_office,
        kind="attendance",
        session=session_for(world),
        upload=io.BytesIO(bad),
        filename="a.csv",
    )
    client.force_login(world.tree.commune_office)

    assert job.status == "failed"
    page = client.get(reverse("dissemination:job", args=[job.pk]))
    assert "Chạy lại" not in page.content.decode()
    client.post(reverse("dissemination:job-run-again", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "failed"


def test_another_provinces_user_cannot_run_a_job_again(client, world, settings):
    job = running_job(world, settings, worker_id="w-dead", host=host_name(), pid=dead_pid())
    client.force_login(world.tree.outsider)

    assert client.post(reverse("dissemination:job-run-again", args=[job.pk])).status_code == 404


def test_the_last_heartbeat_is_that_of_the_latest_running_worker(db):
    assert last_worker_heartbeat() is None
    worker_beat(worker_id="w1", host=host_name(), pid=os.getpid())
    beat = last_worker_heartbeat()
    assert beat is not None and timezone.now() - beat < dt.timedelta(minutes=1)
