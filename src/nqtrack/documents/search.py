"""The document search index: whole-word matching over the folded copy `Document.search_text`.

`search_text` is already folded in Python (core/text.py: lower case, no marks, đ → d, words of
[0-9a-z] separated by single spaces), so both databases index it as it is:

- PostgreSQL: a GIN index on `to_tsvector('simple', search_text)`; the `simple` configuration
  keeps every word as it is (no stemming, no stop words). A query is `plainto_tsquery('simple',
  ...)` of the folded words, which ANDs them.
- SQLite: an FTS5 table over `search_text` with the documents table as its external content,
  kept in step by triggers (migration 0007).

Both match whole words only: "51" does not find "512", "hoà" (→ "hoa") does not find "hoạch".
"""

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "documents_document_fts"
PG_INDEX = "documents_document_search_fts"
PG_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON documents_document "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)


class _TsMatch(Func):
    """`to_tsvector('simple', search_text) @@ plainto_tsquery('simple', words)`, written the
    way the index is, so the planner uses it."""

    output_field = BooleanField()

    def __init__(self, words: str) -> None:
        super().__init__(F("search_text"))
        self.words = words

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        vector = f"to_tsvector('simple'::regconfig, {column})"
        sql = f"{vector} @@ plainto_tsquery('simple'::regconfig, %s)"
        return sql, [*params, self.words]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 MATCH string requiring every term as a whole word ("a" "b" is an AND)."""
    return " ".join(f'"{t}"' for t in terms)


def words_match(terms: list[str], vendor: str | None = None) -> Q:
    """A filter keeping documents whose folded text has every one of `terms` as a whole word.

    `terms` are folded words (core.text.search_terms), only [0-9a-z]."""
    vendor = vendor or default_connection.vendor
    if vendor == "postgresql":
        return Q(_TsMatch(" ".join(terms)))
    if vendor == "sqlite":
        return Q(
            pk__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_query(terms)]
            )
        )
    # Other databases have no index here: padded substring tests are whole words too.
    q = Q()
    for term in terms:
        q &= Q(search_text__contains=f" {term} ")
    return q


def drop_index(connection: Any) -> None:
    """Before a bulk load on PostgreSQL (building the index once afterwards is faster than
    keeping it up to date row by row). SQLite's triggers stay: they fill FTS5 as rows come."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def build_index(connection: Any) -> None:
    """Create the PostgreSQL index if it is missing; on SQLite rebuild FTS5 from the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [PG_INDEX])
            if cursor.fetchone() is None:
                cursor.execute(PG_INDEX_SQL)
        elif connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
