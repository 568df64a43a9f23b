"""Writes of study sessions: creating them, the invitation list and attendance by hand.

One transaction each, every change audited. Attendance lists are imported by importing.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.bulkload import bulk_load
from nqtrack.core.errors import field_error
from nqtrack.dissemination import tallies
from nqtrack.dissemination.access import require_active, require_document, require_unit
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    AudienceGroup,
    Member,
    SessionFormat,
    Speaker,
    StudyPlan,
    StudySession,
)
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, User

SESSION_AUDITED = (
    "organizer",
    "title",
    "held_on",
    "format",
    "connection_points",
    "connection_point_names",
    "audience",
    "location",
    "notes",
)


# Sessions --------------------------------------------------------------------------------


def _check_format(
    fmt: str, connection_points: int | None, names: Sequence[str]
) -> tuple[int, list[str]]:
    if fmt not in SessionFormat.values:
        raise field_error("format", _("Choose in person, online, or both."))
    clean = [" ".join(n.split()) for n in names if n.strip()]
    if fmt == SessionFormat.IN_PERSON:
        if connection_points or clean:
            raise field_error(
                "connection_points", _("A session held in person has no connection points.")
            )
        return 0, []
    points = connection_points if connection_points is not None else len(clean)
    if points < 1:
        raise field_error(
            "connection_points", _("An online session needs at least one connection point.")
        )
    if clean and points < len(clean):
        raise field_error(
            "connection_points",
            _("%(count)s connection points are named but only %(points)s counted.")
            % {"count": len(clean), "points": points},
        )
    return points, clean


def _check_documents(by: User, documents: Sequence[Document]) -> None:
    if not documents:
        raise field_error("documents", _("Choose the documents the session covers."))
    for document in documents:
        require_document(by, document)


@transaction.atomic
def study_session_create(
    *,
    by: User,
    organizer: Organization,
    documents: Sequence[Document],
    held_on: datetime.date,
    format: str = SessionFormat.IN_PERSON,
    connection_points: int | None = None,
    connection_point_names: Sequence[str] = (),
    audience: AudienceGroup | None = None,
    speakers: Sequence[Speaker] = (),
    plan: StudyPlan | None = None,
    title: str = "",
    location: str = "",
    notes: str = "",
    invite_members: bool = True,
) -> StudySession:
    """Record a study session. By default every member of the organizer's subtree is
    invited (the expected audience); adjust it with session_invite / session_uninvite."""
    require_unit(by, organizer)
    require_active(organizer, "organizer")
    documents = list(documents)
    if plan is not None and plan.document not in documents:
        documents.append(plan.document)
    _check_documents(by, documents)
    earliest = min(d.signed_on for d in documents)
    if held_on < earliest:
        raise field_error("held_on", _("A session cannot be held before its document was signed."))
    points, names = _check_format(format, connection_points, connection_point_names)
    session = StudySession.objects.create(
        organizer=organizer,
        plan=plan,
        title=title.strip(),
        held_on=held_on,
        format=format,
        connection_points=points,
        connection_point_names=names,
        audience=audience,
        location=location.strip(),
        notes=notes.strip(),
        created_by=by,
    )
    session.documents.set(documents)
    session.speakers.set(speakers)
    invited = 0
    if invite_members:
        ids = Member.objects.filter(organization__path__startswith=organizer.path).values_list(
            "pk", flat=True
        )
        with tallies.sessions_changing([session.pk]):
            invited = bulk_load(
                Attendance,
                ["session_id", "member_id", "status"],
                ((session.pk, pk, AttendanceStatus.UNRECORDED.value) for pk in list(ids)),
            )
    audit_record(
        actor=by,
        action="create",
        obj=session,
        organization=organizer,
        changes={
            **diff({}, snapshot(session, SESSION_AUDITED)),
            "documents": [None, [d.symbol for d in documents]],
            "invited": [None, invited],
        },
    )
    return session


@transaction.atomic
def study_session_update(
    *,
    by: User,
    session: StudySession,
    documents: Sequence[Document] | None = None,
    speakers: Sequence[Speaker] | None = None,
    **changes: Any,
) -> StudySession:
    """Change the date, format, connection points, audience, title, location or notes, or
    replace the documents or speakers. The invitation list is left as it is."""
    require_unit(by, session.organizer)
    before = {**snapshot(session, SESSION_AUDITED), "documents": _symbols(session)}
    for name, value in changes.items():
        if name not in SESSION_AUDITED or name == "organizer":
            raise TypeError(f"study_session_update() got an unexpected field {name!r}")
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    if documents is not None:
        _check_documents(by, documents)
        session.documents.set(documents)
    if speakers is not None:
        session.speakers.set(speakers)
    signed = session.documents.order_by("signed_on").values_list("signed_on", flat=True).first()
    if signed is not None and session.held_on < signed:
        raise field_error("held_on", _("A session cannot be held before its document was signed."))
    points: int | None = session.connection_points
    if session.format == SessionFormat.IN_PERSON and "connection_points" not in changes:
        points, session.connection_point_names = 0, []
    elif "connection_point_names" in changes and "connection_points" not in changes:
        points = None  # counted from the names
    session.connection_points, session.connection_point_names = _check_format(
        session.format, points, session.connection_point_names
    )
    session.save()
    changed = diff(before, {**snapshot(session, SESSION_AUDITED), "documents": _symbols(session)})
    if changed:
        audit_record(
            actor=by, action="update", obj=session, organization=session.organizer, changes=changed
        )
    return session


def _symbols(session: StudySession) -> list[str]:
    return sorted(session.documents.values_list("symbol", flat=True))


@transaction.atomic
def study_session_delete(*, by: User, session: StudySession) -> None:
    """Delete a session recorded by mistake, with its invitations and attendance."""
    require_unit(by, session.organizer)
    audit_record(
        actor=by,
        action="delete",
        obj=session,
        organization=session.organizer,
        changes=diff(snapshot(session, SESSION_AUDITED), {}),
    )
    session.delete()


def _outside(session: StudySession, members: Sequence[Member]) -> list[Member]:
    return [m for m in members if not m.organization.path.startswith(session.organizer.path)]


@transaction.atomic
def session_invite(*, by: User, session: StudySession, members: Sequence[Member]) -> int:
    """Add members of the organizer's subtree to the invitation list; returns how many were
    not invited yet."""
    require_unit(by, session.organizer)
    outside = _outside(session, members)
    if outside:
        raise field_error(
            "members",
            _("%(names)s are not members of %(org)s.")
            % {"names": ", ".join(m.code for m in outside), "org": session.organizer.name},
        )
    already = set(
        Attendance.objects.filter(session=session, member__in=members).values_list(
            "member_id", flat=True
        )
    )
    new = [Attendance(session=session, member=m) for m in members if m.pk not in already]
    Attendance.objects.bulk_create(new, batch_size=500)  # recounts (AttendanceQuerySet)
    if new:
        audit_record(
            actor=by,
            action="invite",
            obj=session,
            organization=session.organizer,
            changes={"invited": [None, [a.member.code for a in new]]},
        )
    return len(new)


@transaction.atomic
def session_uninvite(*, by: User, session: StudySession, members: Sequence[Member]) -> int:
    """Remove members from the invitation list (their attendance with it)."""
    require_unit(by, session.organizer)
    removed, _counts = Attendance.objects.filter(session=session, member__in=members).delete()
    tallies.members_on_session(session, members)
    if removed:
        audit_record(
            actor=by,
            action="uninvite",
            obj=session,
            organization=session.organizer,
            changes={"uninvited": [[m.code for m in members], None]},
        )
    return removed


@transaction.atomic
def attendance_record(*, by: User, session: StudySession, marks: Mapping[Member, str]) -> int:
    """Record present / excused / absent (or "" to clear) for a few members, inviting those
    not yet invited. For a whole list use the attendance import."""
    require_unit(by, session.organizer)
    bad = [s for s in marks.values() if s not in AttendanceStatus.values]
    if bad:
        raise field_error(
            "status", _("Unknown attendance status: %(status)s.") % {"status": bad[0]}
        )
    outside = _outside(session, list(marks))
    if outside:
        raise field_error(
            "members",
            _("%(names)s are not members of %(org)s.")
            % {"names": ", ".join(m.code for m in outside), "org": session.organizer.name},
        )
    existing = {
        a.member_id: a for a in Attendance.objects.filter(session=session, member__in=list(marks))
    }
    changes: dict[str, list[str]] = {}
    with tallies.deferred():
        _mark(session, marks, existing, changes)
    if changes:
        audit_record(
            actor=by,
            action="attendance",
            obj=session,
            organization=session.organizer,
            changes=changes,
        )
    return len(changes)


def _mark(
    session: StudySession,
    marks: Mapping[Member, str],
    existing: dict[int, Attendance],
    changes: dict[str, list[str]],
) -> None:
    for member, status in marks.items():
        row = existing.get(member.pk)
        if row is None:
            Attendance.objects.create(session=session, member=member, status=status)
            changes[member.code] = ["", status]
        elif row.status != status:
            changes[member.code] = [row.status, status]
            row.status = status
            row.save(update_fields=["status"])
