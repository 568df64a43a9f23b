"""E-mail outbox: every message is stored first, then sent by a background task with retries.

outbox_enqueue stores an OutboxMessage and enqueues notifications.tasks.send_due_mail on
commit. Sending claims each due message with a conditional UPDATE (so two workers never send
the same one) and counts the attempt. An SMTP failure (refused, timed out, server down)
delays the message by NQTRACK_MAIL_RETRY_SECONDS × 2^(attempt − 1) and keeps the error; after
NQTRACK_MAIL_ATTEMPTS attempts it is marked failed and listed for the administrators (Django
admin → Outgoing e-mail), who may send it again. A worker killed mid-send leaves the message
"sending" with an expired claim, and it is sent again: delivery is at least once.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from nqtrack.core.env import env_int
from nqtrack.jobs.queue import runs_immediately, task_waiting
from nqtrack.notifications.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

CLAIM = datetime.timedelta(minutes=10)
LONGEST_DELAY = datetime.timedelta(days=1)


def max_attempts() -> int:
    """Attempts before a message is failed (NQTRACK_MAIL_ATTEMPTS, default 8)."""
    value = int(getattr(settings, "NQTRACK_MAIL_ATTEMPTS", env_int("NQTRACK_MAIL_ATTEMPTS", 8)))
    if value < 1:
        raise ImproperlyConfigured(f"NQTRACK_MAIL_ATTEMPTS must be at least 1, not {value}")
    return value


def retry_base() -> datetime.timedelta:
    """Delay after the first failure (NQTRACK_MAIL_RETRY_SECONDS, default 60); it doubles
    after each further failure, up to a day."""
    value = int(
        getattr(settings, "NQTRACK_MAIL_RETRY_SECONDS", env_int("NQTRACK_MAIL_RETRY_SECONDS", 60))
    )
    if value < 1:
        raise ImproperlyConfigured(f"NQTRACK_MAIL_RETRY_SECONDS must be at least 1, not {value}")
    return datetime.timedelta(seconds=value)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Wait after the `attempts`-th failed attempt: base, 2 × base, 4 × base, …"""
    return min(retry_base() * 2 ** max(attempts - 1, 0), LONGEST_DELAY)


def outbox_enqueue(*, to: str, subject: str, body: str) -> OutboxMessage:
    """Store an e-mail to `to`; a background task sends it once the transaction commits."""
    message = OutboxMessage.objects.create(
        to=to[:254],
        subject=" ".join(subject.split())[:255],
        body=body,
        next_attempt_at=timezone.now(),
    )
    _send_soon()
    return message


def _send_soon() -> None:
    """Have the sending task run soon: at once with the immediate backend; otherwise on
    commit, unless a run is already waiting (a digest of 500 users queues one task)."""
    from nqtrack.notifications.tasks import send_due_mail

    if runs_immediately(send_due_mail):
        send_due_mail.enqueue()
    else:
        transaction.on_commit(outbox_kick)


@dataclass
class OutboxRun:
    sent: int = 0
    delayed: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "delayed": self.delayed, "failed": self.failed}


def _due(now: datetime.datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, locked_until__lt=now
    )


def outbox_send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> OutboxRun:
    """Send the messages that are due, oldest first; each one is claimed before it is sent."""
    now = now or timezone.now()
    run = OutboxRun()
    due = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "id")
    connection = None
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        claimed = OutboxMessage.objects.filter(_due(now), pk=pk).update(
            status=OutboxStatus.SENDING,
            locked_until=now + CLAIM,
            attempts=F("attempts") + 1,
        )
        if not claimed:
            continue  # another worker has it
        message = OutboxMessage.objects.get(pk=pk)
        try:
            if connection is None:
                connection = get_connection()
            EmailMessage(
                subject=message.subject,
                body=message.body,
                to=[message.to],
                connection=connection,
            ).send()
        except Exception as exc:
            _close(connection)
            connection = None
            if _attempt_failed(message, exc, now):
                run.failed += 1
            else:
                run.delayed += 1
            continue
        OutboxMessage.objects.filter(pk=pk).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), locked_until=None
        )
        run.sent += 1
    _close(connection)
    return run


def _close(connection: object | None) -> None:
    try:
        if connection is not None:
            connection.close()  # type: ignore[attr-defined]
    except Exception:
        pass


def _attempt_failed(message: OutboxMessage, exc: Exception, now: datetime.datetime) -> bool:
    """Delay the message, or fail it after its last attempt; True when failed."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= max_attempts():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.FAILED, last_error=error, locked_until=None
        )
        logger.error("e-mail %s to %s failed for good: %s", message.pk, message.to, error)
        return True
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING,
        next_attempt_at=now + retry_delay(message.attempts),
        last_error=error,
        locked_until=None,
    )
    logger.warning("e-mail %s to %s delayed: %s", message.pk, message.to, error)
    return False


def next_due_at() -> datetime.datetime | None:
    """When the next waiting message falls due (None: nothing waits)."""
    found = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).aggregate(
        at=Min("next_attempt_at")
    )
    return found["at"]


def outbox_kick(*, now: datetime.datetime | None = None) -> bool:
    """Enqueue the sending task when messages are due and no such task waits (run by every
    worker's heartbeat, so that a retry is never forgotten). True when it enqueued."""
    from nqtrack.notifications.tasks import send_due_mail

    now = now or timezone.now()
    if not OutboxMessage.objects.filter(_due(now)).exists() or task_waiting(send_due_mail, by=now):
        return False
    send_due_mail.enqueue()
    return True


def outbox_retry(*, ids: list[int]) -> int:
    """Send failed messages again, from a fresh count of attempts (administrators)."""
    updated = OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        _send_soon()
    return updated
