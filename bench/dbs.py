"""The benchmarks' own databases: created next to the one DATABASE_URL names (never that one),
recreated when a `--keep` run left one behind, dropped at the end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
Log = Callable[[str], None]


def bench_database_url(source: str, name: str) -> str:
    """PostgreSQL: database `name` on the same server; SQLite: var/<name>.sqlite3."""
    parts = urlsplit(source)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path="/" + name))
    if parts.scheme.startswith("sqlite"):
        return f"sqlite:///{PROJECT_DIR / 'var' / (name + '.sqlite3')}"
    raise SystemExit(f"Unsupported database for the benchmark: {parts.scheme}")


def _maintenance_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def _sqlite_files(url: str) -> list[Path]:
    path = Path(urlsplit(url).path)
    return [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def create_database(url: str, log: Log) -> None:
    if url.startswith("sqlite"):
        for f in _sqlite_files(url):
            f.unlink(missing_ok=True)
        _sqlite_files(url)[0].parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = _name(url)
    with psycopg.connect(_maintenance_dsn(url), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            log(f"Database {name} exists (left by --keep?): recreating it")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        for f in _sqlite_files(url):
            f.unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(_maintenance_dsn(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')
