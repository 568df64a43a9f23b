"""Background tasks of study and dissemination (django-tasks; run by `nqtrack db_worker`)."""

from __future__ import annotations

from django_tasks import task

from nqtrack.dissemination import jobs


@task()
def run_import(job_id: int) -> str:
    """Run an import job (members, attendance or essay scores); returns its final status."""
    return str(jobs.run_import_job(job_id).status)
