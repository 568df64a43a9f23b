"""Writes on oversight rounds. One transaction each; every change audited; nothing half-written."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.assignments import services as task_services
from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import status_of as task_status_of
from nqtrack.assignments.status import CANCELLED, DONE
from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.organizations.selectors import organizations_visible_to
from nqtrack.oversight import selectors
from nqtrack.oversight import status as pipeline
from nqtrack.oversight.models import (
    Finding,
    FindingKind,
    OversightRound,
    RemediationItem,
    RoundKind,
    TeamMember,
    TeamRole,
    Verification,
)

AUDITED_ROUND = (
    "kind",
    "title",
    "conductor",
    "period_start",
    "period_end",
    "remediation_due_on",
    "conclusion",
)
AUDITED_ITEM = ("verification", "comment", "evidence")


@dataclass(frozen=True)
class Member:
    """A team member as entered: name, post, role, and optionally the user it is."""

    name: str
    role: str
    post: str = ""
    user: User | None = None


@dataclass(frozen=True)
class RemediationDraft:
    """One item of a target's remediation plan, to become a task led by the target."""

    text: str
    deadline: str = ""
    due_on: datetime.date | None = None
    product: str = ""
    supporting: Sequence[Organization] = ()
    finding: Finding | None = None


@dataclass(frozen=True)
class RoundInput:
    """The editable facts of a round (create and update take the same)."""

    kind: str
    title: str
    conductor: Organization
    period_start: datetime.date
    period_end: datetime.date
    documents: Sequence[Document]
    targets: Sequence[Organization]
    team: Sequence[Member] = ()
    remediation_due_on: datetime.date | None = None
    conclusion: Document | None = None


def can_conduct(by: User, conductor: Organization) -> bool:
    """Office staff (or administrators) of the conductor or of an organization above it."""
    if by.is_superuser:
        return True
    return (
        by.can_manage_documents
        and by.organization is not None
        and conductor.path.startswith(by.organization.path)
    )


def _require(by: User, round: OversightRound, event: str) -> None:
    if not can_conduct(by, round.conductor):
        raise PermissionDenied(_("Only the office of the conducting organization may do this."))
    current = selectors.status_of(round, today=timezone.localdate())
    if event not in pipeline.allowed_events(current):
        if current == pipeline.CLOSED:
            raise ValidationError(_("The round is closed; reopen it first."))
        if event in ("remediation", "verify", "close"):
            raise ValidationError(
                _("Link the round's conclusion notice first: remediation follows the conclusion.")
            )
        raise ValidationError(
            _("This cannot be done while the round is %(status)s.")
            % {"status": pipeline.STATUS_LABELS.get(current, current)}
        )


def _check_conclusion(
    by: User, conclusion: Document, *, period_start: datetime.date, documents: Sequence[Document]
) -> None:
    if not documents_visible_to(by).filter(pk=conclusion.pk).exists():
        raise field_error("conclusion", _("No such document."))
    if conclusion in documents:
        raise field_error(
            "conclusion",
            _("The conclusion notice cannot be one of the documents the round covers."),
        )
    if conclusion.signed_on < period_start:
        raise field_error(
            "conclusion",
            _("%(symbol)s was signed before the round started; it cannot be its conclusion.")
            % {"symbol": conclusion.symbol},
        )


