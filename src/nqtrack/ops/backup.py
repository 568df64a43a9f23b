"""Backup and restore of a whole installation: the database, the media files, a manifest.

An archive is one tar.gz:

    database.pgdump | database.sqlite3   pg_dump --format=custom, or SQLite's online backup
    media/<path>                         every file under MEDIA_ROOT
    manifest.json                        version, vendor, time, row count of each table,
                                         SHA-256 and size of each file above

The dump and the row counts come from one snapshot (PostgreSQL: an exported snapshot that
pg_dump shares; SQLite: the counts are taken on the copy), so they agree even while users
work. Media files are only ever added, so copying them after the snapshot loses nothing
that the database refers to.

A restore checks every checksum before it writes anything, loads only into an empty
database, then recounts the rows and rehashes the files against the manifest.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

ARCHIVE_FORMAT = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

# Rows that `nqtrack migrate` writes by itself (bookkeeping and the default data of the data
# migrations), and rows a server writes before anyone uses it: a database holding only these
# is still empty.
BOOKKEEPING_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_session",
}
SEEDED_MODELS = [
    "organizations.Level",
    "documents.ReviewRule",
    "assignments.PublicHoliday",
    "dissemination.AudienceGroup",
    "jobs.WorkerHeartbeat",
]


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was written. Carries the message in the
    active language and in English (operators search the English one)."""

    def __init__(self, message: str, english: str) -> None:
        super().__init__(message)
        self.message = message
        self.english = english


def _error(
    msgid: str, *, problems: list[tuple[str, str]] | None = None, **params: Any
) -> BackupError:
    """The error in the active language and in English; `problems` are (msgid, file name)
    pairs, listed after the message in the same language."""

    def text() -> str:
        listed = "; ".join(gettext(problem) % {"name": name} for problem, name in problems or [])
        return gettext(msgid) % ({"problems": listed, **params} if problems else params)

    message = text()
    with translation.override("en"):
        english = text()
    return BackupError(message, english)


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    format: int
    nqtrack_version: str
    database_vendor: str
    database_version: str
    created_at: str
    tables: dict[str, int]
    files: list[FileEntry] = field(default_factory=list)

    @property
    def dump(self) -> FileEntry:
        name = DUMP_NAMES[self.database_vendor]
        return next(entry for entry in self.files if entry.path == name)

    @property
    def media(self) -> list[FileEntry]:
        return [entry for entry in self.files if entry.path.startswith(MEDIA_PREFIX)]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            manifest = cls(
                format=int(data["format"]),
                nqtrack_version=str(data["nqtrack_version"]),
                database_vendor=str(data["database_vendor"]),
                database_version=str(data["database_version"]),
                created_at=str(data["created_at"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                files=[
                    FileEntry(path=str(f["path"]), sha256=str(f["sha256"]), size=int(f["size"]))
                    for f in data["files"]
                ],
            )
            manifest.dump  # noqa: B018  (the dump must be listed)
        except (ValueError, KeyError, TypeError, AttributeError, StopIteration) as exc:
            raise _error(
                gettext_noop("The archive's manifest.json is not an NQTrack manifest.")
            ) from exc
        if manifest.format != ARCHIVE_FORMAT:
            raise _error(
                gettext_noop(
                    "This archive has format %(found)s; this version of NQTrack reads format "
                    "%(expected)s."
                ),
                found=manifest.format,
                expected=ARCHIVE_FORMAT,
            )
        return manifest


@dataclass(frozen=True)
class Comparison:
    name: str
    expected: str
    found: str

    @property
    def ok(self) -> bool:
        return self.expected == self.found


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    tables: list[Comparison]
    files: list[Comparison]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.tables) and all(c.ok for c in self.files)


def nqtrack_version() -> str:
    try:
        return importlib.metadata.version("nqtrack")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise _error(
            gettext_noop("Backups support PostgreSQL and SQLite, not %(vendor)s."),
            vendor=connection.vendor,
        )
    return connection.vendor


def _quote(connection: BaseDatabaseWrapper, table: str) -> str:
    return connection.ops.quote_name(table)


def _count_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        # SQLite's own tables (sqlite_stat1 after ANALYZE) are not data.
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
        )
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(connection, table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: int(db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        db.close()


# --- PostgreSQL client tools ---------------------------------------------------------------


def _pg_server_major(connection: BaseDatabaseWrapper) -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _pg_tool(name: str, server_major: int) -> str:
    """The client tool of the server's major version (Debian keeps each version apart)."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name) or ""]
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK):
            continue
        out = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", out)
        if found and int(found.group(1)) >= server_major:
            return candidate
    raise _error(
        gettext_noop(
            "%(tool)s for PostgreSQL %(major)s is missing: install the Debian package "
            "postgresql-client-%(major)s (or postgresql-client)."
        ),
        tool=name,
        major=server_major,
    )


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Connection parameters for pg_dump/pg_restore, as environment variables (not argv,
    where other users of the machine could read a password)."""
    params = connection.settings_dict
    _args, extra = connection.client.settings_to_cmd_args_env(params, [])
    env = dict(os.environ)
    env.update(extra or {})
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if params.get(key):
            env[variable] = str(params[key])
    env["PGDATABASE"] = str(params["NAME"])
    return env


def _run_pg(args: list[str], env: dict[str, str], failure: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise _error(failure, detail=" / ".join(detail))


# --- Backup --------------------------------------------------------------------------------


def _default_name() -> str:
    return timezone.localtime().strftime("nqtrack-%Y%m%d-%H%M%S.tar.gz")


def backup_path(output: str | Path | None) -> Path:
    """Where a backup goes: a file, or a new timestamped file in a folder (an existing one, or
    a path ending in "/"; by default var/backups/)."""
    if output is None:
        output = f"{settings.VAR_DIR}/backups/"
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        path.mkdir(parents=True, exist_ok=True)
        return path / _default_name()
    return path


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], str]:
    major = _pg_server_major(connection)
    pg_dump = _pg_tool("pg_dump", major)
    if connection.in_atomic_block:
        raise _error(gettext_noop("A backup cannot run inside a database transaction."))
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run_pg(
            [pg_dump, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
             "--file", str(target)],
            _pg_env(connection),
            gettext_noop("pg_dump failed: %(detail)s"),
        )  # fmt: skip
        counts = _count_rows(connection)
    return counts, str(major)


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], str]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # type: ignore[attr-defined]
    finally:
        copy.close()
    return _sqlite_counts(target), sqlite3.sqlite_version


