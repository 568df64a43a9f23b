from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nqtrack.ops.backup import BackupError, backup_restore, backup_verify
from nqtrack.ops.management.commands.backup import _error_text
from nqtrack.ops.selectors import migrations_check


class Command(BaseCommand):
    help = (
        "Restore an archive made by `nqtrack backup` into an empty database and MEDIA_ROOT, "
        "after checking its checksums; then compare row counts and checksums with its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive's checksums; write nothing.",
        )

    def handle(self, *args: Any, archive: Path, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = backup_verify(archive=archive)
                self.stdout.write(
                    self.style.SUCCESS(
                        _("The archive is intact: %(files)d files match the manifest of %(at)s.")
                        % {"files": len(manifest.files), "at": manifest.created_at}
                    )
                )
                return
            report = backup_restore(archive=archive)
        except BackupError as exc:
            raise CommandError(_error_text(exc)) from exc
        for table in report.tables:
            mark = "ok" if table.ok else "≠"
            self.stdout.write(f"{mark:>2}  {table.name}: {table.expected} / {table.found}")
        for entry in report.files:
            mark = "ok" if entry.ok else "≠"
            self.stdout.write(f"{mark:>2}  {entry.name}: sha256 {entry.found[:16]}")
        tables_ok = sum(t.ok for t in report.tables)
        files_ok = sum(f.ok for f in report.files)
        summary = _(
            "%(tables_ok)d of %(tables)d tables have their row count, %(files_ok)d of %(files)d "
            "files their checksum (backup of %(at)s, NQTrack %(version)s)."
        ) % {
            "tables_ok": tables_ok,
            "tables": len(report.tables),
            "files_ok": files_ok,
            "files": len(report.files),
            "at": report.manifest.created_at,
            "version": report.manifest.nqtrack_version,
        }
        if not report.ok:
            raise CommandError(_("The restored data differ from the backup. %s") % summary)
        self.stdout.write(self.style.SUCCESS(_("Restored. %s") % summary))
        if migrations_check().status != "ok":
            self.stdout.write(
                _("This code has newer migrations than the backup: run `nqtrack migrate`.")
            )
