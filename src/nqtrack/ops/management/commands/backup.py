from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nqtrack.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) of the database, the media files and a manifest with row "
        "counts and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="Archive file, or a folder for a new timestamped file (default: var/backups/).",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        try:
            path, manifest = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(_error_text(exc)) from exc
        rows = sum(manifest.tables.values())
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written: %(path)s (%(vendor)s, %(tables)d tables, %(rows)d rows, "
                    "%(files)d media files, %(size)s bytes)."
                )
                % {
                    "path": path,
                    "vendor": manifest.database_vendor,
                    "tables": len(manifest.tables),
                    "rows": rows,
                    "files": len(manifest.media),
                    "size": f"{size:,}",
                }
            )
        )


def _error_text(exc: BackupError) -> str:
    return exc.message if exc.message == exc.english else f"{exc.message}\n({exc.english})"
