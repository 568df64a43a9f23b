"""Writes on reporting rounds. One transaction each; every change audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.assignments.models import Task
from nqtrack.assignments.services import evidence_check, evidence_store
from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.organizations.models import Organization, Role, User
from nqtrack.reporting.models import (
    ItemStatus,
    ReportingRound,
    RoundReopening,
    Submission,
    SubmissionEvent,
    SubmissionItem,
    SubmissionStatus,
)
from nqtrack.reporting.selectors import is_locked_for, local_date, open_tasks_for

AUDITED_ROUND = ("title", "period_start", "period_end", "due_on")
AUDITED_SUBMISSION = ("status", "submitted_at", "recorded_by_office", "generic", "return_comment")


class Answer(NamedTuple):
    """One item of a submission; a plain `(task, status, narrative)` tuple works too."""

    task: Task
    status: str
    narrative: str
    evidence: str = ""
    files: Sequence[UploadedFile] = ()


def can_run(by: User, owner: Organization) -> bool:
    """Office staff (or administrators) of the owner or of an organization above it."""
    if by.is_superuser:
        return True
    return (
        by.can_manage_documents
        and by.organization is not None
        and owner.path.startswith(by.organization.path)
    )


def _is_unit_reporter(by: User, organization: Organization) -> bool:
    """A user of the unit itself who may write (not a viewer, not a sub-unit's user)."""
    return by.organization_id == organization.pk and by.role != Role.VIEWER


@transaction.atomic
def round_create(
    *,
    by: User,
    owner: Organization,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_on: datetime.date,
    expected: Sequence[Organization],
) -> ReportingRound:
    if not can_run(by, owner):
        raise PermissionDenied(_("You may not run reporting rounds for this organization."))
    if not title.strip():
        raise field_error("title", _("Give the round a title."))
    if period_end < period_start:
        raise field_error("period_end", _("The period cannot end before it starts."))
    if due_on < period_start:
        raise field_error("due_on", _("Reports cannot be due before the period starts."))
    units = list(dict.fromkeys(expected))
    if not units:
        raise field_error("expected", _("Choose the units expected to report."))
    for unit in units:
        if unit.pk == owner.pk or not unit.path.startswith(owner.path):
            raise field_error(
                "expected",
                _("%(name)s is not under %(owner)s, so it cannot be asked to report.")
                % {"name": unit.name, "owner": owner.name},
            )
        if unit.valid_to is not None:
            raise field_error(
                "expected",
                _("%(name)s was dissolved; expect its successor instead.") % {"name": unit.name},
            )
    rnd = ReportingRound.objects.create(
        owner=owner,
        title=" ".join(title.split()),
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        created_by=by,
    )
    rnd.expected.set(units)
    after = {**snapshot(rnd, AUDITED_ROUND), "expected": sorted(u.code for u in units)}
    audit_record(actor=by, action="create", obj=rnd, organization=owner, changes=diff({}, after))
    return rnd


def _check_answers(
    round: ReportingRound, organization: Organization, items: Sequence[Answer]
) -> tuple[list[Answer], list[int]]:
    """The answers, cleaned, and the open tasks they leave unanswered; 400 on `items`."""
    open_ids = list(open_tasks_for(round, organization).values_list("id", flat=True))
    answers: list[Answer] = []
    seen: set[int] = set()
    for raw in items:
        item = Answer(*raw)
        task_id = item.task.pk
        if task_id not in open_ids:
            raise field_error(
                "items",
                _("Task %(id)s is not an open task of %(unit)s in this round.")
                % {"id": task_id, "unit": organization.name},
            )
        if task_id in seen:
            raise field_error("items", _("Task %(id)s is answered twice.") % {"id": task_id})
        if item.status not in ItemStatus.values:
            raise field_error(
                "items", _("“%(status)s” is not a progress status.") % {"status": item.status}
            )
        if not item.narrative.strip():
            raise field_error("items", _("Write what was done on task %(id)s.") % {"id": task_id})
        seen.add(task_id)
        answers.append(
            item._replace(narrative=item.narrative.strip(), evidence=item.evidence.strip())
        )
    return answers, [task_id for task_id in open_ids if task_id not in seen]


@transaction.atomic
def submission_submit(
    *,
    by: User,
    round: ReportingRound,
    organization: Organization,
    items: Sequence[Answer],
    submitted_at: datetime.datetime | None = None,
) -> Submission:
    """A unit's report, or the office recording a paper report that arrived.

    The unit's own users submit until the due date, or while a reopening is in force; a report
    the office returned may be resubmitted at any time. The office may record a paper report at
    any time, with the moment it arrived. A resubmission replaces the answers and takes the new
    `submitted_at` (correcting after the due date makes the report late); events keep history.
    """
    now = timezone.now()
    today = timezone.localdate()
    if not round.expected.filter(pk=organization.pk).exists():
        raise field_error(
            "organization",
            _("%(name)s is not expected to report in this round.") % {"name": organization.name},
        )
    by_unit = _is_unit_reporter(by, organization)
    if not by_unit and not can_run(by, round.owner):
        raise PermissionDenied(_("You may not submit a report for this unit."))
    report = (
        Submission.objects.select_for_update()
        .filter(round=round, organization=organization)
        .first()
    )
    if submitted_at is not None:
        if by_unit:
            raise field_error(
                "submitted_at", _("Only the office records when a paper report arrived.")
            )
        if submitted_at > now:
            raise field_error("submitted_at", _("A report cannot arrive in the future."))
        if local_date(submitted_at) < round.period_start:
            raise field_error(
                "submitted_at", _("A report cannot arrive before the period it covers starts.")
            )
    returned = report is not None and report.status == SubmissionStatus.RETURNED
    if by_unit and not returned and is_locked_for(round, organization, today=today):
        raise ValidationError(
            _("Reports were due on %(date)s; ask the office to reopen the round for your unit.")
            % {"date": round.due_on.strftime("%d/%m/%Y")}
        )
    answers, unanswered = _check_answers(round, organization, items)
    for answer in answers:  # a bad file refuses the report before anything is written
        try:
            evidence_check(answer.files)
        except ValidationError as exc:
            raise field_error(
                "items",
                _("Task %(id)s: %(error)s")
                % {"id": answer.task.pk, "error": " ".join(exc.messages)},
            ) from exc
    kept_files = (
        {item.task_id: list(item.files.all()) for item in report.items.prefetch_related("files")}
        if report is not None
        else {}
    )
    before = snapshot(report, AUDITED_SUBMISSION) if report is not None else {}
    if report is None:
        report = Submission(round=round, organization=organization)
    report.status = SubmissionStatus.SUBMITTED
    report.submitted_at = submitted_at or now
    report.submitted_by = by
    report.recorded_by_office = not by_unit
    report.unanswered = unanswered
    report.generic = bool(unanswered)
    report.save()
    report.items.all().delete()
    SubmissionItem.objects.bulk_create(
        SubmissionItem(
            submission=report,
            task=a.task,
            status=a.status,
            narrative=a.narrative,
            evidence=a.evidence,
        )
        for a in answers
    )
    new_files: dict[int, list[str]] = {}
    for item in report.items.all():
        answer = next(a for a in answers if a.task.pk == item.task_id)
        stored = evidence_store(by=by, task=answer.task, uploads=answer.files)
        new_files[item.task_id] = [e.original_name for e in stored]
        item.files.add(*kept_files.get(item.task_id, []), *stored)
    SubmissionEvent.objects.create(
        submission=report,
        event=SubmissionEvent.Event.SUBMIT,
        by=by,
        submitted_at=report.submitted_at,
        recorded_by_office=report.recorded_by_office,
        generic=report.generic,
        items=[
            {
                "task": a.task.pk,
                "status": a.status,
                "narrative": a.narrative,
                "evidence": a.evidence,
                "files": new_files.get(a.task.pk, []),
            }
            for a in answers
        ],
    )
    audit_record(
        actor=by,
        action="submit",
        obj=report,
        organization=organization,
        changes=diff(before, snapshot(report, AUDITED_SUBMISSION)),
    )
    return report


@transaction.atomic
def submission_return(*, by: User, submission: Submission, comment: str) -> Submission:
    """The office sends a report back for correction; it stops counting until resubmitted."""
    if not can_run(by, submission.round.owner):
        raise PermissionDenied(_("Only the office that runs the round may return a report."))
    if not comment.strip():
        raise field_error("comment", _("Say what must be corrected."))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    before = snapshot(submission, AUDITED_SUBMISSION)
    submission.status = SubmissionStatus.RETURNED
    submission.return_comment = comment.strip()
    submission.returned_at = timezone.now()
    submission.returned_by = by
    submission.save(update_fields=["status", "return_comment", "returned_at", "returned_by"])
    SubmissionEvent.objects.create(
        submission=submission,
        event=SubmissionEvent.Event.RETURN,
        by=by,
        comment=submission.return_comment,
    )
    audit_record(
        actor=by,
        action="return",
        obj=submission,
        organization=submission.organization,
        changes=diff(before, snapshot(submission, AUDITED_SUBMISSION)),
    )
    return submission


@transaction.atomic
def round_reopen_for(
    *, by: User, round: ReportingRound, organization: Organization, until: datetime.date
) -> RoundReopening:
    """Let one unit submit after the due date, up to and including `until`."""
    if not can_run(by, round.owner):
        raise PermissionDenied(_("Only the office that runs the round may reopen it."))
    if not round.expected.filter(pk=organization.pk).exists():
        raise field_error(
            "organization",
            _("%(name)s is not expected to report in this round.") % {"name": organization.name},
        )
    if until < timezone.localdate():
        raise field_error("until", _("A round cannot be reopened until a day already past."))
    reopening = RoundReopening.objects.create(
        round=round, organization=organization, until=until, by=by
    )
    audit_record(
        actor=by,
        action="reopen",
        obj=round,
        organization=round.owner,
        changes={"reopened": [None, f"{organization.code} → {until.isoformat()}"]},
    )
    return reopening


REMINDED_ROLES = (Role.OFFICE, Role.REPORTER)


def _reminder_message(round: ReportingRound, *, returned: bool, today: datetime.date) -> str:
    values = {"round": round.title, "date": round.due_on.strftime("%d/%m/%Y")}
    if returned:
        text = _("%(round)s: your unit's report was returned for correction; please resubmit it.")
    elif today > round.due_on:
        text = _("%(round)s: reports were due on %(date)s and your unit has not reported yet.")
    else:
        text = _("%(round)s: your unit has not reported yet; reports are due on %(date)s.")
    return (text % values)[:500]


@transaction.atomic
def round_remind_missing(*, by: User, round: ReportingRound, today: datetime.date) -> int:
    """Remind every expected unit with no standing report (missing, or returned and not yet
    resubmitted): an in-app notification to each active office staff and reporter of the unit,
    linking to the unit's submit page. Returns the number of units reminded.

    Once per unit per day, by checking existing notifications: a unit whose users already got a
    notification with this round's link for that unit (`…/nop/?don-vi=<code>`) created on `today`
    (local day) is skipped. Concurrent runs for the same round queue on the round's row
    (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), so
    the check and the inserts cannot interleave and no unit is reminded twice in a day.
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from nqtrack.notifications.models import Notification
    from nqtrack.reporting.selectors import round_stats

    if not can_run(by, round.owner):
        raise PermissionDenied(_("Only the office that runs the round may remind its units."))
    ReportingRound.objects.select_for_update().filter(pk=round.pk).values_list("pk").first()
    stats = round_stats(round, today=today)
    rows = {row.code: row for row in stats.units}
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    base = reverse("reporting:submit", args=[round.pk])
    units = round.expected.filter(code__in=stats.missing).order_by("path")
    reminded: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit in units:
            url = f"{base}?don-vi={unit.code}"
            if Notification.objects.filter(
                url=url, created_at__gte=start, created_at__lt=end
            ).exists():
                continue
            users = User.objects.filter(
                organization=unit, is_active=True, role__in=REMINDED_ROLES
            ).order_by("id")
            message = _reminder_message(
                round, returned=rows[unit.code].state == SubmissionStatus.RETURNED, today=today
            )
            notes = [Notification(user=user, message=message, url=url) for user in users]
            if not notes:
                continue
            Notification.objects.bulk_create(notes)
            reminded.append(unit.code)
    if reminded:
        audit_record(
            actor=by,
            action="remind",
            obj=round,
            organization=round.owner,
            changes={"reminded": [None, reminded]},
        )
    return len(reminded)