def _clean(by: User, data: RoundInput) -> RoundInput:
    """Validate the facts of a round; raise a field error on the first problem."""
    if not can_conduct(by, data.conductor):
        raise PermissionDenied(_("You may not run oversight rounds for this organization."))
    if data.kind not in RoundKind.values:
        raise field_error("kind", _("Choose the kind of round."))
    title = " ".join(data.title.split())
    if not title:
        raise field_error("title", _("Give the oversight round a title."))
    if data.conductor.valid_to is not None:
        raise field_error(
            "conductor",
            _("%(name)s was dissolved; its successor conducts rounds now.")
            % {"name": data.conductor.name},
        )
    if data.period_end < data.period_start:
        raise field_error("period_end", _("The period cannot end before it starts."))
    if data.remediation_due_on is not None and data.remediation_due_on < data.period_start:
        raise field_error(
            "remediation_due_on",
            _("Remediation plans cannot be due before the round starts."),
        )
    documents = list(dict.fromkeys(data.documents))
    if not documents:
        raise field_error("documents", _("Choose the documents the round covers."))
    visible = set(
        documents_visible_to(by)
        .filter(pk__in=[d.pk for d in documents])
        .values_list("pk", flat=True)
    )
    for document in documents:
        if document.pk not in visible:
            raise field_error("documents", _("No such document."))
    targets = list(dict.fromkeys(data.targets))
    if not targets:
        raise field_error("targets", _("Choose the organizations the round oversees."))
    scope = set(
        selectors.target_scope(data.conductor)
        .filter(pk__in=[t.pk for t in targets])
        .values_list("pk", flat=True)
    )
    for target in targets:
        if target.pk not in scope:
            raise field_error(
                "targets",
                _("%(name)s is not under %(conductor)s, so it cannot be overseen by it.")
                % {"name": target.name, "conductor": data.conductor.name},
            )
        if target.valid_to is not None:
            raise field_error(
                "targets",
                _("%(name)s was dissolved; oversee its successor instead.") % {"name": target.name},
            )
    team = []
    visible_orgs = organizations_visible_to(by)
    for member in data.team:
        name = " ".join(member.name.split())
        if not name:
            raise field_error("team", _("Give the name of every team member."))
        if member.role not in TeamRole.values:
            raise field_error(
                "team", _("“%(role)s” is not a role in the team.") % {"role": member.role}
            )
        if member.user is not None and (
            not member.user.is_active
            or member.user.organization_id is None
            or not visible_orgs.filter(pk=member.user.organization_id).exists()
        ):
            raise field_error("team", _("No such user: %(name)s.") % {"name": name})
        team.append(Member(name=name, role=member.role, post=member.post.strip(), user=member.user))
    if sum(1 for m in team if m.role == TeamRole.LEADER) > 1:
        raise field_error("team", _("A team has one leader."))
    if data.conclusion is not None:
        _check_conclusion(by, data.conclusion, period_start=data.period_start, documents=documents)
    return RoundInput(
        kind=data.kind,
        title=title,
        conductor=data.conductor,
        period_start=data.period_start,
        period_end=data.period_end,
        documents=documents,
        targets=targets,
        team=team,
        remediation_due_on=data.remediation_due_on,
        conclusion=data.conclusion,
    )


def _audit_state(round: OversightRound) -> dict[str, Any]:
    return {
        **snapshot(round, AUDITED_ROUND),
        "documents": sorted(d.symbol for d in round.documents.all()),
        "targets": sorted(t.code for t in round.targets.all()),
        "team": [f"{m.name} ({m.role})" for m in round.team.all()],
    }


def _save_team(round: OversightRound, team: Sequence[Member]) -> None:
    round.team.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(round=round, name=m.name, post=m.post, role=m.role, user=m.user) for m in team
    )


@transaction.atomic
def round_create(
    *,
    by: User,
    kind: str,
    title: str,
    conductor: Organization,
    period_start: datetime.date,
    period_end: datetime.date,
    documents: Sequence[Document],
    targets: Sequence[Organization],
    team: Sequence[Member] = (),
    remediation_due_on: datetime.date | None = None,
    conclusion: Document | None = None,
) -> OversightRound:
    data = _clean(
        by,
        RoundInput(
            kind=kind,
            title=title,
            conductor=conductor,
            period_start=period_start,
            period_end=period_end,
            documents=documents,
            targets=targets,
            team=team,
            remediation_due_on=remediation_due_on,
            conclusion=conclusion,
        ),
    )
    rnd = OversightRound.objects.create(
        kind=data.kind,
        title=data.title,
        conductor=data.conductor,
        period_start=data.period_start,
        period_end=data.period_end,
        remediation_due_on=data.remediation_due_on,
        conclusion=data.conclusion,
        created_by=by,
    )
    rnd.documents.set(data.documents)
    rnd.targets.set(data.targets)
    _save_team(rnd, data.team)
    audit_record(
        actor=by,
        action="create",
        obj=rnd,
        organization=rnd.conductor,
        changes=diff({}, _audit_state(rnd)),
    )
    return rnd


