"""Read-only roles never write: one rule for every page and endpoint.

A viewer (a leader who reads the dashboards) may read everything in their scope and change
nothing, on the web or through the API. The few POST routes that write nothing of the record
(logging out, choosing the language, marking one's own notifications read, reading a text
through the parsers) stay open. Services still check who may do what on which organization;
this guard is the floor under them, so that a new endpoint cannot forget the role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import loader
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from nqtrack.organizations.models import Role

# URL names (with namespace) whose POST writes nothing of the shared record.
OPEN_TO_READERS = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "notifications:read-all",
        "documents-parse",
        "deadlines-parse",
        "tasks-extract",
    }
)
OPEN_PATHS = ("/api/v1/documents/parse/", "/api/v1/deadlines/parse/", "/api/v1/tasks/extract/")


def is_read_only(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and not user.is_superuser
        and getattr(user, "role", None) == Role.VIEWER
    )


def write_refused(request: HttpRequest) -> bool:
    """An unsafe request by a read-only user to a route that changes the record."""
    if request.method in SAFE_METHODS or not is_read_only(request.user):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in OPEN_TO_READERS:
        return False
    return not request.path.startswith(OPEN_PATHS)


def refusal_message() -> str:
    return _("Your role lets you read, not change: ask your office to make this change.")


class ReadOnlyRolesMiddleware:
    """Refuses writes by read-only roles on the web (session); the API has the permission."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # DRF authenticates tokens itself; ReadOnlyRolesCannotWrite applies
        if not write_refused(request):
            return None
        body = loader.render_to_string(
            "403.html", {"message": refusal_message()}, request=request
        )
        return HttpResponseForbidden(body)


class ReadOnlyRolesCannotWrite(BasePermission):
    """DRF: the same rule for every endpoint, whatever authenticated the request."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if write_refused(request):
            self.message = refusal_message()
            return False
        return True
