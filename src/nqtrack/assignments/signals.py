"""Keep the task counts (tallies.py) and who sees which task (reach.py) in step with tasks,
documents and the tree."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver

from nqtrack.assignments import reach, tallies
from nqtrack.assignments.models import Task
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization
from nqtrack.organizations.signals import subtree_moved


@receiver(post_init, sender=Task)
def _remember_lead(sender: Any, instance: Task, **kwargs: Any) -> None:
    instance._tally_lead_id = instance.__dict__.get("lead_id")  # type: ignore[attr-defined]
    instance._reach_seen = (instance._tally_lead_id, instance.__dict__.get("assigned_by_id"))  # type: ignore[attr-defined]


@receiver(post_save, sender=Task)
def _task_saved(sender: Any, instance: Task, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = getattr(instance, "_tally_lead_id", None)
    tallies.leads_changed({instance.lead_id, before} - {None})
    instance._tally_lead_id = instance.lead_id  # type: ignore[attr-defined]
    seen = (instance.lead_id, instance.assigned_by_id)
    if kwargs.get("created") or getattr(instance, "_reach_seen", None) != seen:
        reach.refresh_tasks([instance.pk])
    instance._reach_seen = seen  # type: ignore[attr-defined]


@receiver(m2m_changed, sender=Task.supporting.through)
def _supporting_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not reverse:  # instance is the task
        if action in ("post_add", "post_remove", "post_clear"):
            reach.refresh_tasks([instance.pk])
        return
    # instance is an organization; pk_set its tasks (None on a clear: remember them first)
    if action == "pre_clear":
        instance._reach_tasks = list(instance.supported_tasks.values_list("pk", flat=True))
    elif action == "post_clear":
        reach.refresh_tasks(getattr(instance, "_reach_tasks", []))
    elif action in ("post_add", "post_remove"):
        reach.refresh_tasks(pk_set or [])


@receiver(post_delete, sender=Task)
def _task_deleted(sender: Any, instance: Task, **kwargs: Any) -> None:
    tallies.leads_changed({instance.lead_id})


@receiver(post_init, sender=Document)
def _remember_document(sender: Any, instance: Document, **kwargs: Any) -> None:
    values = instance.__dict__
    instance._tally_seen = (values.get("owner_id"), values.get("security_level"))  # type: ignore[attr-defined]


@receiver(post_save, sender=Document)
def _document_saved(
    sender: Any, instance: Document, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    now = (instance.owner_id, instance.security_level)
    if not created and not raw and getattr(instance, "_tally_seen", now) != now:
        tallies.refresh_documents([instance.pk])
    instance._tally_seen = now  # type: ignore[attr-defined]


@receiver(m2m_changed, sender=Document.fields.through)
def _document_fields_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # instance is a Field; pk_set the documents (None after a clear)
        documents = pk_set or []
        if action == "post_clear":
            documents = tallies.LeadTally.objects.values_list("document_id", flat=True).distinct()
        tallies.refresh_documents(list(documents))
    else:
        tallies.refresh_documents([instance.pk])


@receiver(subtree_moved, sender=Organization)
def _subtree_moved(sender: Any, organization: Organization, old_path: str, **kwargs: Any) -> None:
    tallies.move_subtree(organization.pk, old_path, organization.path)
    reach.move_subtree(organization.path)
