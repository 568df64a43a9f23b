"""PostgreSQL keeps the search words in a stored generated column with the GIN index on it, so
a plan that filters rows one by one (a date-ordered first page) reads the words instead of
recomputing to_tsvector over the whole text for every row. Existing rows are filled by the
ALTER TABLE. SQLite is unchanged (FTS5 from 0007)."""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS documents_document_search_fts",
    "ALTER TABLE documents_document ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS documents_document_search_fts ON documents_document "
    "USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS documents_document_search_fts",
    "ALTER TABLE documents_document DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS documents_document_search_fts ON documents_document "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0007_search_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
