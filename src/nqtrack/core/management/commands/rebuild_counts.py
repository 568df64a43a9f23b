from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nqtrack.core.tallies import CHECKERS, check_all


class Command(BaseCommand):
    help = (
        "Recount every maintained count (task statuses, study participation…) from the raw rows, "
        "report any drift and rewrite the stored counts. With --check, only report; the exit "
        "status is 1 when a count was wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Report drift, change nothing.")
        parser.add_argument(
            "--only", action="append", default=[], help=f"One of: {', '.join(sorted(CHECKERS))}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = set(options["only"]) - set(CHECKERS)
        if unknown:
            raise CommandError(f"Unknown counts: {', '.join(sorted(unknown))}")
        drifted = False
        for drift in check_all(fix=not options["check"], only=options["only"]):
            state = "ok" if drift.clean else "DRIFT"
            self.stdout.write(
                f"{drift.name}: {drift.rows} rows, {drift.wrong} wrong, {drift.missing} missing, "
                f"{drift.extra} extra — {state}"
            )
            for example in drift.examples[:10]:
                self.stdout.write(f"  {example}")
            drifted = drifted or not drift.clean
        if drifted and options["check"]:
            raise SystemExit(1)
        if drifted:
            self.stdout.write(self.style.SUCCESS("Drifted counts were rewritten from a recount."))