class _HashingReader:
    """Hands a file to tarfile while hashing it, so the checksum is of the bytes archived."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.digest.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, source: Path, name: str) -> FileEntry:
    with source.open("rb") as raw:
        info = tar.gettarinfo(fileobj=raw, arcname=name)  # type: ignore[arg-type]
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(raw)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return FileEntry(path=name, sha256=reader.digest.hexdigest(), size=info.size)


def _media_files(media_root: Path) -> Iterator[tuple[Path, str]]:
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()


def backup_create(
    *,
    output: str | Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
    media_root: Path | None = None,
) -> tuple[Path, Manifest]:
    """Write one archive of the database and the media files; returns its path and manifest.

    The archive appears under its name only once complete (written aside, then renamed), and
    only the owner may read it: it holds every document, secret ones included."""
    connection = connections[using]
    vendor = _vendor(connection)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    path = backup_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".nqtrack-backup-") as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            tables, version = _dump_postgresql(connection, dump)
        else:
            tables, version = _dump_sqlite(connection, dump)
        partial = Path(work) / "archive.tar.gz"
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                files = [_add_file(tar, dump, dump.name)]
                dump.unlink()
                files += [_add_file(tar, source, name) for source, name in _media_files(media_root)]
                manifest = Manifest(
                    format=ARCHIVE_FORMAT,
                    nqtrack_version=nqtrack_version(),
                    database_vendor=vendor,
                    database_version=version,
                    created_at=created_at,
                    tables=tables,
                    files=files,
                )
                body = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size = len(body)
                info.mtime = int(timezone.now().timestamp())
                info.mode = 0o600
                tar.addfile(info, _BytesReader(body))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    return path, manifest


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


# --- Checking an archive -------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _open_archive(archive: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise _error(
            gettext_noop("%(archive)s is not a readable backup archive."), archive=archive
        ) from exc


def backup_verify(*, archive: Path) -> Manifest:
    """The archive's manifest, once every file in it matches its checksum and size and nothing
    is missing or extra. Reads only; raises BackupError listing every difference."""
    problems: list[tuple[str, str]] = []
    try:
        with _open_archive(archive) as tar:
            try:
                member = tar.getmember(MANIFEST_NAME)
                raw = tar.extractfile(member)
                assert raw is not None
                manifest = Manifest.from_json(raw.read())
            except (KeyError, AssertionError) as exc:
                raise _error(
                    gettext_noop("%(archive)s has no manifest.json."), archive=archive
                ) from exc
            expected = {entry.path: entry for entry in manifest.files}
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST_NAME:
                    continue
                entry = expected.get(member.name)
                if not member.isfile() or not _safe_member_name(member.name) or entry is None:
                    problems.append(
                        (gettext_noop("%(name)s: not listed in the manifest"), member.name)
                    )
                    continue
                seen.add(member.name)
                digest = hashlib.sha256()
                data = tar.extractfile(member)
                assert data is not None
                for chunk in iter(lambda d=data: d.read(CHUNK), b""):  # type: ignore[misc]
                    digest.update(chunk)
                if digest.hexdigest() != entry.sha256 or member.size != entry.size:
                    problems.append((gettext_noop("%(name)s: checksum differs"), member.name))
            for name in sorted(set(expected) - seen):
                problems.append((gettext_noop("%(name)s: missing"), name))
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise _error(
            gettext_noop("%(archive)s is damaged: %(detail)s"), archive=archive, detail=exc
        ) from exc
    if problems:
        raise _error(
            gettext_noop(
                "The archive does not match its manifest, so it was changed or damaged; "
                "nothing was restored. %(problems)s"
            ),
            problems=problems,
        )
    return manifest


# --- Restore -------------------------------------------------------------------------------


def _ignored_tables() -> set[str]:
    tables = set(BOOKKEEPING_TABLES)
    for label in SEEDED_MODELS:
        app_label, model = label.split(".")
        if apps.is_installed(f"nqtrack.{app_label}"):
            tables.add(apps.get_model(app_label, model)._meta.db_table)
    return tables


def _search_index_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """SQLite full-text tables and their shadow tables: an index of data, never data (an
    empty FTS5 table already holds its configuration rows)."""
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master"
            " WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
        virtual = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        names = [row[0] for row in cursor.fetchall()]
    return {n for n in names for v in virtual if n == v or n.startswith(v + "_")}


def tables_with_rows(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Tables of the database that hold data someone entered (an empty database has none)."""
    connection = connections[using]
    ignored = _ignored_tables() | _search_index_tables(connection)
    return {t: n for t, n in _count_rows(connection).items() if n and t not in ignored}


