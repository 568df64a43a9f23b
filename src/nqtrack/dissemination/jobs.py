"""Import jobs: an uploaded table imported in the background with progress and row errors.

start_import_job stores the file and a queued ImportJob, then enqueues the task
dissemination.tasks.run_import when the request's transaction commits; `nqtrack db_worker`
runs it (with the immediate tasks backend, or runner="sync", it runs at once, in the caller).
run_import_job claims the job with a conditional UPDATE (queued → running), so a job never
runs twice even when two workers race, and records a JobAttempt naming its worker process.

All or nothing. A job checks every row (outside any transaction: progress is saved as it
goes), then writes all rows *and* its own "done" in one transaction. A worker killed at any
point therefore leaves either the finished job or no rows at all, with the job "running";
import_jobs_sweep (run by every worker's heartbeat and by the job page) finds such a job by
its attempt's dead worker and marks it failed with a message and a "run again" button.

Progress. Progress saved through the importing connection inside that transaction would only
appear at commit, and vanish on rollback, so:
- on PostgreSQL the writing phase reports progress through a second, autocommit connection
  (with a short lock timeout, and only when the job row is not locked by the caller);
- on SQLite a second writer would wait for the importing one (one writer at a time), so
  progress is saved at phase boundaries only: checked N rows, writing, done.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.dissemination import conf, importing
from nqtrack.dissemination.access import require_unit
from nqtrack.dissemination.models import (
    ImportJob,
    ImportKind,
    ImportPhase,
    ImportStatus,
    StudySession,
)
from nqtrack.documents.models import Document
from nqtrack.jobs import conf as jobs_conf
from nqtrack.jobs.queue import enqueue_on_commit
from nqtrack.jobs.selectors import lost_attempts, open_attempt_ids
from nqtrack.jobs.services import job_attempt_finish, job_attempt_start, job_attempts_mark_lost
from nqtrack.organizations.models import Organization, User

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1_000


def start_import_job(
    *,
    by: User,
    kind: str,
    upload: IO[bytes],
    filename: str,
    organization: Organization | None = None,
    session: StudySession | None = None,
    document: Document | None = None,
    runner: str | None = None,
) -> ImportJob:
    """Queue an import and start it.

    kind "members": `organization` is the scope (members of its subtree);
    kind "attendance": `session` (its organizer is the scope);
    kind "essay_scores": `organization` and `document`.
    `runner="sync"` runs the job at once in this process (benchmarks, scripts); otherwise the
    task is enqueued on commit (see the module docstring).
    """
    params: dict[str, Any] = {}
    if kind == ImportKind.ATTENDANCE:
        if session is None:
            raise field_error("session", _("Choose the study session."))
        organization = session.organizer
        params["session"] = session.pk
    elif kind == ImportKind.ESSAY_SCORES:
        if document is None:
            raise field_error("document", _("Choose the document."))
        params["document"] = document.pk
    elif kind != ImportKind.MEMBERS:
        raise field_error("kind", _("Unknown kind of import."))
    if organization is None:
        raise field_error("organization", _("Choose the organization."))
    require_unit(by, organization)
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise field_error("file", _("Choose an .xlsx or .csv table to import."))
    from nqtrack.core.uploads import TABLE_FILES, check_upload

    checked = check_upload(upload, accept=TABLE_FILES, name=filename)  # before storing it
    job = ImportJob(
        kind=kind,
        organization=organization,
        params=params,
        original_name=checked.name,
        created_by=by,
    )
    content = upload if isinstance(upload, File) else ContentFile(upload.read())
    job.file.save(checked.name, content, save=False)
    job.save()
    if runner == "sync":
        return run_import_job(job.pk)
    _enqueue(job)
    if job.status == ImportStatus.QUEUED:  # the immediate backend may have run it already
        job.refresh_from_db()
    return job


def _enqueue(job: ImportJob) -> None:
    from nqtrack.dissemination.tasks import run_import

    enqueue_on_commit(run_import, job.pk)


class ProgressReporter:
    """Saves a running job's phase and processed rows (see the module docstring)."""

    def __init__(self, job: ImportJob, *, caller_in_transaction: bool) -> None:
        self.job_id = job.pk
        self.every = max(conf.import_progress_every(), 1)
        self.last = 0
        # A side connection cannot wait for a job row the caller's transaction has locked.
        self.side_allowed = connection.vendor == "postgresql" and not caller_in_transaction
        self.side: Any = None

    def phase(self, phase: str, *, total: int, processed: int = 0) -> None:
        ImportJob.objects.filter(pk=self.job_id).update(
            phase=phase, total=total, processed=processed
        )
        self.last = processed

    def __call__(self, processed: int) -> None:
        if processed - self.last < self.every:
            return
        self.last = processed
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(processed=processed)
        elif self.side_allowed:
            self._side_update(processed)

    def _side_update(self, processed: int) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        except Exception:  # progress is a courtesy; the import must not fail for it
            logger.warning("import job %s: progress not saved", self.job_id, exc_info=True)
            self.side_allowed = False

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _estimate_rows(job: ImportJob) -> int:
    """Data rows in the file, for the progress bar of the checking phase."""
    name = job.original_name.lower()
    with job.file.open("rb") as f:
        if name.endswith(".csv"):
            return max(f.read().count(b"\n") - 1, 0)
        try:
            import openpyxl

            book = openpyxl.load_workbook(f, read_only=True)
            rows = (book.worksheets[0].max_row or 1) - 1
            book.close()
            return max(rows, 0)
        except Exception:
            return 0


