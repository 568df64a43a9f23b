"""Optimistic concurrency: a record's `version` says which edit a change was made against.

A form or API client reads a document or task at version N and sends N back with its change
(the form's hidden `version`, the API's `If-Match: "N"`). The service claims the row with one
conditional UPDATE ... WHERE version = N; if someone saved in between, no row matches and the
change is refused with who changed it and when, instead of silently overwriting their work.
The UPDATE holds the row's write lock until the service's transaction ends, so two saves
against the same N cannot both pass.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.models import AuditEvent


class StaleVersion(ValidationError):
    """The record changed since the client read it: nothing was written."""

    def __init__(self, obj: models.Model) -> None:
        self.current_version: int = (
            type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
            or 0
        )
        super().__init__(stale_message(obj))


def stale_message(obj: models.Model) -> str:
    last = (
        AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if last is None:
        return _("This record was changed meanwhile; reload it and make your change again.")
    actor = last.actor
    who = (getattr(actor, "full_name", "") or actor.get_username()) if actor else _("the system")
    at = timezone.localtime(last.at)
    return _(
        "This record was changed by %(who)s at %(time)s on %(date)s; reload it and make your "
        "change again."
    ) % {"who": who, "time": at.strftime("%H:%M"), "date": at.strftime("%d/%m/%Y")}


def version_claim(obj: Any, expected: int | None) -> None:
    """Move obj's row to its next version, or raise StaleVersion if it is no longer `expected`.

    Call inside the service's transaction, before anything is written. Without `expected` (a
    client that sent no version) the version still moves on, so that others' copies go stale.
    """
    model = type(obj)
    rows = model._default_manager.filter(pk=obj.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if rows.update(version=F("version") + 1) == 0:
        raise StaleVersion(obj)
    if expected is not None:
        obj.version = expected + 1
    else:
        obj.version = (
            model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).get()
        )


_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def version_from_if_match(header: str | None) -> int | None:
    """The version an If-Match header names; None when absent or `*` (any version).

    A header that names no version of ours can never match: it is answered as stale (-1).
    """
    if header is None or header.strip() in {"", "*"}:
        return None
    first = header.split(",")[0]
    match = _ETAG.match(first)
    return int(match.group(1)) if match else -1
