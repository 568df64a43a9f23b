"""Writes of study and dissemination: members, speakers, study plans and outreach.

One transaction each, every change audited. Sessions, invitations and attendance are in
sessions.py, essays in essays.py, table imports in importing.py and import jobs in jobs.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import ValidationError, field_error
from nqtrack.dissemination.access import require_active, require_document, require_unit
from nqtrack.dissemination.models import (
    EXEMPTION_FIELDS,
    AudienceGroup,
    Exemption,
    Member,
    OutreachActivity,
    OutreachChannel,
    Sex,
    Speaker,
    StudyKind,
    StudyMaterial,
    StudyPlan,
    StudyPlanTarget,
)
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Level, Organization, User

MEMBER_AUDITED = (
    "code",
    "full_name",
    "organization",
    "birth_date",
    "sex",
    "posts",
    *EXEMPTION_FIELDS.values(),
)
PLAN_AUDITED = ("document", "owner", "kind", "title", "outline", "due_on")
OUTREACH_AUDITED = ("organization", "document", "channel", "count", "held_on", "reach", "notes")
SPEAKER_AUDITED = ("full_name", "title", "organization", "phone", "notes")


# Members ---------------------------------------------------------------------------------


def _member_flags(exemptions: Iterable[str]) -> dict[str, bool]:
    """Stored flag fields from exemption codes; the computed "over_age" is ignored."""
    codes = set(exemptions)
    unknown = codes - set(Exemption.values)
    if unknown:
        raise field_error(
            "exemptions",
            _("Unknown exemption: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
        )
    return {name: flag in codes for flag, name in EXEMPTION_FIELDS.items()}


def _validate_member(member: Member) -> None:
    errors: dict[str, list[str]] = {}
    if not member.code.strip():
        errors["code"] = [_("The member code is required.")]
    elif Member.objects.filter(code=member.code).exclude(pk=member.pk).exists():
        errors["code"] = [
            _("Another party member already has the code %(code)s.") % {"code": member.code}
        ]
    if not member.full_name.strip():
        errors["full_name"] = [_("The full name is required.")]
    if member.sex not in Sex.values:
        errors["sex"] = [_("Choose male or female.")]
    if member.birth_date and member.birth_date > datetime.date.today():
        errors["birth_date"] = [_("The birth date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def member_create(
    *,
    by: User,
    code: str,
    full_name: str,
    organization: Organization,
    birth_date: datetime.date | None = None,
    sex: str = Sex.MALE,
    posts: str = "",
    exemptions: Iterable[str] = (),
) -> Member:
    """Add a member to a cell's register."""
    require_unit(by, organization)
    require_active(organization, "organization")
    member = Member(
        code=code.strip(),
        full_name=" ".join(full_name.split()),
        organization=organization,
        birth_date=birth_date,
        sex=sex,
        posts=posts.strip(),
        **_member_flags(exemptions),
    )
    _validate_member(member)
    member.save()
    audit_record(
        actor=by,
        action="create",
        obj=member,
        organization=organization,
        changes=diff({}, snapshot(member, MEMBER_AUDITED)),
    )
    return member


@transaction.atomic
def member_update(*, by: User, member: Member, **changes: Any) -> Member:
    """Change any of: code, full_name, organization (a transfer), birth_date, sex, posts,
    exemptions (list of codes; replaces the stored flags)."""
    require_unit(by, member.organization)
    before = snapshot(member, MEMBER_AUDITED)
    allowed = {"code", "full_name", "organization", "birth_date", "sex", "posts", "exemptions"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"member_update() got unexpected fields {sorted(unknown)}")
    if "exemptions" in changes:
        for flag_name, flag in _member_flags(changes.pop("exemptions")).items():
            setattr(member, flag_name, flag)
    if "organization" in changes and changes["organization"] != member.organization:
        require_unit(by, changes["organization"])
        require_active(changes["organization"], "organization")
    for name, value in changes.items():
        if name in ("code", "posts") and isinstance(value, str):
            value = value.strip()
        if name == "full_name":
            value = " ".join(str(value).split())
        setattr(member, name, value)
    _validate_member(member)
    member.save()
    changed = diff(before, snapshot(member, MEMBER_AUDITED))
    if changed:
        audit_record(
            actor=by, action="update", obj=member, organization=member.organization, changes=changed
        )
    return member


@transaction.atomic
def member_delete(*, by: User, member: Member) -> None:
    """Remove a member registered by mistake; one with essays is kept for the record."""
    require_unit(by, member.organization)
    audit_record(
        actor=by,
        action="delete",
        obj=member,
        organization=member.organization,
        changes=diff(snapshot(member, MEMBER_AUDITED), {}),
    )
    try:
        member.delete()
    except ProtectedError:
        raise ValidationError(
            _("%(name)s has essays on record and cannot be deleted.") % {"name": member.full_name}
        ) from None


