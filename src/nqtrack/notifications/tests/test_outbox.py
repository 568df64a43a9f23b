"""E-mail goes through the outbox: a refusing SMTP server delays a message, loses nothing and
never sends it twice; after the last attempt it is failed and shown to administrators."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from nqtrack.jobs.tests.support import free_port
from nqtrack.notifications.models import OutboxMessage
from nqtrack.notifications.outbox import outbox_enqueue, outbox_send_due, retry_delay

SUBJECT = "NQTrack: nhắc việc “Ban hành kế hoạch” của Nghị quyết 05-NQ/TU"


class RefusesFirst:
    """A mail server that answers 451 (try again later) to the first `refusals` recipients."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.received: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    handler = RefusesFirst(refusals=1)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.NQTRACK_MAIL_RETRY_SECONDS = 60
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_a_refused_message_waits_then_arrives_exactly_once_with_its_vietnamese_subject(smtp):
    start = timezone.now()
    message = outbox_enqueue(to="vp@xa-a.vn", subject=SUBJECT, body="Kính gửi đồng chí,\n…")

    message.refresh_from_db()  # the immediate backend tried at once, and the server refused
    assert (message.status, message.attempts, smtp.received) == ("pending", 1, [])
    assert "451" in message.last_error
    assert message.next_attempt_at - start >= dt.timedelta(seconds=60)

    with time_machine.travel(start + dt.timedelta(seconds=30)):
        assert outbox_send_due().sent == 0  # not due yet
    with time_machine.travel(start + dt.timedelta(seconds=61)):
        assert outbox_send_due().sent == 1
    with time_machine.travel(start + dt.timedelta(hours=5)):
        assert outbox_send_due().sent == 0

    assert len(smtp.received) == 1
    received = email.message_from_bytes(smtp.received[0], policy=email.policy.default)
    assert str(received["Subject"]).strip() == SUBJECT and received["To"] == "vp@xa-a.vn"
    assert "Kính gửi đồng chí" in received.get_content()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2) and message.sent_at is not None


def test_the_delay_doubles_after_each_failure(settings):
    settings.NQTRACK_MAIL_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8)] == [60, 120, 240, 7680]


@pytest.mark.django_db
def test_after_the_last_attempt_a_message_is_failed_listed_for_admins_and_can_be_resent(
    settings, admin_client
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 5
    settings.NQTRACK_MAIL_ATTEMPTS = 3
    settings.NQTRACK_MAIL_RETRY_SECONDS = 60
    start = timezone.now()
    message = outbox_enqueue(to="vp@xa-a.vn", subject=SUBJECT, body="…")  # attempt 1
    with time_machine.travel(start + dt.timedelta(seconds=61)):
        assert outbox_send_due().delayed == 1  # attempt 2, then 120 s
    with time_machine.travel(start + dt.timedelta(seconds=61 + 121)):
        assert outbox_send_due().failed == 1  # attempt 3: the last
    with time_machine.travel(start + dt.timedelta(days=2)):
        assert outbox_send_due().as_dict() == {"sent": 0, "delayed": 0, "failed": 0}

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()
    page = admin_client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert SUBJECT in page.content.decode() and "không gửi được" in page.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin_client.post(
        reverse("admin:notifications_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == "sent"
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_many_messages_queue_one_sending_task_that_sends_them_all(
    settings, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    from nqtrack.notifications.tasks import send_due_mail

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            outbox_enqueue(to=f"u{n}@xa-a.vn", subject=SUBJECT, body="…")

    assert DBTaskResult.objects.filter(task_path=send_due_mail.module_path).count() == 1
    assert mail.outbox == []  # nothing leaves before a worker runs the task

    assert send_due_mail.call() == {"sent": 3, "delayed": 0, "failed": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@xa-a.vn", "u1@xa-a.vn", "u2@xa-a.vn"]
