"""Settings of the background workers, from Django settings or else the environment."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nqtrack.core.env import env_int


def _seconds(name: str, default: int, *, low: int, high: int | None = None) -> int:
    value = int(getattr(settings, name, env_int(name, default)))
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ImproperlyConfigured(f"{name} must be {limit} seconds, not {value}")
    return value


def heartbeat_seconds() -> int:
    """How often a worker records that it is alive (NQTRACK_WORKER_HEARTBEAT_SECONDS, ≤ 30)."""
    return _seconds("NQTRACK_WORKER_HEARTBEAT_SECONDS", 10, low=1, high=30)


def stale_after() -> datetime.timedelta:
    """A worker silent this long is dead, and its running jobs are ended
    (NQTRACK_WORKER_STALE_SECONDS, default 300)."""
    return datetime.timedelta(seconds=_seconds("NQTRACK_WORKER_STALE_SECONDS", 300, low=30))
