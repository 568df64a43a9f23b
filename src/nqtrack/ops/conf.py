"""Settings of the health check, from Django settings or else the environment."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nqtrack.core.env import env_int


def worker_max_age() -> datetime.timedelta | None:
    """How old the worker's last heartbeat may be before /healthz fails
    (NQTRACK_HEALTH_WORKER_MAX_AGE seconds, default 120; 0: the worker is not checked)."""
    name = "NQTRACK_HEALTH_WORKER_MAX_AGE"
    seconds = int(getattr(settings, name, env_int(name, 120)))
    if seconds < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more seconds, not {seconds}")
    return datetime.timedelta(seconds=seconds) if seconds else None
