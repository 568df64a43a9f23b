"""Background tasks of notifications (django-tasks; run by `nqtrack db_worker`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from nqtrack.jobs.queue import enqueue_later, task_waiting
from nqtrack.notifications import outbox


@task()
def send_due_mail() -> dict[str, int]:
    """Send the e-mail that is due; when some waits for a retry, run again at its time."""
    run = outbox.outbox_send_due()
    later = outbox.next_due_at()
    if later is not None and not task_waiting(send_due_mail, by=later):
        enqueue_later(send_due_mail, max(later, timezone.now()))
    return run.as_dict()


@task()
def run_reminders(day: str | None = None) -> dict[str, int]:
    """The daily reminders (`nqtrack send_reminders`) as a task; `day` is ISO, default today.
    Safe to repeat: each reminder is claimed before it is sent."""
    import datetime

    from nqtrack.notifications.services import send_reminders

    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    run = send_reminders(today=today)
    return {
        "reminders": run.reminders,
        "review_reminders": run.review_reminders,
        "skipped": run.skipped,
        "digests": run.digests,
    }