# Speakers --------------------------------------------------------------------------------


@transaction.atomic
def speaker_create(
    *,
    by: User,
    full_name: str,
    organization: Organization,
    title: str = "",
    phone: str = "",
    notes: str = "",
) -> Speaker:
    """Register a lecturer (báo cáo viên) with the profile offices choose them by."""
    require_unit(by, organization)
    if not full_name.strip():
        raise field_error("full_name", _("The full name is required."))
    speaker = Speaker.objects.create(
        full_name=" ".join(full_name.split()),
        organization=organization,
        title=title.strip(),
        phone=phone.strip(),
        notes=notes.strip(),
    )
    audit_record(
        actor=by,
        action="create",
        obj=speaker,
        organization=organization,
        changes=diff({}, snapshot(speaker, SPEAKER_AUDITED)),
    )
    return speaker


@transaction.atomic
def speaker_update(*, by: User, speaker: Speaker, **changes: Any) -> Speaker:
    """Change full_name, title, organization, phone or notes."""
    require_unit(by, speaker.organization)
    if "organization" in changes:
        require_unit(by, changes["organization"])
    before = snapshot(speaker, SPEAKER_AUDITED)
    for name, value in changes.items():
        if name not in SPEAKER_AUDITED:
            raise TypeError(f"speaker_update() got an unexpected field {name!r}")
        setattr(speaker, name, value.strip() if isinstance(value, str) else value)
    if not speaker.full_name:
        raise field_error("full_name", _("The full name is required."))
    speaker.save()
    changed = diff(before, snapshot(speaker, SPEAKER_AUDITED))
    if changed:
        audit_record(
            actor=by,
            action="update",
            obj=speaker,
            organization=speaker.organization,
            changes=changed,
        )
    return speaker


# Study plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTarget:
    """Units that must hold a session: every unit of `level` in the plan owner's subtree, or
    one `organization`; by `due_on` (the plan's date when None)."""

    level: Level | None = None
    organization: Organization | None = None
    due_on: datetime.date | None = None


def _set_targets(plan: StudyPlan, targets: Sequence[PlanTarget]) -> None:
    rows = []
    for target in targets:
        if (target.level is None) == (target.organization is None):
            raise field_error("targets", _("Each target is either a level or an organization."))
        if target.organization is not None and not target.organization.path.startswith(
            plan.owner.path
        ):
            raise field_error(
                "targets",
                _("%(name)s is not under the committee that issues the plan.")
                % {"name": target.organization.name},
            )
        due_on = target.due_on or plan.due_on
        if due_on < plan.document.signed_on:
            raise field_error("targets", _("A session cannot be due before the document's date."))
        rows.append(
            StudyPlanTarget(
                plan=plan, level=target.level, organization=target.organization, due_on=due_on
            )
        )
    plan.targets.all().delete()
    StudyPlanTarget.objects.bulk_create(rows)


def _plan_audit(plan: StudyPlan) -> dict[str, Any]:
    return {
        **snapshot(plan, PLAN_AUDITED),
        "targets": [str(t) for t in plan.targets.select_related("level", "organization")],
    }


@transaction.atomic
def study_plan_create(
    *,
    by: User,
    document: Document,
    owner: Organization,
    kind: str,
    due_on: datetime.date,
    title: str = "",
    outline: str = "",
    targets: Sequence[PlanTarget] = (),
    audiences: Sequence[AudienceGroup] = (),
    speakers: Sequence[Speaker] = (),
) -> StudyPlan:
    """A committee's plan to study (quán triệt) or disseminate (phổ biến) a document."""
    require_unit(by, owner)
    require_document(by, document)
    require_active(owner, "owner")
    if kind not in StudyKind.values:
        raise field_error("kind", _("Choose in-depth study or dissemination."))
    if due_on < document.signed_on:
        raise field_error("due_on", _("A session cannot be due before the document's date."))
    if StudyPlan.objects.filter(owner=owner, document=document).exists():
        raise field_error(
            "document",
            _("%(name)s already has a study plan for this document.") % {"name": owner.name},
        )
    plan = StudyPlan.objects.create(
        document=document,
        owner=owner,
        kind=kind,
        due_on=due_on,
        title=title.strip(),
        outline=outline.strip(),
        created_by=by,
    )
    _set_targets(plan, targets)
    plan.audiences.set(audiences)
    plan.speakers.set(speakers)
    audit_record(
        actor=by, action="create", obj=plan, organization=owner, changes=diff({}, _plan_audit(plan))
    )
    return plan


