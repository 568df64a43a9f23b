"""`nqtrack backup` and `nqtrack restore`: the demo province goes into one archive and comes back
whole into a new, empty database, and a changed archive or a used database is refused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from nqtrack.demo.loader import demo_load
from nqtrack.documents.models import Attachment, Document
from nqtrack.documents.services import attachment_add
from nqtrack.ops.backup import Manifest, tables_with_rows
from nqtrack.organizations.models import User

PROJECT = Path(__file__).resolve().parents[4]
NQTRACK = Path(sys.executable).parent / "nqtrack"


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch thực hiện Nghị quyết số 57-NQ/TW của tỉnh Lào Cai.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _load_demo_with_an_attachment() -> Attachment:
    demo_load()
    document = Document.objects.get(symbol="57-NQ/TW")
    upload = SimpleUploadedFile(
        "ke-hoach-57.docx",
        _docx(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    return attachment_add(
        by=User.objects.get(username="vanphong"), document=document, upload=upload
    )


def _row_counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = [
            t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
        ]
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def _restore_elsewhere(
    archive: Path, database_url: str, media: Path
) -> subprocess.CompletedProcess[str]:
    """`nqtrack restore` as an operator runs it, against another database and MEDIA_ROOT."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        NQTRACK_ALLOW_INSECURE_KEY="1",
    )
    return subprocess.run(
        [str(NQTRACK), "restore", str(archive)],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT,
        check=False,
    )


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]


def _backup(tmp_path: Path) -> tuple[Path, Manifest]:
    out = io.StringIO()
    call_command("backup", output=f"{tmp_path}/backups/", stdout=out)
    (archive,) = (tmp_path / "backups").glob("nqtrack-*.tar.gz")
    manifest = Manifest.from_json(_members(archive)["manifest.json"])
    return archive, manifest


def _check_round_trip(source_counts, restored_counts, tmp_path, attachment, result):
    assert result.returncode == 0, result.stderr
    assert source_counts == restored_counts
    assert sum(restored_counts.values()) > 500  # the demo province, not an empty schema
    restored_media = _checksums(tmp_path / "restored-media")
    assert restored_media == _checksums(Path(settings.MEDIA_ROOT))
    assert restored_media[attachment.file.name] == attachment.sha256


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
def test_sqlite_demo_round_trips_into_a_new_database_file(tmp_path):
    # The target: this schema, migrated and still empty (NQTrack tables, no rows entered).
    target = tmp_path / "restored.sqlite3"
    connection.ensure_connection()
    empty = sqlite3.connect(target)
    connection.connection.backup(empty)
    empty.close()
    attachment = _load_demo_with_an_attachment()
    source_counts = _row_counts_here()

    archive, manifest = _backup(tmp_path)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest.database_vendor == "sqlite"
    assert manifest.tables == source_counts
    assert set(_members(archive)) == {
        "manifest.json",
        "database.sqlite3",
        f"media/{attachment.file.name}",
    }

    result = _restore_elsewhere(archive, f"sqlite:///{target}", tmp_path / "restored-media")
    restored = sqlite3.connect(target)
    names = [
        row[0]
        for row in restored.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    restored_counts = {
        n: restored.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names
    }
    (title,) = restored.execute(
        "SELECT title FROM documents_document WHERE symbol = '57-NQ/TW'"
    ).fetchone()
    restored.close()
    _check_round_trip(source_counts, restored_counts, tmp_path, attachment, result)
    assert "khoa học, công nghệ" in title


@pytest.fixture
def new_postgres_database():
    """A database of its own on the server of DATABASE_URL, dropped afterwards."""
    import psycopg

    params = connection.settings_dict
    name = f"nqtrack_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(
        dbname="postgres",
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, admin
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip")
def test_postgresql_demo_round_trips_into_a_new_database(tmp_path, new_postgres_database):
    import psycopg

    name, _admin = new_postgres_database
    attachment = _load_demo_with_an_attachment()
    source_counts = _row_counts_here()

    archive, manifest = _backup(tmp_path)
    assert manifest.database_vendor == "postgresql"
    assert manifest.tables == source_counts
    assert "database.pgdump" in _members(archive)

    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    url = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    result = _restore_elsewhere(archive, url, tmp_path / "restored-media")
    with psycopg.connect(url) as restored:
        names = [
            row[0]
            for row in restored.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        restored_counts = {
            n: restored.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names
        }
        # Sequences come back too: the next document gets a new id, not a used one.
        next_id = restored.execute(
            "SELECT nextval(pg_get_serial_sequence('documents_document', 'id'))"
        ).fetchone()[0]
    _check_round_trip(source_counts, restored_counts, tmp_path, attachment, result)
    assert next_id > Document.objects.order_by("-id").first().id


def _rewrite(archive: Path, target: Path, change) -> None:
    members = _members(archive)
    change(members)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_changed_archive_is_refused_before_anything_is_written(tmp_path, settings):
    attachment = _load_demo_with_an_attachment()
    archive, _manifest = _backup(tmp_path)
    tampered = tmp_path / "tampered.tar.gz"
    media_name = f"media/{attachment.file.name}"

    def swap_the_file(members):
        members[media_name] = b"not the signed plan"

    _rewrite(archive, tampered, swap_the_file)
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    counts_before = _row_counts_here()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tampered))
    assert "đã bị thay đổi hoặc hỏng" in str(refused.value)
    assert "changed or damaged" in str(refused.value)
    assert media_name in str(refused.value)
    assert not (tmp_path / "empty-media").exists()
    assert _row_counts_here() == counts_before

    def add_a_file(members):
        members["media/attachments/extra.pdf"] = b"%PDF-1.4 smuggled"

    _rewrite(archive, tampered, add_a_file)
    with pytest.raises(CommandError, match="extra.pdf"):
        call_command("restore", str(tampered))
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert "2 tệp khớp" in out.getvalue()  # the dump and the attachment


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_already_holds_data(tmp_path):
    _load_demo_with_an_attachment()
    archive, _manifest = _backup(tmp_path)
    documents = Document.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))
    message = str(refused.value)
    assert "Cơ sở dữ liệu không trống" in message
    assert "not empty" in message
    assert Document.objects.count() == documents


@pytest.mark.django_db
def test_a_migrated_database_without_entered_data_counts_as_empty():
    assert tables_with_rows() == {}


def test_a_file_that_is_not_an_archive_gets_a_clear_message(tmp_path):
    junk = tmp_path / "backup.tar.gz"
    junk.write_bytes(b"this is not gzip")
    with pytest.raises(CommandError, match="backup.tar.gz"):
        call_command("restore", str(junk), check=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manifest_lists_version_vendor_time_tables_and_every_file(tmp_path):
    attachment = _load_demo_with_an_attachment()
    archive, manifest = _backup(tmp_path)
    raw = json.loads(_members(archive)["manifest.json"])
    assert set(raw) == {
        "format", "nqtrack_version", "database_vendor", "database_version", "created_at",
        "tables", "files",
    }  # fmt: skip
    assert raw["nqtrack_version"] == "0.1.0"
    assert raw["tables"]["documents_document"] == Document.objects.count()
    media = {entry.path: entry for entry in manifest.media}
    entry = media[f"media/{attachment.file.name}"]
    assert (entry.sha256, entry.size) == (attachment.sha256, attachment.size)
