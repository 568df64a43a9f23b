"""Writes on tasks. One transaction each; every change audited; transitions from status.py."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.assignments import status as pipeline
from nqtrack.assignments.deadlines import Deadline, parse_deadline
from nqtrack.assignments.models import (
    DeadlineKind,
    Evidence,
    ExtensionDecision,
    ExtensionRequest,
    Measurement,
    ProgrammeRequirement,
    Quality,
    Target,
    Task,
    TaskUpdate,
)
from nqtrack.assignments.selectors import public_holidays, status_of
from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.core.uploads import CheckedFile
from nqtrack.core.versioning import version_claim
from nqtrack.documents import secrecy
from nqtrack.documents.files import EVIDENCE_ACCEPTED, check_upload
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, Role, User

AUDITED = ("text", "lead", "deadline_text", "due_on", "product", "completed_on", "cancelled")


def deadline_for(*, text: str, due_on: datetime.date | None, reference: datetime.date) -> Deadline:
    """The deadline from an explicit date, or else read from the words documents use."""
    if due_on is not None:
        return Deadline(kind=DeadlineKind.DATE, due_on=due_on, label=due_on.strftime("%d/%m/%Y"))
    holidays = public_holidays(start=reference, end=reference + datetime.timedelta(days=800))
    return parse_deadline(text, reference, holidays=holidays)


def can_assign(by: User, assigned_by: Organization) -> bool:
    if by.is_superuser:
        return True
    return (
        by.can_manage_documents
        and by.organization is not None
        and assigned_by.path.startswith(by.organization.path)
    )


def can_report(by: User, task: Task) -> bool:
    """The lead unit's users report on a task; so does the assigning office. Viewers read."""
    if can_assign(by, task.assigned_by):
        return True
    if by.role == Role.VIEWER and not by.is_superuser:
        return False
    return by.organization is not None and task.lead.path.startswith(by.organization.path)


@transaction.atomic
def task_create(
    *,
    by: User,
    source_document: Document,
    text: str,
    lead: Organization,
    supporting: Sequence[Organization] = (),
    deadline: str = "",
    due_on: datetime.date | None = None,
    product: str = "",
    assigned_by: Organization | None = None,
) -> Task:
    assigned_by = assigned_by or source_document.owner
    if not can_assign(by, assigned_by):
        raise PermissionDenied(_("You may not assign tasks for this organization."))
    if not text.strip():
        raise field_error("text", _("Describe the task."))
    if lead in supporting:
        raise field_error("supporting", _("The lead unit cannot also be a supporting unit."))
    if lead.valid_to is not None:
        raise field_error(
            "lead", _("%(name)s was dissolved; assign its successor instead.") % {"name": lead.name}
        )
    found = deadline_for(text=deadline or text, due_on=due_on, reference=source_document.signed_on)
    task = Task.objects.create(
        source_document=source_document,
        assigned_by=assigned_by,
        text=" ".join(text.split()),
        lead=lead,
        deadline_text=deadline.strip(),
        deadline_kind=found.kind,
        deadline_label=found.label,
        due_on=found.due_on,
        product=product.strip(),
        created_by=by,
    )
    task.supporting.set(supporting)
    audit_record(
        actor=by,
        action="create",
        obj=task,
        organization=assigned_by,
        changes=diff({}, snapshot(task, AUDITED)),
    )
    return task