@transaction.atomic
def round_update(
    *,
    by: User,
    round: OversightRound,
    kind: str,
    title: str,
    conductor: Organization,
    period_start: datetime.date,
    period_end: datetime.date,
    documents: Sequence[Document],
    targets: Sequence[Organization],
    team: Sequence[Member] = (),
    remediation_due_on: datetime.date | None = None,
    conclusion: Document | None = None,
) -> OversightRound:
    """Change a round's facts. What findings and remediation rest on cannot be taken away: a
    target or document a finding names, or the conclusion notice once tasks come from it."""
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    _require(by, round, "edit")
    data = _clean(
        by,
        RoundInput(
            kind=kind,
            title=title,
            conductor=conductor,
            period_start=period_start,
            period_end=period_end,
            documents=documents,
            targets=targets,
            team=team,
            remediation_due_on=remediation_due_on,
            conclusion=conclusion,
        ),
    )
    kept_targets = {t.pk for t in data.targets}
    used_targets = Organization.objects.filter(
        pk__in=[
            *Finding.objects.filter(round=round).values_list("target_id", flat=True),
            *RemediationItem.objects.filter(round=round).values_list("target_id", flat=True),
        ]
    ).exclude(pk__in=kept_targets)
    for target in used_targets.order_by("path"):
        raise field_error(
            "targets",
            _("%(name)s has findings or remediation items in this round; it cannot be removed.")
            % {"name": target.name},
        )
    kept_documents = {d.pk for d in data.documents}
    used_documents = (
        Document.objects.filter(
            pk__in=Finding.objects.filter(round=round, document__isnull=False).values("document_id")
        )
        .exclude(pk__in=kept_documents)
        .order_by("signed_on")
    )
    for document in used_documents:
        raise field_error(
            "documents",
            _("A finding concerns %(symbol)s; it cannot be removed from the round.")
            % {"symbol": document.symbol},
        )
    has_items = RemediationItem.objects.filter(round=round).exists()
    if has_items and data.conductor.pk != round.conductor_id:
        raise field_error(
            "conductor",
            _("Remediation tasks were assigned in the conductor's name; it cannot change now."),
        )
    if has_items and (data.conclusion is None or data.conclusion.pk != round.conclusion_id):
        raise field_error(
            "conclusion",
            _("Remediation tasks come from the conclusion notice; it cannot change now."),
        )
    before = _audit_state(round)
    round.kind = data.kind
    round.title = data.title
    round.conductor = data.conductor
    round.period_start = data.period_start
    round.period_end = data.period_end
    round.remediation_due_on = data.remediation_due_on
    round.conclusion = data.conclusion
    round.save()
    round.documents.set(data.documents)
    round.targets.set(data.targets)
    _save_team(round, data.team)
    changes = diff(before, _audit_state(round))
    if changes:
        audit_record(
            actor=by, action="update", obj=round, organization=round.conductor, changes=changes
        )
    return round


@transaction.atomic
def round_set_conclusion(
    *, by: User, round: OversightRound, conclusion: Document
) -> OversightRound:
    """Link the round's conclusion notice, a document already registered."""
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    _require(by, round, "edit")
    if (
        RemediationItem.objects.filter(round=round).exists()
        and conclusion.pk != round.conclusion_id
    ):
        raise field_error(
            "conclusion",
            _("Remediation tasks come from the conclusion notice; it cannot change now."),
        )
    _check_conclusion(
        by, conclusion, period_start=round.period_start, documents=list(round.documents.all())
    )
    before = snapshot(round, ("conclusion",))
    round.conclusion = conclusion
    round.save(update_fields=["conclusion"])
    audit_record(
        actor=by,
        action="update",
        obj=round,
        organization=round.conductor,
        changes=diff(before, snapshot(round, ("conclusion",))),
    )
    return round


