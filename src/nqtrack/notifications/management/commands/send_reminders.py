from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from nqtrack.core.tabular import parse_iso_or_vn_date
from nqtrack.notifications.services import send_reminders


class Command(BaseCommand):
    help = "Send today's task reminders (run daily from cron or a worker; safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as of this day (dd/mm/yyyy), for catching up.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = parse_iso_or_vn_date(options["date"]) if options["date"] else None
        run = send_reminders(today=today or timezone.localdate())
        self.stdout.write(
            f"reminders: {run.reminders}, review stages: {run.review_reminders}, "
            f"already sent: {run.skipped}, e-mail digests: {run.digests}"
        )
