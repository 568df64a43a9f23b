"""Recording changes. Services call these inside their own transaction."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from nqtrack.core.models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited fields of obj as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    organization: Any = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        organization=organization,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )


def audit_refusal(*, actor: Any, obj: models.Model, what: str, reason: str) -> AuditEvent:
    """Record a refused change. Call it outside the refused transaction, so that it stays."""
    return audit_record(
        actor=actor,
        action="refused",
        obj=obj,
        organization=getattr(actor, "organization", None),
        changes={"attempt": [what, None], "reason": [reason, None]},
    )


def audit_trail(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=obj._meta.model_name, object_id=str(obj.pk)
    ).select_related("actor")


ACTION_LABELS = {
    "create": _("created"),
    "update": _("changed"),
    "delete": _("deleted"),
    "relate": _("relation added"),
    "unrelate": _("relation removed"),
    "status": _("status changed"),
    "attach": _("file attached"),
    "move": _("moved"),
    "refused": _("change refused"),
    "merge": _("merged"),
    "calendar_token": _("calendar address created"),
    "login_unlock": _("login unlocked"),
    "complete": _("marked as done"),
    "reopen": _("reopened"),
    "cancel": _("cancelled"),
    "restore": _("restored"),
    "extension_requested": _("more time requested"),
    "extended": _("deadline extended"),
    "assessed": _("quality assessed"),
    "submit": _("report submitted"),
    "return": _("report returned for correction"),
    "progress": _("progress reported"),
    "measure": _("value recorded"),
    "programmes_required": _("programmes required"),
    "remind": _("reminder sent"),
    "follow": _("notice followed"),
    "plan_generate": _("review plan generated"),
    "plan": _("review plan recorded"),
    "scope": _("scope chosen"),
    "request_reports": _("reports requested"),
    "meeting": _("meeting recorded"),
    "draft": _("draft report generated"),
    "approve": _("approved by the committee"),
    "issue_report": _("report issued"),
    "follow_up": _("follow-up recorded"),
    "survey_questions": _("survey questions written"),
    "survey_response": _("survey answered"),
    "finding": _("finding recorded"),
    "remediation": _("remediation plan recorded"),
    "verify": _("remediation verified"),
    "carry_over": _("carried over"),
    "close": _("closed"),
    "attendance": _("attendance recorded"),
    "import_attendance": _("attendance imported"),
    "import_members": _("members imported"),
    "essay_scores": _("essay scores entered"),
    "invite": _("members invited"),
    "uninvite": _("invitation withdrawn"),
}
EXTRA_FIELD_LABELS = {
    "fields": _("fields"),
    "attachments": _("attachments"),
    "relation": _("relation"),
    "review_overrides": _("review dates fixed by the document"),
    "failed_logins": _("failed logins"),
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class AuditRow:
    at: datetime.datetime
    actor: Any
    action: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


def _display(field: Any, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "∅"
    if isinstance(value, list):
        return ", ".join(_display(field, v) for v in value)
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, str) and (match := _ISO_DATE.match(value)):
        return f"{match[3]}/{match[2]}/{match[1]}"
    return str(value)


_SYMBOL = re.compile(r"\d+[-–][A-Za-zĐđ]+(?:/[A-Za-zĐđ0-9-]+)+")


def _redact(rows: list[AuditRow], reader: Any) -> list[AuditRow]:
    """Name the documents the reader may not know by a neutral phrase, not their symbol."""
    from nqtrack.documents.models import Document
    from nqtrack.documents.selectors import documents_visible_to

    texts = [t for row in rows for change in row.changes for t in change[1:]]
    symbols = {m for t in texts for m in _SYMBOL.findall(t)}
    if not symbols:
        return rows
    hidden = list(
        Document.objects.filter(symbol__in=symbols)
        .exclude(pk__in=documents_visible_to(reader).values("pk"))
        .values_list("symbol", "title")
    )
    if not hidden:
        return rows
    label = str(_("a document you may not see"))

    def clean(text: str) -> str:
        for symbol, title in hidden:
            text = text.replace(symbol, label)
            if title:
                text = text.replace(title, label)
        return text

    return [
        dataclasses.replace(row, changes=[(n, clean(b), clean(a)) for n, b, a in row.changes])
        for row in rows
    ]


def audit_rows(obj: models.Model, limit: int = 100, *, reader: Any = None) -> list[AuditRow]:
    """The object's history with field names, choices and dates as a user reads them.

    With `reader`, documents the reader may not know are not named (secrecy policy)."""
    rows = []
    for event in audit_trail(obj)[:limit]:
        changes = []
        for name, pair in event.changes.items():
            field: Any = None
            label = str(EXTRA_FIELD_LABELS.get(name, name))
            if name not in EXTRA_FIELD_LABELS:
                try:
                    field = obj._meta.get_field(name)
                    label = str(field.verbose_name)
                except (FieldDoesNotExist, AttributeError):
                    field = None
            before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            changes.append((label, _display(field, before), _display(field, after)))
        rows.append(
            AuditRow(
                at=event.at,
                actor=event.actor,
                action=str(ACTION_LABELS.get(event.action, event.action)),
                changes=changes,
            )
        )
    if reader is not None and not getattr(reader, "is_superuser", False):
        rows = _redact(rows, reader)
    return rows
