"""Writes of the worker bookkeeping: heartbeats, job attempts, and the sweep of tasks whose
worker died (django-tasks leaves them "running" for ever)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from nqtrack.jobs.models import JobAttempt, WorkerHeartbeat
from nqtrack.jobs.runtime import current_worker
from nqtrack.jobs.selectors import heartbeats_of, worker_is_lost

LOST_EXCEPTION = "nqtrack.jobs.WorkerLost"


def worker_beat(
    *, worker_id: str, host: str, pid: int, now: datetime.datetime | None = None
) -> WorkerHeartbeat:
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        beat_at=now, host=host, pid=pid, stopped_at=None
    )
    if updated:
        return WorkerHeartbeat.objects.get(worker_id=worker_id)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, host=host, pid=pid, started_at=now, beat_at=now
    )


def worker_stopped(*, worker_id: str, now: datetime.datetime | None = None) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(stopped_at=now or timezone.now())


def workers_forget(*, before: datetime.datetime) -> int:
    """Drop heartbeats of workers silent since `before` (they only grow the table)."""
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=before).delete()
    return deleted


def job_attempt_start(*, subject: str, object_id: int) -> JobAttempt:
    worker_id, host, pid = current_worker()
    return JobAttempt.objects.create(
        subject=subject,
        object_id=object_id,
        worker_id=worker_id,
        host=host,
        pid=pid,
        started_at=timezone.now(),
    )


def job_attempt_finish(*, attempt_id: int, outcome: str) -> None:
    JobAttempt.objects.filter(pk=attempt_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome=outcome[:20]
    )


def job_attempts_mark_lost(*, attempt_ids: list[int]) -> None:
    JobAttempt.objects.filter(pk__in=attempt_ids, finished_at__isnull=True).update(
        finished_at=timezone.now(), outcome="lost"
    )


def task_results_sweep(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the django-tasks results left running by a dead worker; returns how many."""
    now = now or timezone.now()
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "id", "worker_ids", "started_at"
        )
    )
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    beats = heartbeats_of(ids)
    lost = []
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        beat = beats.get(worker_id)
        if worker_is_lost(
            worker_id=worker_id,
            host=beat.host if beat else "",
            pid=beat.pid if beat else 0,
            started_at=result.started_at or now,
            beats=beats,
            now=now,
        ):
            lost.append(result.pk)
    if not lost:
        return 0
    return DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=LOST_EXCEPTION,
        traceback="The worker running this task stopped (killed or its host restarted).",
    )