@transaction.atomic
def task_transition(
    *,
    by: User,
    task: Task,
    event: str,
    on: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Task:
    """Apply complete / cancel / reopen / restore, if the task's status allows it.

    `expected_version` (the version the user read) refuses the event if the task changed since.
    """
    if event in ("cancel", "restore") and not can_assign(by, task.assigned_by):
        raise PermissionDenied(_("Only the assigning office may cancel or restore a task."))
    if not can_report(by, task):
        raise PermissionDenied(_("You may not report on this task."))
    # Before the status check: a page that is out of date is told so, not judged on old data.
    version_claim(task, expected_version)
    today = timezone.localdate()
    current = status_of(task, today=today)
    if event not in pipeline.allowed_events(current):
        raise ValidationError(
            _("This cannot be done while the task is %(status)s.")
            % {"status": pipeline.STATUS_LABELS.get(current, current)}
        )
    before = snapshot(task, AUDITED)
    if event == "complete":
        on = on or today
        if on > today:
            raise field_error("on", _("A task cannot be completed in the future."))
        if on < task.source_document.signed_on:
            raise field_error("on", _("A task cannot be completed before it was assigned."))
        task.completed_on = on
    elif event == "reopen":
        task.completed_on = None
    elif event == "cancel":
        if not note.strip():
            raise field_error("note", _("Give the reason for cancelling."))
        task.cancelled = True
    elif event == "restore":
        task.cancelled = False
    task.save(update_fields=["completed_on", "cancelled"])
    TaskUpdate.objects.create(task=task, by=by, event=event, note=note.strip(), on=on)
    audit_record(
        actor=by,
        action=event,
        obj=task,
        organization=task.assigned_by,
        changes=diff(before, snapshot(task, AUDITED)),
    )
    return task


MAX_EVIDENCE_FILES = 10


def evidence_check(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, CheckedFile]]:
    """Every file checked by its content before any is stored (each renamed to its safe
    name)."""
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise field_error(
            "files",
            _("Attach at most %(n)s files at a time.") % {"n": MAX_EVIDENCE_FILES},
        )
    checked = []
    for upload in uploads:
        checked.append((upload, check_upload(upload, EVIDENCE_ACCEPTED)))
    return checked


