"""The whole-word search index over the folded text (documents/search.py), on either database:
a GIN full-text index on PostgreSQL, an FTS5 table kept in step by triggers on SQLite. Both are
filled for the rows already there."""

from django.db import migrations


def _on(vendor, sql, reverse_sql):
    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for statement in sql:
                schema_editor.execute(statement)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for statement in reverse_sql:
                schema_editor.execute(statement)

    return migrations.RunPython(forward, backward)


POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS documents_document_search_fts ON documents_document "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS documents_document_search_fts"]

SQLITE = [
    "CREATE VIRTUAL TABLE documents_document_fts USING fts5("
    "search_text, content='documents_document', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER documents_document_fts_ai AFTER INSERT ON documents_document BEGIN "
    "INSERT INTO documents_document_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "CREATE TRIGGER documents_document_fts_ad AFTER DELETE ON documents_document BEGIN "
    "INSERT INTO documents_document_fts(documents_document_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER documents_document_fts_au AFTER UPDATE OF search_text ON documents_document "
    "BEGIN "
    "INSERT INTO documents_document_fts(documents_document_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO documents_document_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "END",
    "INSERT INTO documents_document_fts(documents_document_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS documents_document_fts_au",
    "DROP TRIGGER IF EXISTS documents_document_fts_ad",
    "DROP TRIGGER IF EXISTS documents_document_fts_ai",
    "DROP TABLE IF EXISTS documents_document_fts",
]


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0006_document_version"),
    ]

    operations = [
        _on("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
        _on("sqlite", SQLITE, SQLITE_REVERSE),
    ]
