"""What a worker does besides running tasks, every heartbeat: end the jobs of dead workers and
make sure e-mail waiting for a retry gets a task. Each step is an explicit call, so that
grep finds who sweeps what."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from nqtrack.jobs import conf
from nqtrack.jobs.services import task_results_sweep, workers_forget

logger = logging.getLogger("nqtrack.jobs")

_last_cleanup: datetime.datetime | None = None


def run_all(*, now: datetime.datetime | None = None) -> dict[str, int]:
    from nqtrack.dissemination.jobs import import_jobs_sweep
    from nqtrack.notifications.outbox import outbox_kick

    global _last_cleanup
    now = now or timezone.now()
    done = {
        "imports_lost": import_jobs_sweep(now=now),
        "tasks_lost": task_results_sweep(now=now),
        "mail_kicked": int(outbox_kick(now=now)),
    }
    if _last_cleanup is None or now - _last_cleanup > datetime.timedelta(hours=1):
        done["workers_forgotten"] = workers_forget(before=now - 100 * conf.stale_after())
        _last_cleanup = now
    if any(done.values()):
        logger.info("maintenance: %s", done)
    return done
