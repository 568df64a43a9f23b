"""Health of a running installation: the database, its migrations, the background worker.

Each check answers a status and a few figures, never an error text: an exception message can
carry a host name, a user or a query, and /healthz is public. Causes go to the log.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from nqtrack.ops import conf

logger = logging.getLogger("nqtrack.ops")

OK = "ok"
FAIL = "fail"
SKIPPED = "skipped"  # not checked, because a check it depends on failed
DISABLED = "disabled"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **self.details}


@dataclass(frozen=True)
class Health:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(check.status != FAIL for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name for check in self.checks if check.status == FAIL]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": OK if self.ok else FAIL,
            "failed": self.failed,
            "checks": {check.name: check.as_dict() for check in self.checks},
        }


def database_check(*, using: str = DEFAULT_DB_ALIAS) -> Check:
    """The database answers a query."""
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("health: the database does not answer", exc_info=True)
        connections[using].close()
        return Check("database", FAIL, {"reason": "unavailable"})
    return Check("database", OK)


def migrations_check(*, using: str = DEFAULT_DB_ALIAS) -> Check:
    """Every migration of the installed code is applied (else: run `nqtrack migrate`)."""
    try:
        executor = MigrationExecutor(connections[using])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        logger.warning("health: could not read the migration state", exc_info=True)
        return Check("migrations", FAIL, {"reason": "unreadable"})
    if plan:
        return Check("migrations", FAIL, {"reason": "unapplied", "unapplied": len(plan)})
    return Check("migrations", OK, {"unapplied": 0})


class _NotConfigured:
    pass


NOT_CONFIGURED = _NotConfigured()
Heartbeat = datetime.datetime | None | _NotConfigured


def last_worker_heartbeat() -> Heartbeat:
    """The jobs app's last heartbeat, or NOT_CONFIGURED when no worker app is installed."""
    try:
        from nqtrack.jobs.selectors import last_worker_heartbeat as jobs_last_heartbeat
    except ImportError:
        return NOT_CONFIGURED
    from django.apps import apps

    if not apps.is_installed("nqtrack.jobs"):
        return NOT_CONFIGURED
    return jobs_last_heartbeat()


def worker_check(
    *,
    now: datetime.datetime,
    max_age: datetime.timedelta | None,
    heartbeat: Callable[[], Heartbeat] | None = None,
) -> Check:
    """A background worker said it was alive less than `max_age` ago (None: not checked)."""
    if max_age is None:
        return Check("worker", DISABLED)
    try:
        beat = (heartbeat or last_worker_heartbeat)()
    except Exception:
        logger.warning("health: could not read the worker heartbeat", exc_info=True)
        return Check("worker", FAIL, {"reason": "unreadable"})
    if isinstance(beat, _NotConfigured):
        return Check("worker", DISABLED, {"reason": "not_configured"})
    limit = int(max_age.total_seconds())
    if beat is None:
        return Check("worker", FAIL, {"reason": "never", "max_age_seconds": limit})
    age = max(0, int((now - beat).total_seconds()))
    details = {"last_heartbeat": beat.isoformat(), "age_seconds": age, "max_age_seconds": limit}
    if age > limit:
        return Check("worker", FAIL, {"reason": "stale", **details})
    return Check("worker", OK, details)


def installation_health(
    *,
    using: str = DEFAULT_DB_ALIAS,
    now: datetime.datetime | None = None,
    heartbeat: Callable[[], Heartbeat] | None = None,
) -> Health:
    """All checks; those that need the database are skipped when it does not answer."""
    database = database_check(using=using)
    if database.status != OK:
        return Health([database, Check("migrations", SKIPPED), Check("worker", SKIPPED)])
    return Health(
        [
            database,
            migrations_check(using=using),
            worker_check(
                now=now or timezone.now(), max_age=conf.worker_max_age(), heartbeat=heartbeat
            ),
        ]
    )
