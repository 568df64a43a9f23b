"""Import jobs: an uploaded table imported in the background with progress and row errors.

start_import_job stores the file and a queued ImportJob, then runs it according to
conf.import_runner(): in a thread started when the request's transaction commits (default),
left for `nqtrack run_import_jobs`, or at once ("sync", used by tests and small sites).
run_import_job claims the job with a conditional UPDATE (queued → running), so a job never
runs twice even when a thread and the command race.

Progress. A job checks every row (outside any transaction: progress is saved as it goes),
then writes all rows in one transaction. Progress saved through the importing connection
inside that transaction would only appear at commit, and vanish on rollback, so:
- on PostgreSQL the writing phase reports progress through a second, autocommit connection
  (with a short lock timeout, and only when the job row is not locked by the caller);
- on SQLite a second writer would wait for the importing one (one writer at a time), so
  progress is saved at phase boundaries only: checked N rows, writing, done.
"""

from __future__ import annotations

import logging
import threading
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
    `runner` overrides conf.import_runner() ("thread", "command" or "sync").
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
    job = ImportJob(
        kind=kind,
        organization=organization,
        params=params,
        original_name=filename[:255],
        created_by=by,
    )
    content = upload if isinstance(upload, File) else ContentFile(upload.read())
    job.file.save(filename, content, save=False)
    job.save()
    mode = runner or conf.import_runner()
    if mode == "sync":
        return run_import_job(job.pk)
    if mode == "thread":
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(job_id: int) -> None:
    threading.Thread(
        target=_run_in_thread, args=(job_id,), name=f"import-job-{job_id}", daemon=True
    ).start()


def _run_in_thread(job_id: int) -> None:
    try:
        run_import_job(job_id)
    finally:
        connection.close()


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


def run_import_job(job_id: int) -> ImportJob:
    """Run a queued job to the end: check every row, then write all or nothing."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, phase=ImportPhase.CHECKING, started_at=now
    )
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    if not claimed:
        return job
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
        )
    finally:
        progress.close()
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
    return job


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


def _from_check(report: importing.ImportCheck) -> _Outcome:
    errors = [{"line": 0, "code": "", "errors": report.file_errors}] if report.file_errors else []
    errors += [e.as_dict() for e in report.errors[:MAX_STORED_ERRORS]]
    return _Outcome(
        ok=False,
        errors=errors,
        result={"total": report.total, "counts": report.counts},
        error_count=len(report.errors) + (1 if report.file_errors else 0),
    )


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
    report = importing.members_import_apply(by=by, scope=job.organization, report=report)
    return _Outcome(ok=True, result={"total": report.total, "counts": report.counts})


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
    importing.attendance_import_apply(by=by, session=session, report=report, progress=progress)
    return _Outcome(ok=True, result={"total": report.total, "counts": report.counts})


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
    importing.scores_import_apply(by=by, entry=entry)
    return _Outcome(ok=True, result={"total": report.total, "counts": report.counts})


_HANDLERS: dict[str, Callable[[ImportJob, ProgressReporter], _Outcome]] = {
    ImportKind.MEMBERS: _run_members,
    ImportKind.ATTENDANCE: _run_attendance,
    ImportKind.ESSAY_SCORES: _run_scores,
}


def run_queued_import_jobs(*, limit: int | None = None) -> int:
    """Run queued jobs, oldest first; returns how many this call ran."""
    ran = 0
    ids = ImportJob.objects.filter(status=ImportStatus.QUEUED).order_by("created_at", "id")
    for job_id in list(ids.values_list("pk", flat=True)[:limit]):
        job = run_import_job(job_id)
        ran += job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    return ran