def evidence_store(
    *,
    by: User,
    task: Task,
    uploads: Sequence[UploadedFile],
    update: TaskUpdate | None = None,
) -> list[Evidence]:
    """Store checked evidence files on a task (inside the caller's transaction)."""
    stored = []
    for upload, checked in evidence_check(uploads):
        stored.append(
            Evidence.objects.create(
                task=task,
                update=update,
                file=upload,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
        )
    return stored


@transaction.atomic
def task_report_progress(
    *,
    by: User,
    task: Task,
    note: str,
    files: Sequence[UploadedFile] = (),
    expected_version: int | None = None,
) -> TaskUpdate:
    """The lead or a supporting unit reports what has been done, with evidence files."""
    if not can_report(by, task):
        raise PermissionDenied(_("You may not report on this task."))
    version_claim(task, expected_version)
    if not note.strip():
        raise field_error("note", _("Write what has been done."))
    evidence_check(files)  # a bad file refuses the whole report before anything is written
    update = TaskUpdate.objects.create(
        task=task, by=by, event="progress", note=note.strip(), on=timezone.localdate()
    )
    stored = evidence_store(by=by, task=task, uploads=files, update=update)
    audit_record(
        actor=by,
        action="progress",
        obj=task,
        organization=task.lead,
        changes={
            "note": [None, update.note],
            **({"evidence": [None, [e.original_name for e in stored]]} if stored else {}),
        },
    )
    return update


@transaction.atomic
def extension_request(
    *, by: User, task: Task, reason: str, proposed_due_on: datetime.date
) -> ExtensionRequest:
    """The lead unit asks for a new deadline, with its reason."""
    if not can_report(by, task):
        raise PermissionDenied(_("You may not ask for more time on this task."))
    if status_of(task, today=timezone.localdate()) not in pipeline.OPEN:
        raise ValidationError(_("Only an open task can get a new deadline."))
    if not reason.strip():
        raise field_error("reason", _("Give the reason for the extension."))
    if task.due_on is not None and proposed_due_on <= task.due_on:
        raise field_error(
            "proposed_due_on",
            _("The proposed deadline must be later than the current one (%(date)s).")
            % {"date": task.due_on.strftime("%d/%m/%Y")},
        )
    if task.extensions.filter(decision=ExtensionDecision.PENDING).exists():
        raise ValidationError(
            _("An extension request for this task is already waiting for a decision.")
        )
    request = ExtensionRequest.objects.create(
        task=task, requested_by=by, reason=reason.strip(), proposed_due_on=proposed_due_on
    )
    TaskUpdate.objects.create(
        task=task, by=by, event="extension_requested", note=reason.strip(), on=proposed_due_on
    )
    audit_record(
        actor=by,
        action="extension_requested",
        obj=task,
        organization=task.assigned_by,
        changes={"proposed_due_on": [None, proposed_due_on.isoformat()]},
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    by: User,
    request: ExtensionRequest,
    approve: bool,
    new_due_on: datetime.date | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The assigning office approves (with the new deadline) or refuses (with a reason)."""
    task = request.task
    if not can_assign(by, task.assigned_by):
        raise PermissionDenied(_("Only the assigning office decides on extensions."))
    version_claim(task, expected_version)
    if request.decision != ExtensionDecision.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not comment.strip():
        raise field_error("comment", _("Give the reason for refusing."))
    request.decision = ExtensionDecision.APPROVED if approve else ExtensionDecision.REFUSED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.comment = comment.strip()
    if approve:
        request.new_due_on = new_due_on or request.proposed_due_on
        before = snapshot(task, AUDITED)
        task.due_on = request.new_due_on
        task.deadline_kind = DeadlineKind.DATE
        task.deadline_label = _("Extended to %(date)s") % {
            "date": request.new_due_on.strftime("%d/%m/%Y")
        }
        task.save(update_fields=["due_on", "deadline_kind", "deadline_label"])
        audit_record(
            actor=by,
            action="extended",
            obj=task,
            organization=task.assigned_by,
            changes=diff(before, snapshot(task, AUDITED)),
        )
    request.save()
    TaskUpdate.objects.create(
        task=task,
        by=by,
        event=f"extension_{request.decision}",
        note=request.comment,
        on=request.new_due_on,
    )
    return request


@transaction.atomic
def task_assess(
    *,
    by: User,
    task: Task,
    quality: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Task:
    """The review team's judgement of a finished task: met or not met, with a comment."""
    if not can_assign(by, task.assigned_by):
        raise PermissionDenied(_("Only the assigning office assesses quality."))
    version_claim(task, expected_version)
    if quality not in Quality.values:
        raise field_error("quality", _("Choose met or not met."))
    if status_of(task, today=timezone.localdate()) not in pipeline.DONE:
        raise ValidationError(_("Only a finished task can be assessed."))
    if quality == Quality.NOT_MET and not comment.strip():
        raise field_error("comment", _("Say what falls short."))
    before = snapshot(task, ("quality", "quality_comment"))
    task.quality, task.quality_comment = quality, comment.strip()
    task.save(update_fields=["quality", "quality_comment"])
    TaskUpdate.objects.create(task=task, by=by, event="assessed", note=comment.strip())
    audit_record(
        actor=by,
        action="assessed",
        obj=task,
        organization=task.assigned_by,
        changes=diff(before, snapshot(task, ("quality", "quality_comment"))),
    )
    return task


@transaction.atomic
def programme_require(
    *,
    by: User,
    document: Document,
    organizations: Sequence[Organization],
    due_on: datetime.date,
) -> list[ProgrammeRequirement]:
    """Ask subordinate committees or bodies to issue their own programme for `document` by
    `due_on`. Asking again changes the date."""
    if not can_assign(by, document.owner):
        raise PermissionDenied(_("You may not ask for programmes on this document."))
    if not organizations:
        raise field_error("organizations", _("Choose the organizations that must issue one."))
    if due_on < document.signed_on:
        raise field_error(
            "due_on", _("The programmes cannot be due before the document was signed.")
        )
    for org in organizations:
        if org.pk == document.owner_id or not org.path.startswith(document.owner.path):
            raise field_error(
                "organizations",
                _("%(name)s is not under %(owner)s.")
                % {"name": org.name, "owner": document.owner.name},
            )
        if org.valid_to is not None:
            raise field_error(
                "organizations",
                _("%(name)s was dissolved; ask its successor instead.") % {"name": org.name},
            )
    rows = []
    for org in organizations:
        row, _created = ProgrammeRequirement.objects.update_or_create(
            document=document, organization=org, defaults={"due_on": due_on, "created_by": by}
        )
        rows.append(row)
    audit_record(
        actor=by,
        action="programmes_required",
        obj=document,
        organization=document.owner,
        changes={
            "programmes": [None, [o.code for o in organizations]],
            "due_on": [None, due_on.isoformat()],
        },
    )
    return rows


@transaction.atomic
def programme_remind_missing(*, by: User, document: Document, today: datetime.date) -> int:
    """Notify the office staff of every organization whose programme is missing, once a day."""
    from nqtrack.assignments.selectors import programme_cascade
    from nqtrack.notifications.models import Notification

    if not can_assign(by, document.owner):
        raise PermissionDenied(_("You may not send reminders for this document."))
    url = f"/van-ban/{document.pk}/"
    sent = 0
    for row in programme_cascade(document, today=today).rows:
        if row.programme is not None:
            continue
        for user in User.objects.filter(
            organization=row.requirement.organization, is_active=True, role__in=["office", "admin"]
        ).select_related("organization"):
            if not secrecy.may_know(user, document):
                continue  # below clearance: no reminder, no symbol
            if Notification.objects.filter(user=user, url=url, created_at__date=today).exists():
                continue
            Notification.objects.create(
                user=user,
                url=url,
                message=(
                    _("Issue your action programme for %(symbol)s by %(date)s.")
                    % {
                        "symbol": document.symbol,
                        "date": row.requirement.due_on.strftime("%d/%m/%Y"),
                    }
                )[:500],
            )
            sent += 1
    return sent


@transaction.atomic
def target_create(
    *,
    by: User,
    programme: Document,
    name: str,
    baseline: Decimal,
    baseline_on: datetime.date,
    target_value: Decimal,
    target_year: int,
    unit: str = "",
) -> Target:
    if not can_assign(by, programme.owner):
        raise PermissionDenied(_("You may not change this programme's targets."))
    if not name.strip():
        raise field_error("name", _("Name the target."))
    if target_value == baseline:
        raise field_error("target_value", _("The target must differ from the baseline."))
    if target_year < baseline_on.year:
        raise field_error("target_year", _("The target year cannot be before the baseline."))
    target = Target.objects.create(
        programme=programme,
        name=name.strip(),
        unit=unit.strip(),
        baseline=baseline,
        baseline_on=baseline_on,
        target_value=target_value,
        target_year=target_year,
    )
    audit_record(
        actor=by,
        action="create",
        obj=target,
        organization=programme.owner,
        changes=diff(
            {}, snapshot(target, ("name", "unit", "baseline", "target_value", "target_year"))
        ),
    )
    return target


@transaction.atomic
def target_measure(
    *, by: User, target: Target, measured_on: datetime.date, value: Decimal, note: str = ""
) -> Measurement:
    if not can_assign(by, target.programme.owner):
        raise PermissionDenied(_("You may not record values for this target."))
    if measured_on > timezone.localdate():
        raise field_error("measured_on", _("A value cannot be measured in the future."))
    if measured_on < target.baseline_on:
        raise field_error("measured_on", _("A value cannot be measured before the baseline."))
    measurement, _created = Measurement.objects.update_or_create(
        target=target, measured_on=measured_on, defaults={"value": value, "note": note.strip()}
    )
    audit_record(
        actor=by,
        action="measure",
        obj=target,
        organization=target.programme.owner,
        changes={"value": [None, f"{measured_on:%d/%m/%Y}: {value}"]},
    )
    return measurement


@dataclass(frozen=True)
class TaskDraft:
    text: str
    lead: Organization
    supporting: Sequence[Organization]
    deadline: str
    product: str


@transaction.atomic
def tasks_create_many(
    *, by: User, source_document: Document, drafts: Sequence[TaskDraft]
) -> list[Task]:
    """Confirm the tasks proposed from a document's text: all of them are saved, or none.

    Errors name the row (1-based) so the confirmation screen can show them in place.
    """
    created = []
    for number, draft in enumerate(drafts, start=1):
        try:
            created.append(
                task_create(
                    by=by,
                    source_document=source_document,
                    text=draft.text,
                    lead=draft.lead,
                    supporting=draft.supporting,
                    deadline=draft.deadline,
                    product=draft.product,
                )
            )
        except ValidationError as exc:
            raise ValidationError({f"row-{number}": exc.messages}) from exc
    return created
