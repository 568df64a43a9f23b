"""Keep the study counts (tallies.py) in step with single-row writes of members, attendance and
sessions, and with moves in the tree. Bulk writers (imports, invitations, session deletion)
call tallies.sessions_changing / tallies.refresh themselves: no signal fires for them, and no
post_delete receiver is attached to Attendance, so deleting a session's list stays one DELETE."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from nqtrack.dissemination import tallies
from nqtrack.dissemination.models import Attendance, Member, StudySession
from nqtrack.organizations.models import Organization
from nqtrack.organizations.signals import subtree_moved


@receiver(post_init, sender=Member)
def _remember_unit(sender: Any, instance: Member, **kwargs: Any) -> None:
    instance._tally_unit = instance.__dict__.get("organization_id")  # type: ignore[attr-defined]


@receiver(post_save, sender=Member)
def _member_saved(sender: Any, instance: Member, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_tally_unit", None)
    if before != instance.organization_id or kwargs.get("created"):
        tallies.changed({before, instance.organization_id} - {None})
    instance._tally_unit = instance.organization_id  # type: ignore[attr-defined]


@receiver(post_delete, sender=Member)
def _member_deleted(sender: Any, instance: Member, **kwargs: Any) -> None:
    tallies.changed({instance.organization_id})


@receiver(post_save, sender=Attendance)
def _attendance_saved(sender: Any, instance: Attendance, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    unit = Member.objects.filter(pk=instance.member_id).values_list("organization_id", flat=True)
    docs = tallies.session_documents(instance.session_id)
    if docs:
        tallies.changed(list(unit), docs, members=False)


@receiver(pre_delete, sender=StudySession)
def _session_deleting(sender: Any, instance: StudySession, **kwargs: Any) -> None:
    instance._tally_scope = tallies._session_scope([instance.pk])  # type: ignore[attr-defined]


@receiver(post_delete, sender=StudySession)
def _session_deleted(sender: Any, instance: StudySession, **kwargs: Any) -> None:
    orgs, docs = getattr(instance, "_tally_scope", (set(), set()))
    if orgs and docs:
        tallies.changed(orgs, docs, members=False)


@receiver(m2m_changed, sender=StudySession.documents.through)
def _session_documents_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action == "pre_clear":
        sessions = (
            [instance.pk]
            if not reverse
            else list(
                StudySession.documents.through.objects.filter(document_id=instance.pk).values_list(
                    "studysession_id", flat=True
                )
            )
        )
        instance._tally_scope = tallies._session_scope(sessions)  # type: ignore[attr-defined]
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        orgs, docs = getattr(instance, "_tally_scope", (set(), set()))
        if reverse:
            docs = {instance.pk}
    elif reverse:  # instance is a Document, pk_set the sessions
        orgs, _docs = tallies._session_scope(list(pk_set or []))
        docs = {instance.pk}
    else:
        orgs, _docs = tallies._session_scope([instance.pk])
        docs = set(pk_set or [])
    if orgs and docs:
        tallies.changed(orgs, docs, members=False)


@receiver(subtree_moved, sender=Organization)
def _subtree_moved(sender: Any, organization: Organization, old_path: str, **kwargs: Any) -> None:
    tallies.move_subtree(organization.pk, old_path, organization.path)
