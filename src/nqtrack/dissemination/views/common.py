"""Helpers shared by the study and dissemination pages."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from nqtrack.dissemination.access import units_managed_by
from nqtrack.organizations.models import User

PER_PAGE = 50


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def can_write(user: User) -> bool:
    """May the user record anything (a unit they write for)? Viewers only read."""
    return units_managed_by(user).exists()


def require_writer(user: User) -> None:
    if not can_write(user):
        raise PermissionDenied(_("You may only read study and dissemination."))


def error_text(exc: Exception) -> str:
    """One readable sentence of a service's PermissionDenied or ValidationError."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def paginate(
    request: HttpRequest, items: Any, param: str = "page", per_page: int = PER_PAGE
) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get(param))


def percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def ddmmyyyy(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# Files checked by a dry run wait here until the user confirms the import.


def _pending_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "study-imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_pending(request: HttpRequest, key: str, data: bytes, name: str, **extra: Any) -> None:
    token = uuid.uuid4().hex
    (_pending_dir() / token).write_bytes(data)
    request.session[key] = {"token": token, "name": name, **extra}


def pending(request: HttpRequest, key: str) -> tuple[dict[str, Any], Path] | None:
    info = request.session.get(key)
    if not info:
        return None
    path = _pending_dir() / info["token"]
    if not path.exists():
        request.session.pop(key, None)
        return None
    return info, path


def drop_pending(request: HttpRequest, key: str) -> None:
    info = request.session.pop(key, None)
    if info:
        (_pending_dir() / info["token"]).unlink(missing_ok=True)
