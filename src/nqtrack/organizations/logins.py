"""Login lockout (django-axes): the message a locked-out user sees, and the administrator's unlock.

Axes counts failed logins per username and address (settings AXES_*). After
NQTRACK_LOGIN_FAILURE_LIMIT failures in a row the pair is refused, even with the right password,
until NQTRACK_LOGIN_COOLOFF_MINUTES have passed or an administrator unlocks the user.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record
from nqtrack.organizations.models import User
from nqtrack.organizations.selectors import users_visible_to


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check for every login that comes with a request (the login page, the admin).

    Without a request (Django's test client `login()`, a shell) there is no address to count
    against, and axes would raise instead of letting the next backend check the password.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed logins: this account is locked for %(minutes)s minutes on this "
        "computer. Try again later or ask your administrator to unlock it."
    ) % {"minutes": _cooloff_minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message, as a 429."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=429)
    form = AuthenticationForm(request, data=request.POST or None)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )


def failed_logins(user: User) -> int:
    """Failures counted against the user (from every address) within the cool-off window."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=user.username, attempt_time__gte=since)
    return sum(a.failures_since_start for a in attempts)


def login_locked(user: User) -> bool:
    """True while some address is locked out of this user's account."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=user.username,
        attempt_time__gte=since,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
    ).exists()


@transaction.atomic
def user_login_unlock(*, by: User, user: User) -> int:
    """Forget the user's failed logins (every address); returns how many were forgotten."""
    if not by.can_administer or not users_visible_to(by).filter(pk=user.pk).exists():
        raise PermissionDenied
    failures = failed_logins(user)
    axes_reset(username=user.username)
    audit_record(
        actor=by,
        action="login_unlock",
        obj=user,
        organization=user.organization,
        changes={"failed_logins": [failures, 0]},
    )
    return failures
