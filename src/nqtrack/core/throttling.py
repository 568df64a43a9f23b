"""API throttling: a stricter rate for the endpoints that parse, extract, import or roll up.

The ordinary user and anonymous rates are DRF's own throttles (settings REST_FRAMEWORK). The
expensive endpoints are named here, by URL name, so that one list says which they are.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

EXPENSIVE_URL_NAMES = frozenset(
    {
        "documents-parse",
        "deadlines-parse",
        "tasks-extract",
        "member-import-members",
        "study-session-import-attendance",
        "essay-import-scores",
        "essay-bulk",
        "dissemination-rollup-list",
        "dissemination-every-level-list",
    }
)

EXPENSIVE_UNNAMED_ROUTES = ("documents/parse", "deadlines/parse", "tasks/extract")


class ExpensiveRateThrottle(SimpleRateThrottle):
    """The "expensive" rate, per user (or per address), shared by every expensive endpoint."""

    scope = "expensive"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        # The slash-ended twins of documents/parse and friends have no name of their own.
        unnamed = match.route.rstrip("/").endswith(EXPENSIVE_UNNAMED_ROUTES)
        if match.url_name not in EXPENSIVE_URL_NAMES and not unnamed:
            return None
        if request.user and request.user.is_authenticated:
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def throttled(exc: exceptions.Throttled) -> exceptions.Throttled:
    """The same 429 with a message in the user's language (DRF ships no Vietnamese)."""
    wait: float | None = getattr(exc, "wait", None)
    if wait is None:
        return exceptions.Throttled(detail=_("Too many requests. Please try again later."))
    seconds = max(1, math.ceil(wait))
    # Not Throttled(wait=...): that appends DRF's English "Expected available in ...".
    translated = exceptions.Throttled(
        detail=_("Too many requests. Please try again in %(seconds)s seconds.")
        % {"seconds": seconds}
    )
    translated.wait = wait  # type: ignore[attr-defined]  # the Retry-After header
    return translated


class _BadTokenThrottle(SimpleRateThrottle):
    """Failed token checks per address, at the anonymous rate."""

    scope = "anon"
    cache_format = "throttle_bad_token_%(ident)s"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"ident": self.get_ident(request)}


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check, with wrong tokens throttled per address.

    A token is not a login (django-axes never sees it), and DRF throttles run only after
    authentication succeeded, so without this nothing would slow down guessing keys.
    """

    def authenticate(self, request: Request) -> Any:
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            if api_settings.DEFAULT_THROTTLE_CLASSES:
                guard = _BadTokenThrottle()
                no_view: Any = None
                if not guard.allow_request(request, no_view):
                    raise exceptions.Throttled(guard.wait()) from None
            raise