@transaction.atomic
def finding_add(
    *,
    by: User,
    round: OversightRound,
    target: Organization,
    kind: str,
    text: str,
    document: Document | None = None,
) -> Finding:
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    _require(by, round, "finding")
    if not round.targets.filter(pk=target.pk).exists():
        raise field_error(
            "target", _("%(name)s is not a target of this round.") % {"name": target.name}
        )
    if kind not in FindingKind.values:
        raise field_error("kind", _("Choose strength, shortcoming or violation."))
    text = text.strip()
    if not text:
        raise field_error("text", _("Write the finding."))
    if document is not None and not round.documents.filter(pk=document.pk).exists():
        raise field_error(
            "document",
            _("%(symbol)s is not one of the documents this round covers.")
            % {"symbol": document.symbol},
        )
    finding = Finding.objects.create(
        round=round, target=target, kind=kind, text=text, document=document, created_by=by
    )
    audit_record(
        actor=by,
        action="finding",
        obj=round,
        organization=round.conductor,
        changes={"finding": [None, f"{target.code} · {kind}: {text[:200]}"]},
    )
    return finding


@transaction.atomic
def remediation_add(
    *,
    by: User,
    round: OversightRound,
    target: Organization,
    items: Sequence[RemediationDraft],
) -> list[RemediationItem]:
    """Record a target's remediation plan: each item becomes a task led by the target, assigned
    by the conducting organization, from the conclusion notice. All items are saved, or none."""
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    _require(by, round, "remediation")
    if not round.targets.filter(pk=target.pk).exists():
        raise field_error(
            "target", _("%(name)s is not a target of this round.") % {"name": target.name}
        )
    if not items:
        raise field_error("items", _("Give at least one item of the remediation plan."))
    conclusion = round.conclusion
    assert conclusion is not None
    created = []
    for number, draft in enumerate(items, start=1):
        if draft.finding is not None and (
            draft.finding.round_id != round.pk or draft.finding.target_id != target.pk
        ):
            raise field_error(
                "items",
                _("Item %(n)s: the finding is not one of %(name)s in this round.")
                % {"n": number, "name": target.name},
            )
        try:
            task = task_services.task_create(
                by=by,
                source_document=conclusion,
                text=draft.text,
                lead=target,
                supporting=draft.supporting,
                deadline=draft.deadline,
                due_on=draft.due_on,
                product=draft.product,
                assigned_by=round.conductor,
            )
        except ValidationError as exc:
            raise field_error(
                "items",
                _("Item %(n)s: %(error)s") % {"n": number, "error": " ".join(exc.messages)},
            ) from exc
        created.append(
            RemediationItem.objects.create(
                round=round, target=target, finding=draft.finding, task=task
            )
        )
    audit_record(
        actor=by,
        action="remediation",
        obj=round,
        organization=round.conductor,
        changes={"remediation": [None, [f"{target.code}: {i.task.text[:120]}" for i in created]]},
    )
    return created


def _record_verdict(
    by: User, item: RemediationItem, verdict: str, comment: str, evidence: str
) -> dict[str, list[Any]]:
    before = snapshot(item, AUDITED_ITEM)
    item.verification = verdict
    item.comment = comment
    item.evidence = evidence
    item.verified_at = timezone.now()
    item.verified_by = by
    item.save(update_fields=["verification", "comment", "evidence", "verified_at", "verified_by"])
    return diff(before, snapshot(item, AUDITED_ITEM))


