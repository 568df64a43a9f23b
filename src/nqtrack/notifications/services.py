"""The reminder job: in-app notifications and one e-mail digest per user per day."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import with_status
from nqtrack.assignments.status import CANCELLED, DONE
from nqtrack.notifications.models import DigestLog, Notification, ReminderLog
from nqtrack.notifications.rules import BEFORE, DUE_TODAY, reminder_key
from nqtrack.organizations.models import Role, User

RECIPIENT_ROLES = (Role.OFFICE, Role.REPORTER)


@dataclass
class ReminderRun:
    reminders: int = 0
    skipped: int = 0
    digests: int = 0


def _message(task: Task, key: str) -> str:
    due = task.due_on.strftime("%d/%m/%Y") if task.due_on else ""
    if key == BEFORE:
        text = _("Due on %(date)s: %(task)s")
    elif key == DUE_TODAY:
        text = _("Due today (%(date)s): %(task)s")
    else:
        text = _("Overdue since %(date)s: %(task)s")
    return (text % {"date": due, "task": task.text})[:500]


def _claim(task: Task, user: User, key: str, today: datetime.date) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(task=task, user=user, key=key, sent_on=today)
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: datetime.date, days_before: int | None = None) -> ReminderRun:
    """Remind the lead unit's office staff and reporters of tasks coming due, due today and
    overdue (weekly). Safe to run twice, or twice at once: each reminder is claimed first."""
    days_before = settings.NQTRACK_REMIND_DAYS_BEFORE if days_before is None else days_before
    run = ReminderRun()
    tasks = (
        with_status(Task.objects.select_related("lead"), today=today)
        .exclude(status__in=[*DONE, CANCELLED])  # type: ignore[misc]
        .filter(due_on__isnull=False)
    )
    users_by_org: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, role__in=RECIPIENT_ROLES, organization__isnull=False
    ):
        users_by_org[user.organization_id].append(user)  # type: ignore[index]
    digest: dict[User, list[Notification]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for task in tasks:
            key = reminder_key(due_on=task.due_on, today=today, days_before=days_before)
            if key is None:
                continue
            for user in users_by_org.get(task.lead_id, []):
                if not _claim(task, user, key, today):
                    run.skipped += 1
                    continue
                note = Notification.objects.create(
                    user=user,
                    message=_message(task, key),
                    url=reverse("assignments:detail", args=[task.pk]),
                )
                digest[user].append(note)
                run.reminders += 1
        for user, notes in digest.items():
            if not user.email:
                continue
            try:
                with transaction.atomic():
                    DigestLog.objects.create(user=user, day=today, items=len(notes))
            except IntegrityError:
                continue  # today's digest already went out; the rest stays in-app
            lines = "\n".join(f"- {n.message}" for n in notes)
            send_mail(
                subject=_("NQTrack: %(n)s task reminders") % {"n": len(notes)},
                message=_(
                    "Dear %(name)s,\n\nTasks of your unit that need attention:\n\n"
                    "%(lines)s\n\nNQTrack"
                )
                % {"name": user, "lines": lines},
                from_email=None,
                recipient_list=[user.email],
            )
            run.digests += 1
    return run


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