def _media_target(media_root: Path, name: str) -> Path:
    target = (media_root / name.removeprefix(MEDIA_PREFIX)).resolve()
    if not target.is_relative_to(media_root.resolve()):
        raise _error(gettext_noop("%(name)s points outside MEDIA_ROOT."), name=name)
    return target


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_target(manifest: Manifest, using: str, media_root: Path) -> None:
    connection = connections[using]
    vendor = _vendor(connection)
    if vendor != manifest.database_vendor:
        raise _error(
            gettext_noop(
                "This archive holds a %(archive)s database; it can only be restored into "
                "%(archive)s, not %(target)s."
            ),
            archive=manifest.database_vendor,
            target=vendor,
        )
    full = tables_with_rows(using=using)
    if full:
        largest = sorted(full.items(), key=lambda item: -item[1])[:5]
        listed = ", ".join(f"{table} ({rows})" for table, rows in largest)
        raise _error(
            gettext_noop(
                "The database is not empty (%(tables)s): a backup is restored only into an empty "
                "database. Create a new database, or point DATABASE_URL at one."
            ),
            tables=listed,
        )
    clashes = [
        entry.path
        for entry in manifest.media
        if (target := _media_target(media_root, entry.path)).exists()
        and _sha256_of(target) != entry.sha256
    ]
    if clashes:
        raise _error(
            gettext_noop(
                "MEDIA_ROOT already holds other files under the same names (%(files)s): restore "
                "into an empty MEDIA_ROOT."
            ),
            files=", ".join(clashes[:5]),
        )


def _load_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore", _pg_server_major(connection))
    env = _pg_env(connection)
    connection.close()
    # --clean drops the empty tables a `migrate` may have made; one transaction: all or nothing.
    _run_pg(
        [pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists",
         "--single-transaction", "--exit-on-error", "--dbname", env["PGDATABASE"], str(dump)],
        env,
        gettext_noop("pg_restore failed, nothing was loaded: %(detail)s"),
    )  # fmt: skip


def _load_sqlite(connection: BaseDatabaseWrapper, dump: Path) -> None:
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)  # type: ignore[attr-defined]
    except sqlite3.Error as exc:
        raise _error(
            gettext_noop(
                "SQLite could not load the copy (%(detail)s): stop the web server and the "
                "workers that use this database, then try again."
            ),
            detail=exc,
        ) from exc
    finally:
        source.close()
        connection.close()


def _restore_media(tar: tarfile.TarFile, manifest: Manifest, media_root: Path) -> None:
    wanted = {entry.path for entry in manifest.media}
    for member in tar:
        if member.name not in wanted:
            continue
        target = _media_target(media_root, member.name)
        if target.exists():
            continue  # the same bytes (checked before anything was written)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = tar.extractfile(member)
        assert data is not None
        partial = target.with_name(f".{target.name}.restoring")
        with partial.open("wb") as out:
            shutil.copyfileobj(data, out, CHUNK)
        os.replace(partial, target)


def backup_restore(
    *, archive: Path, using: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> RestoreReport:
    """Restore an archive into an empty database and MEDIA_ROOT, then compare each table's
    row count and each file's checksum with the manifest."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    manifest = backup_verify(archive=archive)
    _check_target(manifest, using, media_root)
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="nqtrack-restore-") as work:
        with _open_archive(archive) as tar:
            # Media first: if that fails, the database is untouched and a second run accepts
            # the files already in place; the database load is then all or nothing.
            _restore_media(tar, manifest, media_root)
            tar.extract(manifest.dump.path, path=work, filter="data")
            dump = Path(work) / manifest.dump.path
            if manifest.database_vendor == "postgresql":
                _load_postgresql(connection, dump)
            else:
                _load_sqlite(connection, dump)
            dump.unlink()
    found = _count_rows(connection)
    tables = [
        Comparison(table, str(rows), str(found.get(table, gettext("missing"))))
        for table, rows in sorted(manifest.tables.items())
    ]
    files = []
    for entry in manifest.media:
        target = _media_target(media_root, entry.path)
        files.append(
            Comparison(
                entry.path,
                entry.sha256,
                _sha256_of(target) if target.exists() else gettext("missing"),
            )
        )
    return RestoreReport(manifest=manifest, tables=tables, files=files)