@transaction.atomic
def study_plan_update(
    *,
    by: User,
    plan: StudyPlan,
    targets: Sequence[PlanTarget] | None = None,
    audiences: Sequence[AudienceGroup] | None = None,
    speakers: Sequence[Speaker] | None = None,
    **changes: Any,
) -> StudyPlan:
    """Change kind, title, outline, due_on; replace targets, audiences or speakers."""
    require_unit(by, plan.owner)
    before = _plan_audit(plan)
    for name, value in changes.items():
        if name not in ("kind", "title", "outline", "due_on"):
            raise TypeError(f"study_plan_update() got an unexpected field {name!r}")
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    if plan.kind not in StudyKind.values:
        raise field_error("kind", _("Choose in-depth study or dissemination."))
    if plan.due_on < plan.document.signed_on:
        raise field_error("due_on", _("A session cannot be due before the document's date."))
    plan.save()
    if targets is not None:
        _set_targets(plan, targets)
    if audiences is not None:
        plan.audiences.set(audiences)
    if speakers is not None:
        plan.speakers.set(speakers)
    changed = diff(before, _plan_audit(plan))
    if changed:
        audit_record(actor=by, action="update", obj=plan, organization=plan.owner, changes=changed)
    return plan


@transaction.atomic
def study_plan_delete(*, by: User, plan: StudyPlan) -> None:
    """Delete a plan; its sessions stay, no longer attached to a plan."""
    require_unit(by, plan.owner)
    audit_record(
        actor=by,
        action="delete",
        obj=plan,
        organization=plan.owner,
        changes=diff(_plan_audit(plan), {}),
    )
    plan.delete()


@transaction.atomic
def study_material_add(
    *, by: User, plan: StudyPlan, title: str, text: str = "", file: UploadedFile | None = None
) -> StudyMaterial:
    """Attach an outline or material (text, a PDF/DOCX/DOC file, or both) to a plan."""
    from nqtrack.documents.files import check_upload

    require_unit(by, plan.owner)
    if not title.strip():
        raise field_error("title", _("Give the material a title."))
    if file is None and not text.strip():
        raise field_error("text", _("Write the text or attach a file."))
    checked = check_upload(file) if file is not None else None
    material = StudyMaterial.objects.create(
        plan=plan,
        title=title.strip(),
        text=text.strip(),
        file=file or "",
        original_name=checked.name if checked is not None else "",
    )
    audit_record(
        actor=by,
        action="attach",
        obj=plan,
        organization=plan.owner,
        changes={"attachments": [None, material.title]},
    )
    return material


# Outreach --------------------------------------------------------------------------------


def _check_outreach(activity: OutreachActivity) -> None:
    if activity.channel not in OutreachChannel.values:
        raise field_error("channel", _("Choose a channel."))
    if activity.count < 1:
        raise field_error("count", _("The number of times must be at least 1."))
    if activity.held_on < activity.document.signed_on:
        raise field_error("held_on", _("Outreach cannot be dated before the document was signed."))


@transaction.atomic
def outreach_record(
    *,
    by: User,
    organization: Organization,
    document: Document,
    channel: str,
    held_on: datetime.date,
    count: int = 1,
    reach: int = 0,
    notes: str = "",
) -> OutreachActivity:
    """Record propaganda about a document by a unit through one channel."""
    require_unit(by, organization)
    require_document(by, document)
    activity = OutreachActivity(
        organization=organization,
        document=document,
        channel=channel,
        held_on=held_on,
        count=count,
        reach=reach,
        notes=notes.strip(),
        created_by=by,
    )
    _check_outreach(activity)
    activity.save()
    audit_record(
        actor=by,
        action="create",
        obj=activity,
        organization=organization,
        changes=diff({}, snapshot(activity, OUTREACH_AUDITED)),
    )
    return activity


@transaction.atomic
def outreach_update(*, by: User, activity: OutreachActivity, **changes: Any) -> OutreachActivity:
    """Change channel, count, held_on, reach or notes."""
    require_unit(by, activity.organization)
    before = snapshot(activity, OUTREACH_AUDITED)
    for name, value in changes.items():
        if name not in ("channel", "count", "held_on", "reach", "notes"):
            raise TypeError(f"outreach_update() got an unexpected field {name!r}")
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    _check_outreach(activity)
    activity.save()
    changed = diff(before, snapshot(activity, OUTREACH_AUDITED))
    if changed:
        audit_record(
            actor=by,
            action="update",
            obj=activity,
            organization=activity.organization,
            changes=changed,
        )
    return activity


@transaction.atomic
def outreach_delete(*, by: User, activity: OutreachActivity) -> None:
    require_unit(by, activity.organization)
    audit_record(
        actor=by,
        action="delete",
        obj=activity,
        organization=activity.organization,
        changes=diff(snapshot(activity, OUTREACH_AUDITED), {}),
    )
    activity.delete()
