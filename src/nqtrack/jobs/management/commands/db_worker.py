"""`nqtrack db_worker`: django-tasks' database worker, plus a heartbeat and the stale-job sweep.

The library's worker runs one task at a time in its main thread. A second thread records the
worker's heartbeat every NQTRACK_WORKER_HEARTBEAT_SECONDS (also while a long import runs) and
ends the jobs of workers that died (killed, out of memory, host restarted), so that no job
stays "running" for ever. Options are the library's (`--queue-name`, `--interval`, `--batch`,
`--max-tasks`, `--worker-id`, …).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as LibraryCommand
from django_tasks_db.management.commands.db_worker import Worker

from nqtrack.jobs import conf, maintenance
from nqtrack.jobs.runtime import host_name, set_worker_id
from nqtrack.jobs.services import worker_beat, worker_stopped

logger = logging.getLogger("nqtrack.jobs")


class Heartbeat(threading.Thread):
    """Beats, then sweeps, every few seconds until stopped. Its failures are logged and
    retried: a database that is briefly locked or down must not stop the worker."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.halt = threading.Event()

    def run(self) -> None:
        every = conf.heartbeat_seconds()
        try:
            while not self.halt.wait(every):  # the worker beat once before starting us
                try:
                    worker_beat(worker_id=self.worker_id, host=host_name(), pid=os.getpid())
                    maintenance.run_all()
                except Exception:
                    logger.warning("worker %s: heartbeat failed", self.worker_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()


class HeartbeatWorker(Worker):
    def run(self) -> None:
        set_worker_id(self.worker_id)
        beat = Heartbeat(self.worker_id)
        worker_beat(worker_id=self.worker_id, host=host_name(), pid=os.getpid())
        maintenance.run_all()  # jobs of a worker that died before this one started
        beat.start()
        logger.info("worker %s: heartbeat every %ss", self.worker_id, conf.heartbeat_seconds())
        try:
            super().run()
        finally:
            beat.halt.set()
            beat.join(timeout=5)
            try:
                worker_stopped(worker_id=self.worker_id, now=timezone.now())
            except Exception:
                logger.warning("worker %s: could not record the stop", self.worker_id)
            set_worker_id(None)


class Command(LibraryCommand):
    help = (
        "Run background jobs (imports, e-mail, reminders): django-tasks' database worker with "
        "a heartbeat and the stale-job sweep. Run any number of them."
    )

    def handle(self, *, verbosity: int, **options: Any) -> None:
        self.configure_logging(verbosity)
        if verbosity:
            logging.getLogger("nqtrack.jobs").setLevel(logging.INFO)
            if not logger.hasHandlers():
                logger.addHandler(logging.StreamHandler(self.stdout))
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        reload = options["reload"] and not options["batch"]
        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