@transaction.atomic
def remediation_verify(
    *,
    by: User,
    item: RemediationItem,
    done: bool,
    comment: str = "",
    evidence: str = "",
    files: Sequence[UploadedFile] = (),
    on: datetime.date | None = None,
) -> RemediationItem:
    """The round's owner checks one item: done (the task is completed on `on`, today by
    default, if the lead unit had not marked it) or not done (a completed task is reopened, so
    the unit keeps working on it). Evidence: a text, files, or both."""
    item = (
        RemediationItem.objects.select_for_update().select_related("round", "task").get(pk=item.pk)
    )
    round = item.round
    _require(by, round, "verify")
    comment, evidence = comment.strip(), evidence.strip()
    if not done and not comment:
        raise field_error("comment", _("Say what is still missing."))
    task_services.evidence_check(files)  # refuse a bad file before anything is written
    task: Task = item.task
    today = timezone.localdate()
    current = task_status_of(task, today=today)
    if current == CANCELLED:
        raise ValidationError(_("The task was cancelled; carry the item over instead."))
    if done and current not in DONE:
        task_services.task_transition(
            by=by, task=task, event="complete", on=on or today, note=comment
        )
    elif not done and current in DONE:
        task_services.task_transition(by=by, task=task, event="reopen", note=comment)
    changes = _record_verdict(
        by, item, Verification.DONE if done else Verification.NOT_DONE, comment, evidence
    )
    stored = task_services.evidence_store(by=by, task=task, uploads=files)
    if stored:
        item.files.add(*stored)
        changes["files"] = [None, [e.original_name for e in stored]]
    audit_record(actor=by, action="verify", obj=item, organization=round.conductor, changes=changes)
    return item


@transaction.atomic
def remediation_carry_over(*, by: User, item: RemediationItem, reason: str) -> RemediationItem:
    """Settle an item without it being done: it carries over (to a later round or programme),
    with the reason on record. The task stays as it is."""
    item = RemediationItem.objects.select_for_update().select_related("round").get(pk=item.pk)
    _require(by, item.round, "verify")
    reason = reason.strip()
    if not reason:
        raise field_error("comment", _("Give the reason for carrying the item over."))
    changes = _record_verdict(by, item, Verification.CARRIED_OVER, reason, item.evidence)
    audit_record(
        actor=by, action="carry_over", obj=item, organization=item.round.conductor, changes=changes
    )
    return item


@transaction.atomic
def round_close(*, by: User, round: OversightRound) -> OversightRound:
    """Close the round; refused, with everything still missing, unless it may close."""
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    if not can_conduct(by, round.conductor):
        raise PermissionDenied(_("Only the office of the conducting organization may do this."))
    if round.closed_at is not None:
        raise ValidationError(_("The round is already closed."))
    blockers = selectors.closing_blockers(round)
    if blockers:
        raise ValidationError(
            [_("The round cannot be closed yet:"), *blockers], code="not_closable"
        )
    round.closed_at = timezone.now()
    round.closed_by = by
    round.save(update_fields=["closed_at", "closed_by"])
    audit_record(
        actor=by,
        action="close",
        obj=round,
        organization=round.conductor,
        changes={"closed_at": [None, round.closed_at.isoformat()]},
    )
    return round


@transaction.atomic
def round_reopen(*, by: User, round: OversightRound, reason: str) -> OversightRound:
    """The office reopens a closed round (a verification to correct, a late finding)."""
    round = OversightRound.objects.select_for_update().get(pk=round.pk)
    if not can_conduct(by, round.conductor):
        raise PermissionDenied(_("Only the office of the conducting organization may do this."))
    if round.closed_at is None:
        raise ValidationError(_("The round is not closed."))
    reason = reason.strip()
    if not reason:
        raise field_error("reason", _("Give the reason for reopening the round."))
    closed_at = round.closed_at
    round.closed_at = None
    round.closed_by = None
    round.save(update_fields=["closed_at", "closed_by"])
    audit_record(
        actor=by,
        action="reopen",
        obj=round,
        organization=round.conductor,
        changes={"closed_at": [closed_at.isoformat(), None], "reason": [None, reason]},
    )
    return round