ATTEMPT_SUBJECT = "import"


def run_import_job(job_id: int) -> ImportJob:
    """Run a queued job to the end: check every row, then write all or nothing."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, phase=ImportPhase.CHECKING, started_at=now
    )
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    if not claimed:
        return job
    attempt = job_attempt_start(subject=ATTEMPT_SUBJECT, object_id=job.pk)
    progress = ProgressReporter(job, caller_in_transaction=connection.in_atomic_block)
    try:
        progress.phase(ImportPhase.CHECKING, total=_estimate_rows(job))
        handler = _HANDLERS[job.kind]
        outcome = handler(job, progress)
    except (ValidationError, PermissionDenied) as exc:
        outcome = _Outcome(ok=False, errors=[{"line": 0, "code": "", "errors": _messages(exc)}])
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        outcome = _Outcome(
            ok=False,
            errors=[
                {
                    "line": 0,
                    "code": "",
                    "errors": [_("The import stopped on an error: %(error)s") % {"error": exc}],
                }
            ],
            result={"retryable": True},
        )
    finally:
        progress.close()
    if not outcome.saved:
        _save_outcome(job, outcome)
    job_attempt_finish(attempt_id=attempt.pk, outcome=job.status)
    return job


def _save_outcome(job: ImportJob, outcome: _Outcome) -> None:
    job.refresh_from_db()
    job.status = ImportStatus.DONE if outcome.ok else ImportStatus.FAILED
    job.phase = ImportPhase.FINISHED
    job.errors = outcome.errors[:MAX_STORED_ERRORS]
    job.error_count = outcome.error_count or len(outcome.errors)
    job.result = outcome.result
    if outcome.ok:
        job.processed = job.total
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "phase",
            "errors",
            "error_count",
            "result",
            "processed",
            "finished_at",
        ]
    )
    outcome.saved = True


def _messages(exc: Exception) -> list[str]:
    return [str(m) for m in getattr(exc, "messages", [str(exc)])]


class _Outcome:
    def __init__(
        self,
        *,
        ok: bool,
        errors: list[dict[str, Any]] | None = None,
        result: dict[str, Any] | None = None,
        error_count: int = 0,
    ) -> None:
        self.ok = ok
        self.errors = errors or []
        self.result = result or {}
        self.error_count = error_count
        self.saved = False


def _from_check(report: importing.ImportCheck) -> _Outcome:
    errors = [{"line": 0, "code": "", "errors": report.file_errors}] if report.file_errors else []
    errors += [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]]
    return _Outcome(
        ok=False,
        errors=errors,
        result={"total": report.total, "counts": report.counts},
        error_count=len(report.errors) + (1 if report.file_errors else 0),
    )


def _done(job: ImportJob, report: importing.ImportCheck) -> _Outcome:
    """Save the job as done inside the writing transaction: the rows and "done" commit
    together, or neither does."""
    outcome = _Outcome(ok=True, result={"total": report.total, "counts": report.counts})
    _save_outcome(job, outcome)
    return outcome


def _user(job: ImportJob) -> User:
    if job.created_by is None:
        raise ValidationError(_("The user who started the import no longer exists."))
    return job.created_by


def _run_members(job: ImportJob, progress: ProgressReporter) -> _Outcome:
    by = _user(job)
    with job.file.open("rb") as f:
        report = importing.members_import_check(
            by=by, scope=job.organization, upload=f, filename=job.original_name, progress=progress
        )
    if not report.ok:
        return _from_check(report)
    progress.phase(ImportPhase.WRITING, total=len(report.values))
    with transaction.atomic():
        report = importing.members_import_apply(by=by, scope=job.organization, report=report)
        return _done(job, report)


def _run_attendance(job: ImportJob, progress: ProgressReporter) -> _Outcome:
    by = _user(job)
    session = StudySession.objects.select_related("organizer").get(pk=job.params["session"])
    with job.file.open("rb") as f:
        report = importing.attendance_import_check(
            by=by, session=session, upload=f, filename=job.original_name, progress=progress
        )
    if not report.ok:
        return _from_check(report)
    progress.phase(ImportPhase.WRITING, total=len(report.values))
    with transaction.atomic():
        importing.attendance_import_apply(by=by, session=session, report=report, progress=progress)
        return _done(job, report)


def _run_scores(job: ImportJob, progress: ProgressReporter) -> _Outcome:
    by = _user(job)
    document = Document.objects.get(pk=job.params["document"])
    with job.file.open("rb") as f:
        report, entry = importing.scores_import_check(
            by=by,
            organization=job.organization,
            document=document,
            upload=f,
            filename=job.original_name,
            progress=progress,
        )
    if not report.ok or entry is None:
        return _from_check(report)
    progress.phase(ImportPhase.WRITING, total=report.total)
    with transaction.atomic():
        importing.scores_import_apply(by=by, entry=entry)
        return _done(job, report)


_HANDLERS: dict[str, Callable[[ImportJob, ProgressReporter], _Outcome]] = {
    ImportKind.MEMBERS: _run_members,
    ImportKind.ATTENDANCE: _run_attendance,
    ImportKind.ESSAY_SCORES: _run_scores,
}


# A worker that dies mid-job ------------------------------------------------------------


def interrupted_message() -> str:
    return _(
        "The import was interrupted: the background worker running it stopped (the server "
        "restarted or the process was killed). Nothing was imported. Press “Run again” to "
        "import the same file again."
    )


def import_jobs_sweep(
    *, job_ids: list[int] | None = None, now: datetime.datetime | None = None
) -> int:
    """Mark failed, with a message and "run again", the running jobs whose worker died.

    A job is lost when its open attempt's worker is lost (nqtrack.jobs.selectors), or when it
    has been running longer than the stale limit with no open attempt at all (a process that
    died between claiming the job and recording its attempt). Returns how many were ended."""
    now = now or timezone.now()
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING)
    if job_ids is not None:
        running = running.filter(pk__in=job_ids)
    started = dict(running.values_list("pk", "started_at"))
    if not started:
        return 0
    ids = list(started)
    lost = lost_attempts(subject=ATTEMPT_SUBJECT, object_ids=ids, now=now)
    lost_jobs = {a.object_id for a in lost}
    with_attempt = open_attempt_ids(subject=ATTEMPT_SUBJECT, object_ids=ids)
    limit = now - jobs_conf.stale_after()
    lost_jobs |= {
        pk for pk, at in started.items() if pk not in with_attempt and (at is None or at < limit)
    }
    if not lost_jobs:
        return 0
    ended = ImportJob.objects.filter(pk__in=lost_jobs, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED,
        phase=ImportPhase.FINISHED,
        errors=[{"line": 0, "code": "", "errors": [interrupted_message()]}],
        error_count=1,
        result={"retryable": True, "interrupted": True},
        finished_at=now,
    )
    job_attempts_mark_lost(attempt_ids=[a.pk for a in lost])
    if ended:
        logger.warning("import jobs %s: worker lost, marked failed", sorted(lost_jobs))
    return ended


def can_run_again(job: ImportJob) -> bool:
    return job.status == ImportStatus.FAILED and bool(job.result.get("retryable"))


def import_job_rerun(*, by: User, job: ImportJob) -> ImportJob:
    """Queue a failed job again on the same file ("Chạy lại"). Safe: the import writes all
    rows or none, members are updated by code and attendance replaces the session's list."""
    require_unit(by, job.organization)
    if not can_run_again(job):
        raise ValidationError(_("Only an interrupted import can be run again."))
    reset = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.QUEUED,
        phase=ImportPhase.WAITING,
        total=0,
        processed=0,
        errors=[],
        error_count=0,
        result={},
        started_at=None,
        finished_at=None,
    )
    if not reset:
        raise ValidationError(_("The import is already running again."))
    _enqueue(job)
    job.refresh_from_db()
    return job
