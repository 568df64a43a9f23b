"""Enqueueing background tasks (django-tasks) once the caller's transaction commits.

A task enqueued inside a transaction that later rolls back would run on rows that do not
exist, and a worker could pick it up before the rows are visible; so tasks are enqueued on
commit. With the immediate backend (tests, `NQTRACK_TASKS_BACKEND=immediate`) the task runs at
once, in the caller's process and transaction, as the old "sync" import runner did.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django_tasks import TaskResultStatus
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def runs_immediately(task: Any) -> bool:
    return isinstance(task.get_backend(), ImmediateBackend)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    if runs_immediately(task):
        task.enqueue(*args, **kwargs)
        return
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def enqueue_later(task: Any, run_after: datetime.datetime, *args: Any) -> bool:
    """Enqueue `task` to run at `run_after`, where the backend can defer; False otherwise
    (then the next run of whatever enqueues the task picks the work up)."""
    backend = task.get_backend()
    if not backend.supports_defer:
        return False
    transaction.on_commit(lambda: task.using(run_after=run_after).enqueue(*args))
    return True


def task_waiting(task: Any, *, by: datetime.datetime | None = None) -> bool:
    """Whether the database queue holds a run of `task` that has not started (and, with
    `by`, that will start by then)."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    if by is not None:
        waiting = waiting.filter(Q(run_after__lte=by) | Q(run_after=get_date_max()))
    return waiting.exists()
