"""A real `nqtrack db_worker` process runs an import queued by the web code, and records its
heartbeat. PostgreSQL: against the test database itself. SQLite: the test database lives in
memory, where no other process can see it, so the test migrates a database file of its own."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from nqtrack.dissemination import jobs
from nqtrack.dissemination.models import Attendance
from nqtrack.dissemination.tests.support import build_world, csv_bytes
from nqtrack.jobs.models import JobAttempt, WorkerHeartbeat
from nqtrack.jobs.tests.support import session_for

ROWS = [["CB1-01", "Có mặt"], ["CB1-02", "vắng có lý do"], ["CB2-01", "vắng"]]
TIMEOUT = 120


def environment(database_url: str, media: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}
    env.update(NQTRACK_ALLOW_INSECURE_KEY="1", NQTRACK_TASKS_BACKEND="database")
    return env


def nqtrack(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nqtrack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def worker_batch(env: dict[str, str]) -> str:
    return nqtrack(env, "db_worker", "--batch", "--no-startup-delay", "--worker-id", "proc-1")


def postgres_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_runs_the_queued_import_against_the_test_database(
    tree, settings, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory: see the next test")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    world = build_world(tree)
    session = session_for(world)
    job = jobs.start_import_job(
        by=tree.commune_office,
        kind="attendance",
        session=session,
        upload=io.BytesIO(csv_bytes(["Mã đảng viên", "Tình trạng"], ROWS)),
        filename="diem-danh.csv",
    )
    assert job.status == "queued"

    worker_batch(environment(postgres_url(), tmp_path / "media"))

    job.refresh_from_db()
    assert (job.status, job.processed, job.total) == ("done", 3, 3)
    statuses = dict(
        Attendance.objects.filter(session=session).values_list("member__code", "status")
    )
    assert statuses["CB1-01"] == "present" and statuses["CB2-01"] == "absent"
    assert JobAttempt.objects.get(object_id=job.pk).worker_id == "proc-1"
    beat = WorkerHeartbeat.objects.get(worker_id="proc-1")
    assert beat.stopped_at is not None  # --batch: it stopped cleanly when the queue was empty


SEED = textwrap.dedent(
    """
    import io
    from nqtrack.testing import build_tree
    from nqtrack.dissemination import jobs
    from nqtrack.dissemination.tests.support import build_world, csv_bytes
    from nqtrack.jobs.tests.support import session_for
    tree = build_tree()
    world = build_world(tree)
    job = jobs.start_import_job(
        by=tree.commune_office, kind="attendance", session=session_for(world),
        upload=io.BytesIO(csv_bytes(["Mã đảng viên", "Tình trạng"], {rows!r})),
        filename="diem-danh.csv",
    )
    print("JOB", job.pk, job.status)
    """
)


def test_a_worker_process_runs_an_import_queued_in_a_sqlite_database_file(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: the previous test uses the test database itself")
    db_file = tmp_path / "worker.sqlite3"
    env = environment(f"sqlite:///{db_file}", tmp_path / "media")
    nqtrack(env, "migrate", "--noinput", "-v", "0")
    seeded = nqtrack(env, "shell", "-c", SEED.format(rows=ROWS))
    job_id, status = seeded.split("JOB ", 1)[1].split()
    assert status == "queued"

    worker_batch(env)

    with sqlite3.connect(db_file) as db:
        job = db.execute(
            "SELECT status, processed, total FROM dissemination_importjob WHERE id = ?", [job_id]
        ).fetchone()
        present = db.execute(
            "SELECT count(*) FROM dissemination_attendance a JOIN dissemination_member m"
            " ON m.id = a.member_id WHERE m.code = 'CB1-01' AND a.status = 'present'"
        ).fetchone()
        beat = db.execute(
            "SELECT stopped_at FROM jobs_workerheartbeat WHERE worker_id = 'proc-1'"
        ).fetchone()
    assert job == ("done", 3, 3)
    assert present == (1,)
    assert beat is not None and beat[0] is not None
