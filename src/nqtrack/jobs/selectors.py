"""Reads of the worker bookkeeping: is a worker alive, which attempts were lost."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone

from nqtrack.jobs import conf
from nqtrack.jobs.models import JobAttempt, WorkerHeartbeat
from nqtrack.jobs.runtime import host_name, pid_alive


def last_worker_heartbeat() -> datetime.datetime | None:
    """When a running worker last said it was alive (None: no worker has ever run).
    Workers that stopped cleanly do not count."""
    found = WorkerHeartbeat.objects.filter(stopped_at__isnull=True).aggregate(last=Max("beat_at"))
    return found["last"]


def worker_is_lost(
    *,
    worker_id: str,
    host: str,
    pid: int,
    started_at: datetime.datetime,
    beats: dict[str, WorkerHeartbeat],
    now: datetime.datetime,
) -> bool:
    """Whether the worker that started something at `started_at` can no longer finish it.

    On the same host a vanished pid says so at once; elsewhere the worker's heartbeat must be
    older than conf.stale_after() (or, for a process without heartbeats, the start itself)."""
    if host == host_name() and not pid_alive(pid):
        return True
    beat = beats.get(worker_id)
    limit = now - conf.stale_after()
    if beat is None:
        return started_at < limit
    if beat.stopped_at is not None:
        return beat.stopped_at >= started_at
    return beat.beat_at < limit


def heartbeats_of(worker_ids: set[str]) -> dict[str, WorkerHeartbeat]:
    return {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=worker_ids)}


def lost_attempts(
    *, subject: str, object_ids: list[int] | None = None, now: datetime.datetime | None = None
) -> list[JobAttempt]:
    """Unfinished attempts of `subject` whose worker is lost."""
    now = now or timezone.now()
    open_attempts = JobAttempt.objects.filter(subject=subject, finished_at__isnull=True)
    if object_ids is not None:
        open_attempts = open_attempts.filter(object_id__in=object_ids)
    attempts = list(open_attempts)
    beats = heartbeats_of({a.worker_id for a in attempts})
    return [
        a
        for a in attempts
        if worker_is_lost(
            worker_id=a.worker_id,
            host=a.host,
            pid=a.pid,
            started_at=a.started_at,
            beats=beats,
            now=now,
        )
    ]


def open_attempt_ids(*, subject: str, object_ids: list[int]) -> set[int]:
    """Objects of `subject` that have an unfinished attempt."""
    return set(
        JobAttempt.objects.filter(
            subject=subject, object_id__in=object_ids, finished_at__isnull=True
        ).values_list("object_id", flat=True)
    )
