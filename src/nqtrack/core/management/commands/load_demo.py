from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nqtrack.demo.loader import demo_load
from nqtrack.organizations.models import Organization


class Command(BaseCommand):
    help = "Load the demo province (organizations, users, documents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when organizations already exist."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already present; nothing loaded.")
                return
            self.stderr.write("The database already has organizations; not loading the demo.")
            raise SystemExit(1)
        counts = demo_load()
        self.stdout.write(
            self.style.SUCCESS("Demo loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        )
