"""Import jobs: queued, run once, progress and errors kept, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from nqtrack.core.models import AuditEvent
from nqtrack.dissemination import jobs, sessions
from nqtrack.dissemination.models import Attendance, ImportJob, Member
from nqtrack.dissemination.tests.support import MemberFactory, build_world, csv_bytes
from nqtrack.jobs.models import JobAttempt

D = dt.date


def session_for(world):
    return sessions.study_session_create(
        by=world.tree.commune_office,
        organizer=world.tree.xa,
        documents=[world.resolution],
        held_on=D(2025, 2, 20),
    )


def start(world, session, data, runner="sync"):
    return jobs.start_import_job(
        by=world.tree.commune_office,
        kind="attendance",
        session=session,
        upload=io.BytesIO(data),
        filename="diem-danh.csv",
        runner=runner,
    )


def test_a_good_attendance_file_is_imported_by_a_job_with_one_audit_event(world):
    session = session_for(world)
    data = csv_bytes(["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["CB1-02", "vang"]])

    job = start(world, session, data)

    assert (job.status, job.phase, job.total, job.processed) == ("done", "finished", 2, 2)
    assert job.result["counts"] == {"present": 1, "excused": 0, "absent": 1}
    assert Attendance.objects.get(session=session, member__code="CB1-01").status == "present"
    assert AuditEvent.objects.filter(action="import_attendance").count() == 1


def test_a_job_with_bad_rows_fails_keeps_the_reasons_and_writes_nothing(world):
    session = session_for(world)
    data = csv_bytes(["Mã đảng viên", "Tình trạng"], [["CB1-01", "Có mặt"], ["XX-99", "Có mặt"]])

    job = start(world, session, data)

    assert job.status == "failed" and job.error_count == 1
    assert job.errors == [
        {"line": 3, "code": "XX-99", "errors": ["Không có đảng viên nào mang mã XX-99."]}
    ]
    assert set(Attendance.objects.filter(session=session).values_list("status", flat=True)) == {""}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_waits_in_the_queue_until_a_worker_runs_it_once(tree, settings):
    """The worker runs in this process here (its loop would close a test transaction's
    connection, hence transaction=True); jobs/tests run it as a real process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    world = build_world(tree)
    session = session_for(world)
    job = start(world, session, csv_bytes(["code", "status"], [["CB1-01", "present"]]), runner=None)
    assert job.status == "queued"
    assert DBTaskResult.objects.get().task_path == "nqtrack.dissemination.tasks.run_import"

    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w1", "-v", "0")
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w2", "-v", "0")

    job.refresh_from_db()
    assert job.status == "done"
    assert AuditEvent.objects.filter(action="import_attendance").count() == 1
    assert jobs.run_import_job(job.pk).status == "done"  # claimed already: not run again
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert JobAttempt.objects.get(object_id=job.pk).worker_id == "w1"


def test_a_viewer_cannot_start_an_import(world):
    session = session_for(world)
    with pytest.raises(Exception) as caught:
        jobs.start_import_job(
            by=world.tree.province_viewer,
            kind="attendance",
            session=session,
            upload=io.BytesIO(b"code,status\n"),
            filename="a.csv",
            runner="sync",
        )
    assert caught.type.__name__ == "PermissionDenied"
    assert not ImportJob.objects.exists()


def test_members_import_job_creates_the_register(world):
    data = csv_bytes(["Mã", "Họ tên", "Mã chi bộ"], [["CB1-40", "Lý Văn Minh", "A-CB1"]])
    job = jobs.start_import_job(
        by=world.tree.commune_office,
        kind="members",
        organization=world.tree.xa,
        upload=io.BytesIO(data),
        filename="dv.csv",
        runner="sync",
    )
    assert job.status == "done" and job.result["counts"] == {"created": 1, "updated": 0}
    assert Member.objects.get(code="CB1-40").organization == world.tree.cb


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_of_the_writing_phase_is_visible_before_the_import_commits(tree, settings):
    """PostgreSQL: progress goes through a second connection, so another reader sees it while
    the import's own transaction is still open. SQLite saves it at phase boundaries only."""
    if connection.vendor != "postgresql":
        pytest.skip("progress inside the write transaction is saved on PostgreSQL only")
    settings.NQTRACK_IMPORT_PROGRESS_EVERY = 10
    world = build_world(tree)
    for i in range(40):
        MemberFactory(code=f"P{i:03d}", organization=tree.cb)
    session = session_for(world)
    rows = [[f"P{i:03d}", "có mặt"] for i in range(40)]
    job_file = csv_bytes(["code", "status"], rows)
    observed: list[tuple[str, int]] = []
    original = jobs.ProgressReporter.__call__

    def spy(self, processed):
        original(self, processed)
        if connection.in_atomic_block:
            reader = connections.create_connection("default")
            try:
                with reader.cursor() as cursor:
                    cursor.execute(
                        "SELECT phase, processed FROM dissemination_importjob WHERE id = %s",
                        [self.job_id],
                    )
                    observed.append(cursor.fetchone())
            finally:
                reader.close()

    jobs.ProgressReporter.__call__ = spy  # type: ignore[method-assign]
    try:
        job = start(world, session, job_file)
    finally:
        jobs.ProgressReporter.__call__ = original  # type: ignore[method-assign]

    assert job.status == "done"
    writing = [p for phase, p in observed if phase == "writing"]
    assert writing and 0 < writing[0] < 40 and writing == sorted(writing)
