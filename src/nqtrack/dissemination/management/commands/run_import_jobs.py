"""Run queued import jobs: `nqtrack run_import_jobs [--loop] [--interval SECONDS]`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nqtrack.dissemination.jobs import run_queued_import_jobs


class Command(BaseCommand):
    help = "Run the queued imports of members, attendance and essay scores."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep polling for new jobs.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            ran = run_queued_import_jobs()
            if ran:
                self.stdout.write(f"{ran} import job(s) run.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
