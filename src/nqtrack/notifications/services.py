"""The reminder job: in-app notifications and one e-mail digest per user per day."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import with_status
from nqtrack.assignments.status import CANCELLED, DONE
from nqtrack.documents import secrecy
from nqtrack.notifications.models import (
    DigestLog,
    Notification,
    ReminderLog,
    ReviewReminderLog,
)
from nqtrack.notifications.outbox import outbox_enqueue
from nqtrack.notifications.rules import BEFORE, DUE_TODAY, reminder_key
from nqtrack.organizations.models import Role, User
from nqtrack.reviews.labels import STAGE_LABELS, STATE_LABELS
from nqtrack.reviews.models import Review
from nqtrack.reviews.selectors import stages_of
from nqtrack.reviews.stages import current_stage

RECIPIENT_ROLES = (Role.OFFICE, Role.REPORTER)


@dataclass
class ReminderRun:
    reminders: int = 0
    skipped: int = 0
    digests: int = 0
    review_reminders: int = 0


def _claim_review(review: Review, user: User, key: str, today: datetime.date) -> bool:
    try:
        with transaction.atomic():
            ReviewReminderLog.objects.create(review=review, user=user, key=key, sent_on=today)
    except IntegrityError:
        return False
    return True


def _review_recipients(review: Review) -> list[User]:
    """The office staff (and administrators) of the committee holding the review, and the
    office staff of its lead advisory body, who may know the reviewed document."""
    orgs = [review.committee_id, *([review.lead_body_id] if review.lead_body_id else [])]
    users = User.objects.filter(
        is_active=True, organization_id__in=orgs, role__in=(Role.OFFICE, Role.ADMIN)
    ).select_related("organization")
    return [u for u in users.order_by("pk") if secrecy.may_know(u, review.document)]


# A digest line is what may leave the system: the in-app message says more to those cleared.
Digest = dict[User, list[tuple[Notification, str]]]


def remind_review_stages(
    *, today: datetime.date, days_before: int, digest: Digest
) -> tuple[int, int]:
    """Remind the committee's office of the stage each open review has reached: before its
    deadline, on the day and weekly while overdue. Returns (sent, already sent)."""
    sent = skipped = 0
    horizon = today + datetime.timedelta(days=max(days_before, 0))
    reviews = (
        Review.objects.filter(report_issued_on__isnull=True, milestone__plan_due_on__lte=horizon)
        .select_related("document", "document__owner", "committee", "milestone", "round")
        .prefetch_related("meetings")
    )
    for review in reviews:
        stage = current_stage(stages_of(review, today=today))
        if stage is None or stage.due_on is None:
            continue
        window = reminder_key(due_on=stage.due_on, today=today, days_before=days_before)
        if window is None:
            continue
        key = f"{stage.key}:{window}"
        text = _("%(kind)s of %(symbol)s: “%(stage)s” due on %(date)s (%(state)s)")
        values = {
            "kind": review.get_kind_display(),
            "symbol": review.document.symbol,
            "stage": STAGE_LABELS[stage.key],
            "date": stage.due_on.strftime("%d/%m/%Y"),
            "state": STATE_LABELS[stage.state],
        }
        message = (text % values)[:500]
        outbound = (text % {**values, "symbol": secrecy.outbound_document(review.document)})[:500]
        for user in _review_recipients(review):
            if not _claim_review(review, user, key, today):
                skipped += 1
                continue
            note = Notification.objects.create(
                user=user, message=message, url=reverse("reviews:detail", args=[review.pk])
            )
            digest[user].append((note, outbound))
            sent += 1
    return sent, skipped


def _message(task: Task, key: str, *, outbound: bool = False) -> str:
    """The reminder's text; `outbound` for the e-mail, which never carries classified text."""
    due = task.due_on.strftime("%d/%m/%Y") if task.due_on else ""
    if key == BEFORE:
        text = _("Due on %(date)s: %(task)s")
    elif key == DUE_TODAY:
        text = _("Due today (%(date)s): %(task)s")
    else:
        text = _("Overdue since %(date)s: %(task)s")
    body = secrecy.outbound_task_text(task.source_document, task.text) if outbound else task.text
    return (text % {"date": due, "task": body})[:500]


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
        with_status(
            Task.objects.select_related("lead", "source_document__owner"), today=today
        )
        .exclude(status__in=[*DONE, CANCELLED])  # type: ignore[misc]
        .filter(due_on__isnull=False)
    )
    users_by_org: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, role__in=RECIPIENT_ROLES, organization__isnull=False
    ).select_related("organization"):
        users_by_org[user.organization_id].append(user)  # type: ignore[index]
    digest: Digest = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for task in tasks:
            key = reminder_key(due_on=task.due_on, today=today, days_before=days_before)
            if key is None:
                continue
            for user in users_by_org.get(task.lead_id, []):
                if not secrecy.may_know(user, task.source_document):
                    continue  # below clearance: no reminder, no content
                if not _claim(task, user, key, today):
                    run.skipped += 1
                    continue
                note = Notification.objects.create(
                    user=user,
                    message=_message(task, key),
                    url=reverse("assignments:detail", args=[task.pk]),
                )
                digest[user].append((note, _message(task, key, outbound=True)))
                run.reminders += 1
        run.review_reminders, review_skipped = remind_review_stages(
            today=today, days_before=days_before, digest=digest
        )
        run.skipped += review_skipped
        for user, notes in digest.items():
            if not user.email:
                continue
            try:
                with transaction.atomic():
                    DigestLog.objects.create(user=user, day=today, items=len(notes))
            except IntegrityError:
                continue  # today's digest already went out; the rest stays in-app
            site = settings.NQTRACK_SITE_URL.rstrip("/")
            lines = "\n".join(f"- {line}\n  {site}{note.url}" for note, line in notes)
            outbox_enqueue(
                to=user.email,
                subject=_("NQTrack: %(n)s task reminders") % {"n": len(notes)},
                body=_(
                    "Dear %(name)s,\n\nTasks of your unit that need attention:\n\n"
                    "%(lines)s\n\nNQTrack"
                )
                % {"name": user, "lines": lines},
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
