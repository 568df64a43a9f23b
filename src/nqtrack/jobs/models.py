"""Bookkeeping of background jobs: which workers are alive, and which worker runs what.

The task queue itself is django-tasks' database backend (django_tasks_db.DBTaskResult). A
worker killed mid-task leaves its row "running" for ever; these two tables let a sweep tell a
dead worker from a slow one and end its jobs (see nqtrack.jobs.services).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per `nqtrack db_worker` process, updated every few seconds while it lives."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heartbeat"), db_index=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"


class JobAttempt(models.Model):
    """One run of a job (an import, …) by one worker process. Unfinished attempts of a dead
    worker are what the stale-job sweep ends."""

    subject = models.CharField(_("job"), max_length=40)  # e.g. "import"
    object_id = models.BigIntegerField(_("object id"))
    worker_id = models.CharField(_("worker"), max_length=64)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "object_id"]),
            models.Index(fields=["finished_at"]),
        ]
        verbose_name = _("job attempt")
        verbose_name_plural = _("job attempts")

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id} @ {self.worker_id}"
