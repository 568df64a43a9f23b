"""Benchmark of study and dissemination at national scale (`make bench`, after the task one).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nqtrack NQTRACK_ALLOW_INSECURE_KEY=1 \\
        PYTHONPATH=src .venv/bin/python -m bench.study_bench --scale 1.0 [--keep]

Never touches the database DATABASE_URL names: on PostgreSQL it creates (or recreates) the
database `nqtrack_bench_study` on the same server, on SQLite the file
var/nqtrack_bench_study.sqlite3; migrates it; loads the national data set of bench/study_generate.py
(at scale 1: 34 provinces, ~3,300 communes, ~50,000 grassroots organizations, ~5.6 million
members and their study attendance); then measures

- the attendance import of the product (jobs.start_import_job run synchronously: store the
  file, check every row, write all rows in one transaction; the code path of an upload) on a
  CSV file of round(1,000,000 * scale) rows, against a raw COPY of the same rows (psycopg
  `cursor.copy`, committed; executemany on SQLite), and the ratio;
- the participation roll-up (rollups.study_rollup) of the country, one province and one
  commune, alone and through the API (dissemination/rollup/?org=…&document=…), against one
  hand-written SQL aggregate giving the same numbers; and the whole country at every level
  (country → provinces → communes → grassroots: the product drilled down unit by unit)
  against one SQL statement that sums every unit's figures up its ancestors;

checks every figure against a Python recount of the generated data, prints a table, writes it
as JSON (var/bench-study-results.json) and drops the database unless --keep.

`run()` does the generation and measurement on an existing, migrated database (the smoke test
calls it inside the test database); only `main()` creates and drops databases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from bench import study_generate as gen
from bench.dbs import bench_database_url, create_database, drop_database
from bench.tasks_bench import environment, summarize, timed, write_json

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "nqtrack_bench_study"
ROOT_KEYS = ["country", "province", "commune"]  # the roll-ups measured one by one
IMPORT_FILENAME = "diem-danh-hoi-nghi-toan-quoc.csv"

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# Bare SQL: the roll-up's numbers, hand-written.


def _tables(connection: Any) -> dict[str, str]:
    from nqtrack.dissemination.models import Attendance, Member, StudySession
    from nqtrack.organizations.models import Organization

    qn = connection.ops.quote_name
    return {
        "att": qn(Attendance._meta.db_table),
        "mem": qn(Member._meta.db_table),
        "org": qn(Organization._meta.db_table),
        "sd": qn(StudySession.documents.through._meta.db_table),
    }


def _per_unit_sql(connection: Any) -> str:
    """CTE `x`: members, invited and attended of each unit of the subtree (one row per unit
    and part), each unit aggregated first. Params: subtree LIKE pattern, document id, subtree
    LIKE pattern. (A shared CTE of the subtree's units would be materialized and planned
    worse: the filter is repeated.)"""
    t = _tables(connection)
    return (
        f"WITH x AS (SELECT m.organization_id AS unit, COUNT(*) AS members, 0 AS invited,"
        f" 0 AS attended FROM {t['mem']} m JOIN {t['org']} o ON o.id = m.organization_id"
        f" WHERE o.path LIKE %s GROUP BY 1"
        f" UNION ALL SELECT m.organization_id, 0, COUNT(DISTINCT a.member_id),"
        f" COUNT(DISTINCT CASE WHEN a.status = 'present' THEN a.member_id END)"
        f" FROM {t['att']} a JOIN {t['sd']} sd ON sd.studysession_id = a.session_id"
        f" JOIN {t['mem']} m ON m.id = a.member_id JOIN {t['org']} o ON o.id = m.organization_id"
        f" WHERE sd.document_id = %s AND o.path LIKE %s GROUP BY 1)"
    )


def bare_rollup_sql(connection: Any, root_path: str, document_id: int) -> tuple[str, list[Any]]:
    """Members, invited, attended of each direct subordinate of the root (its id as text;
    '' for the root's own members), one statement."""
    t = _tables(connection)
    start = len(root_path) + 1
    if connection.vendor == "postgresql":
        child = f"split_part(substr(o.path, {start}), '/', 1)"
    else:
        child = f"substr(o.path, {start}, instr(substr(o.path, {start}), '/') - 1)"
    sql = (
        f"{_per_unit_sql(connection)} SELECT {child} AS child, SUM(x.members),"
        f" SUM(x.invited), SUM(x.attended) FROM x JOIN {t['org']} o ON o.id = x.unit GROUP BY 1"
    )
    return sql, [root_path + "%", document_id, root_path + "%"]


def bare_every_level_sql(
    connection: Any, root_path: str, document_id: int
) -> tuple[str, list[Any]]:
    """Members, invited, attended of every unit's subtree, at every level: each unit's figures
    summed up its ancestors read from the materialized path, one statement."""
    t = _tables(connection)
    if connection.vendor == "postgresql":
        ancestors = "CROSS JOIN LATERAL unnest(string_to_array(btrim(o.path, '/'), '/')) AS anc(id)"
        anc = "anc.id::int"
    else:
        ancestors = "JOIN json_each('[' || replace(trim(o.path, '/'), '/', ',') || ']') AS anc"
        anc = "CAST(anc.value AS integer)"
    sql = (
        f"{_per_unit_sql(connection)} SELECT {anc} AS unit, SUM(x.members), SUM(x.invited),"
        f" SUM(x.attended) FROM x JOIN {t['org']} o ON o.id = x.unit {ancestors} GROUP BY 1"
    )
    return sql, [root_path + "%", document_id, root_path + "%"]


@contextlib.contextmanager
def _jit_off(connection: Any) -> Iterator[None]:
    """As the product does for its aggregates (PERFORMANCE.md): no JIT on PostgreSQL."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def run_sql(connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with _jit_off(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _counts(members: Any, invited: Any, attended: Any) -> dict[str, int]:
    return {
        "members": int(members or 0),
        "invited": int(invited or 0),
        "attended": int(attended or 0),
    }


# ---------------------------------------------------------------------------------------------
# The product.


def rollup_figures(rollup: Any) -> dict[str, dict[str, int]]:
    """study_rollup's result as {"total" | subordinate code: counts} (rows with figures)."""
    out = {"total": _figures(rollup.total.counts)}
    for row in rollup.rows:
        if row.own or any(row.counts[k] for k in gen.KEYS):
            key = row.key if not row.own else f"own:{row.key}"
            out[key] = _figures(row.counts)
    return out


def _figures(counts: Any) -> dict[str, int]:
    return {k: int(counts[k]) for k in (*gen.KEYS, "not_studied")}


def product_every_level(
    root: Any, document: Any, has_children: set[int]
) -> tuple[dict[int, dict[str, int]], int]:
    """The whole country at every level through the product: study_rollup of the root, then
    of every subordinate that has subordinates (a user drilling down everywhere). Returns
    {unit id: members/invited/attended of its subtree} and the number of calls."""
    from nqtrack.dissemination.rollups import study_rollup

    out: dict[int, dict[str, int]] = {}
    queue = [root]
    calls = 0
    while queue:
        org = queue.pop()
        result = study_rollup(org, document)
        calls += 1
        if org.pk == root.pk:
            out[org.pk] = _counts(*(result.total.counts[k] for k in gen.KEYS))
        for row in result.rows:
            if row.own or row.org is None:
                continue
            out[row.org.pk] = _counts(*(row.counts[k] for k in gen.KEYS))
            if row.org.pk in has_children:
                queue.append(row.org)
    return {k: v for k, v in out.items() if any(v.values())}, calls


def product_one_pass(root: Any, document: Any) -> dict[int, dict[str, int]]:
    """Every level at once through the product's study_rollup_every_level (the API's
    dissemination/rollup-every-level/)."""
    from nqtrack.dissemination.rollups import study_rollup_every_level

    rows = study_rollup_every_level(root, document)
    out = {r.organization_id: _counts(r.members, r.invited, r.attended) for r in rows}
    return {k: v for k, v in out.items() if any(v.values())}


@contextlib.contextmanager
def _phase_timer(module: Any, names: list[str], spent: dict[str, float]) -> Iterator[None]:
    """Time calls of module.<name> (the job calls them through the module) without changing
    what they do."""
    patches = []
    for name in names:
        original = getattr(module, name)

        def timed_call(*args: Any, _f: Any = original, _n: str = name, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_n] = spent.get(_n, 0.0) + time.perf_counter() - start

        patches.append(mock.patch.object(module, name, timed_call))
    with contextlib.ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        yield


# ---------------------------------------------------------------------------------------------
# Statistics after a bulk write.


def refresh_stats(connection: Any, log: Log = print) -> str:
    """PostgreSQL: VACUUM ANALYZE of the study tables (what autovacuum does a minute after a
    bulk load; done at once for repeatable plans), ANALYZE inside a transaction (smoke test).
    SQLite: nothing (the application never runs ANALYZE there)."""
    from nqtrack.dissemination.models import Attendance, Member, StudySession
    from nqtrack.organizations.models import Organization

    if connection.vendor != "postgresql":
        return "none (SQLite)"
    tables = [
        Organization._meta.db_table,
        Member._meta.db_table,
        StudySession._meta.db_table,
        StudySession.documents.through._meta.db_table,
        Attendance._meta.db_table,
    ]
    qn = connection.ops.quote_name
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{verb} {qn(table)}")
    return f"{verb} of the study tables"


# ---------------------------------------------------------------------------------------------


def run(
    connection: Any,
    *,
    scale: float,
    seed: int | None = None,
    repeat: int = 5,
    sql_repeat: int = 5,
    page_repeat: int = 3,
    every_level: bool = True,
    media_root: Path | None = None,
    log: Log = print,
) -> dict[str, Any]:
    """Generate, import, measure and check on the connection's database (the default alias).
    Returns the report (see format_report)."""
    from django.conf import settings
    from django.test.utils import override_settings

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    seed = gen.SEED if seed is None else seed
    with contextlib.ExitStack() as stack:
        if media_root is None:
            media_root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sbench_")))
        stack.enter_context(override_settings(MEDIA_ROOT=str(media_root)))
        return _run(connection, scale, seed, repeat, sql_repeat, page_repeat, every_level, log)


def _run(
    connection: Any,
    scale: float,
    seed: int,
    repeat: int,
    sql_repeat: int,
    page_repeat: int,
    every_level: bool,
    log: Log,
) -> dict[str, Any]:
    from django.db import transaction
    from django.test import Client

    from nqtrack.dissemination import importing, jobs
    from nqtrack.dissemination.models import Attendance, StudySession
    from nqtrack.dissemination.rollups import study_rollup
    from nqtrack.documents.models import Document
    from nqtrack.organizations.models import Organization

    repeat, sql_repeat, page_repeat = max(1, repeat), max(1, sql_repeat), max(1, page_repeat)
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    log(f"Loading scale {scale} (seed {seed}) into {connection.vendor} …")
    ds = gen.generate(connection, scale=scale, seed=seed, log=log)
    start = time.perf_counter()
    stats = refresh_stats(connection, log)
    stats_s = time.perf_counter() - start
    tm = ds.timings
    log(f"  loaded in {tm['total_s']:.1f} s; {stats} ({stats_s:.1f} s)")
    from nqtrack.dissemination import tallies

    start = time.perf_counter()
    tallies.rebuild()  # the load wrote raw rows; the product keeps the counts from here on
    counts_s = time.perf_counter() - start
    refresh_stats(connection, log)
    log(f"  study counts rebuilt from the raw rows in {counts_s:.1f} s")
    load = {
        "insert_method": method,
        "org_service_n": int(tm["org_service_n"]),
        "org_service_s": round(tm["org_service_s"], 3),
        "org_bulk_n": int(tm["org_bulk_n"]),
        "org_bulk_s": round(tm["org_bulk_s"], 3),
        "members_s": round(tm["members_s"], 3),
        "members_per_s": round(ds.n_members / tm["members_s"]),
        "sessions_s": round(tm["sessions_s"], 3),
        "attendance_s": round(tm["attendance_s"], 3),
        "attendance_per_s": round(ds.counts["attendance_rows"] / tm["attendance_s"]),
        "national_session_s": round(tm["national_session_s"], 3),
        "import_file_s": round(tm["import_file_s"], 3),
        "commit_s": round(tm["commit_s"], 3),
        "total_s": round(tm["total_s"], 3),
        "stats": stats,
        "stats_s": round(stats_s, 3),
        "counts_rebuild_s": round(counts_s, 3),
    }

    # --- Attendance import: raw COPY of the same rows, then the product. -----------------
    n_rows = ds.counts["import_rows"]
    session = StudySession.objects.select_related("organizer").get(pk=ds.national_session_id)
    rows = list(ds.import_rows())
    start = time.perf_counter()
    with transaction.atomic():
        written = gen.stream_rows(
            connection, Attendance, ["session_id", "member_id", "status"], rows
        )
        raw_copy_s = time.perf_counter() - start
    raw_s = time.perf_counter() - start
    del rows
    if written != n_rows:
        raise RuntimeError(f"raw {method} wrote {written} rows, not {n_rows}")
    with connection.cursor() as cursor:  # untimed: back to the state before the raw load
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Attendance._meta.db_table)}"
            " WHERE session_id = %s",
            [session.pk],
        )
    refresh_stats(connection, log)
    log(f"  raw {method}: {n_rows:,} rows in {raw_s:.2f} s ({n_rows / raw_s:,.0f} rows/s)")

    rss_before = _peak_rss_mib()
    spent: dict[str, float] = {}
    with _phase_timer(importing, ["attendance_import_check", "attendance_import_apply"], spent):
        start = time.perf_counter()
        job = jobs.start_import_job(
            by=ds.user,
            kind="attendance",
            upload=io.BytesIO(ds.import_csv),
            filename=IMPORT_FILENAME,
            session=session,
            runner="sync",
        )
        product_s = time.perf_counter() - start
    log(
        f"  product import: {n_rows:,} rows in {product_s:.2f} s ({n_rows / product_s:,.0f}"
        f" rows/s), job {job.status}"
    )
    ds.apply_import()
    imported_rows = Attendance.objects.filter(session_id=session.pk).count()
    check_s = spent.get("attendance_import_check", 0.0)
    apply_s = spent.get("attendance_import_apply", 0.0)
    imports = {
        "rows": n_rows,
        "file_bytes": len(ds.import_csv),
        "raw_method": method,
        "raw_s": round(raw_s, 3),
        "raw_rows_per_s": round(n_rows / raw_s),
        "raw_statement_s": round(raw_copy_s, 3),
        "raw_commit_s": round(raw_s - raw_copy_s, 3),
        "peak_rss_mib_before": rss_before,
        "peak_rss_mib_after": _peak_rss_mib(),
        "product_s": round(product_s, 3),
        "product_rows_per_s": round(n_rows / product_s),
        "product_check_s": round(check_s, 3),
        "product_apply_s": round(apply_s, 3),
        "product_job_other_s": round(max(product_s - check_s - apply_s, 0.0), 3),
        "ratio": round(product_s / max(raw_s, 1e-6), 1),
        "job_status": job.status,
        "job_result": job.result,
        "job_errors": job.error_count,
        "rows_in_session": imported_rows,
    }
    start = time.perf_counter()
    refresh_stats(connection, log)
    imports["stats_after_s"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    drift = tallies.check(False)
    imports["counts_drift"] = {
        "clean": drift.clean,
        "rows": drift.rows,
        "wrong": drift.wrong + drift.missing + drift.extra,
        "examples": drift.examples[:5],
        "check_s": round(time.perf_counter() - start, 3),
    }
    log(f"  counts after the import against a recount: {'no drift' if drift.clean else drift}")

    # --- Roll-ups. ----------------------------------------------------------------------
    document = Document.objects.get(pk=ds.document_id)
    province_unit = max(ds.provinces, key=lambda p: (_members_below(ds, p), -p.id))
    commune_unit = max(
        (c for c in ds.communes if c.parent_id == province_unit.id),
        key=lambda c: (_members_below(ds, c), -c.id),
    )
    roots = {
        "country": ds.root,
        "province": province_unit,
        "commune": commune_unit,
    }
    client = Client()
    client.force_login(ds.user)
    rollups: dict[str, Any] = {}
    figures: dict[str, dict[str, Any]] = {}
    for key, unit in roots.items():
        org = Organization.objects.get(pk=unit.id)
        stmt, params = bare_rollup_sql(connection, unit.path, document.pk)
        warm_start = time.perf_counter()
        result = study_rollup(org, document)
        warm_ms = (time.perf_counter() - warm_start) * 1000
        run_sql(connection, stmt, params)  # warm-up
        # Product and SQL alternate, so that other load on the machine hits both alike.
        product_samples: list[float] = []
        sql_samples: list[float] = []
        for _ in range(max(repeat, sql_repeat)):
            if len(product_samples) < repeat:
                samples, result = timed(lambda o=org: study_rollup(o, document), 1)
                product_samples += samples
            if len(sql_samples) < sql_repeat:
                samples, sql_rows = timed(lambda s=stmt, p=params: run_sql(connection, s, p), 1)
                sql_samples += samples
        product = {**summarize(product_samples), "warmup_ms": round(warm_ms, 2)}
        sql = {**summarize(sql_samples), "rows": len(sql_rows)}

        url = f"/api/v1/dissemination/rollup/?org={org.code}&document={document.pk}"
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        samples, response = timed(lambda u=url: client.get(u), page_repeat)
        api = {**summarize(samples), "url": url, "bytes": len(response.content)}
        rollups[key] = {
            "code": unit.code,
            "name": unit.name,
            "units_below": _units_below(ds, unit),
            "product": product,
            "api": api,
            "sql": sql,
            "ratio_product": round(product["median_ms"] / max(sql["median_ms"], 1e-3), 1),
            "ratio_api": round(api["median_ms"] / max(sql["median_ms"], 1e-3), 1),
        }
        figures[key] = {
            "product": rollup_figures(result),
            "api": json.loads(response.content)["study"],
            "sql": _sql_figures(ds, unit, sql_rows),
        }
        log(
            f"  roll-up {key:<8} product {product['median_ms']:9.1f} ms · API "
            f"{api['median_ms']:9.1f} ms · bare SQL {sql['median_ms']:9.1f} ms"
        )

    every: dict[str, Any] = {"measured": every_level}
    every_figures: dict[str, Any] = {}
    if every_level:
        has_children = {u.parent_id for u in ds.units.values() if u.parent_id is not None}
        root_org = Organization.objects.get(pk=ds.root.id)
        start = time.perf_counter()
        product_all, calls = product_every_level(root_org, document, has_children)
        product_all_s = time.perf_counter() - start
        stmt, params = bare_every_level_sql(connection, ds.root.path, document.pk)
        run_sql(connection, stmt, params)  # warm-up
        samples, sql_rows = timed(
            lambda: run_sql(connection, stmt, params), max(1, min(sql_repeat, 3))
        )
        sql_all = {int(r[0]): _counts(*r[1:]) for r in sql_rows}
        sql_all = {k: v for k, v in sql_all.items() if any(v.values())}
        one_pass_samples, one_pass = timed(
            lambda: product_one_pass(root_org, document), max(1, min(sql_repeat, 3))
        )
        every = {
            "measured": True,
            "product_s": round(product_all_s, 3),
            "product_calls": calls,
            "product_ms_per_call": round(product_all_s * 1000 / calls, 2),
            "product_units": len(product_all),
            "sql": summarize(samples),
            "sql_units": len(sql_all),
            "ratio": round(product_all_s * 1000 / max(statistics.median(samples), 1e-3), 1),
            "one_pass": summarize(one_pass_samples),
            "one_pass_ratio": round(
                statistics.median(one_pass_samples) / max(statistics.median(samples), 1e-3), 1
            ),
        }
        every_figures = {"product": product_all, "sql": sql_all, "one_pass": one_pass}
        log(
            f"  every level: product {product_all_s:.1f} s ({calls:,} calls) · bare SQL "
            f"{every['sql']['median_ms']:.0f} ms"
        )

    checks = run_checks(ds, imports, roots, figures, every_figures)
    env = environment(connection)
    env.update(_machine())
    env["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "benchmark": "nqtrack study and dissemination: attendance import and participation roll-up",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "seed": seed,
        "environment": env,
        "data": dict(ds.counts),
        "load": load,
        "import": imports,
        "rollups": rollups,
        "every_level": every,
        "checks": checks,
        "all_checks_pass": all(c["ok"] for c in checks),
    }


def _members_below(ds: gen.StudyDataset, unit: gen.Unit) -> int:
    return sum(g.n_members for g in ds.grassroots if g.path.startswith(unit.path))


def _units_below(ds: gen.StudyDataset, unit: gen.Unit) -> int:
    return sum(1 for u in ds.units.values() if u.path.startswith(unit.path) and u.id != unit.id)


def _sql_figures(
    ds: gen.StudyDataset, unit: gen.Unit, rows: list[tuple[Any, ...]]
) -> dict[str, dict[str, int]]:
    """Bare SQL rows (child id as text, members, invited, attended) keyed like the recount."""
    out: dict[str, dict[str, int]] = {}
    total: Counter[str] = Counter()
    for child, *values in rows:
        counts = _counts(*values)
        total.update(counts)
        key = ds.units[int(child)].code if child else f"own:{unit.code}"
        out[key] = counts | {"not_studied": counts["members"] - counts["attended"]}
    out["total"] = {k: total[k] for k in gen.KEYS} | {
        "not_studied": total["members"] - total["attended"]
    }
    return out


def _peak_rss_mib() -> int:
    """Peak resident memory of this process so far (MiB)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _machine() -> dict[str, Any]:
    info: dict[str, Any] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return info


def run_checks(
    ds: gen.StudyDataset,
    imports: dict[str, Any],
    roots: dict[str, gen.Unit],
    figures: dict[str, dict[str, Any]],
    every_figures: dict[str, Any],
) -> list[dict[str, Any]]:
    """The import's outcome and every roll-up figure against a recount of the generated
    data (which already includes the imported file)."""
    checks: list[dict[str, Any]] = []

    def check(name: str, expected: Any, got: Any) -> None:
        checks.append({"name": name, "expected": expected, "got": got, "ok": expected == got})

    sizes = gen.scaled_counts(ds.scale)
    check("members loaded", sizes["members"], ds.n_members)
    check("import: rows in the file", sizes["import_rows"], imports["rows"])
    check("import: job finished", "done", imports["job_status"])
    check("import: rows written to the session", imports["rows"], imports["rows_in_session"])
    check("import: rows checked by the job", imports["rows"], imports["job_result"].get("total"))
    check("import: maintained counts equal a recount", True, imports["counts_drift"]["clean"])
    for key, unit in roots.items():
        expected = gen.recount_rollup(ds, unit)
        got = figures[key]
        check(f"{key}: product roll-up", expected, got["product"])
        check(f"{key}: bare SQL roll-up", expected, got["sql"])
        api_total = {k: got["api"]["total"].get(k) for k in (*gen.KEYS, "not_studied")}
        check(f"{key}: API total", expected["total"], api_total)
    country = gen.recount_rollup(ds, ds.root)["total"]
    check(
        "data set not trivial: 0 < attended < invited < members",
        True,
        0 < country["attended"] < country["invited"] < country["members"],
    )
    if every_figures:
        expected_all = {
            k: {key: v[key] for key in gen.KEYS} for k, v in gen.recount_subtrees(ds).items()
        }
        check("every level: product drill-down", expected_all, every_figures["product"])
        check("every level: bare SQL", expected_all, every_figures["sql"])
        check("every level: product one pass", expected_all, every_figures["one_pass"])
    return checks


# ---------------------------------------------------------------------------------------------
# Report.


def _line(label: str, n: int | None, seconds: float, note: str = "") -> str:
    count = f"{n:>11,}" if n is not None else " " * 11
    rate = f"{n / seconds:>11,.0f}" if n and seconds > 0 else " " * 11
    return f"  {label:<46}{count} {seconds:>9.2f} {rate}{note}".rstrip()


def format_report(report: dict[str, Any]) -> str:
    env, data, load, imp = report["environment"], report["data"], report["load"], report["import"]
    method = load["insert_method"]
    out: list[str] = []
    add = out.append
    add("")
    add(
        f"NQTrack benchmark: study and dissemination — scale {report['scale']}, seed "
        f"{report['seed']}"
    )
    jit = (
        f", jit={env['pg_jit']}, shared_buffers={env['pg_shared_buffers']}"
        if "pg_jit" in env
        else ""
    )
    add(
        f"Environment: {env['db_version']}{jit} · Python {env['python']} · Django "
        f"{env['django']} · {env['cpu_count']} CPUs ({env.get('cpu_model', '?')}) · "
        f"{env.get('memory_gib', '?')} GiB · {env['platform']}"
    )
    add(f"Load average (1/5/15 min) at the end: {env.get('loadavg_after')}")
    add(
        f"Data: {data['provinces']} provinces, {data['communes']:,} communes, "
        f"{data['grassroots']:,} grassroots organizations, {data['members']:,} members, "
        f"{data['sessions']:,} study sessions, {data['attendance_rows']:,} attendance rows"
    )
    if method != "COPY":
        add(f"  (SQLite: there is no COPY; every bulk write below is executemany — '{method}')")
    add("")
    add(f"  {'Load (one transaction)':<46}{'rows':>11} {'s':>9} {'rows/s':>11}")
    add(
        _line(
            "organization_create (service): country, provinces",
            load["org_service_n"],
            load["org_service_s"],
        )
    )
    add(_line(f"communes and grassroots ({method})", load["org_bulk_n"], load["org_bulk_s"]))
    add(_line(f"members, generated and streamed ({method})", data["members"], load["members_s"]))
    add(
        _line(f"grassroots sessions and links ({method})", data["sessions"] - 1, load["sessions_s"])
    )
    add(
        _line(
            f"attendance, generated and streamed ({method})",
            data["attendance_rows"],
            load["attendance_s"],
        )
    )
    add(_line("national session (study_session_create)", 1, load["national_session_s"]))
    add(_line("import file generated (CSV)", data["import_rows"], load["import_file_s"]))
    add(_line("commit (deferred foreign-key checks)", None, load["commit_s"]))
    add(_line("total load", None, load["total_s"]))
    add(f"  then: {load['stats']} ({load['stats_s']:.1f} s)")
    if "counts_rebuild_s" in load:
        add(_line("study counts rebuilt from the raw rows", None, load["counts_rebuild_s"]))
    add("")
    add(
        f"Attendance import: {imp['rows']:,} rows, CSV of {imp['file_bytes'] / 2**20:.1f} MiB,"
        " into the national session"
    )
    add(f"  {'':<46}{'rows':>11} {'s':>9} {'rows/s':>11}")
    add(_line(f"raw {imp['raw_method']} of the same rows + commit", imp["rows"], imp["raw_s"]))
    add(_line(f"  of which the {imp['raw_method']} statement", imp["rows"], imp["raw_statement_s"]))
    add(_line("  of which commit (deferred foreign-key checks)", None, imp["raw_commit_s"]))
    add(_line("product: start_import_job (sync), whole job", imp["rows"], imp["product_s"]))
    add(_line("  of which check (read, validate, look up codes)", None, imp["product_check_s"]))
    add(
        _line(
            f"  of which apply ({method} via bulk_load, counts, audit)",
            None,
            imp["product_apply_s"],
        )
    )
    add(
        _line("  of which job (store file, count rows, progress)", None, imp["product_job_other_s"])
    )
    add(
        f"  Import ratio product / raw {imp['raw_method']} (time): {imp['ratio']}× — "
        f"{imp['product_rows_per_s']:,} vs {imp['raw_rows_per_s']:,} rows/s; job "
        f"{imp['job_status']}, {imp['job_errors']} errors"
    )
    add(
        f"  Peak memory of the benchmark process: {imp['peak_rss_mib_before']:,} MiB before the"
        f" product import, {imp['peak_rss_mib_after']:,} MiB after it"
    )
    add("")
    runs = report["rollups"]["country"]
    add(
        f"Participation roll-up (members, invited, attended), medians: product = "
        f"study_rollup() ({runs['product']['runs']} runs), API = GET dissemination/rollup/ "
        f"({runs['api']['runs']} runs), SQL = one hand-written statement "
        f"({runs['sql']['runs']} runs)"
    )
    add(
        "  root       code            units below  product ms     API ms   SQL ms"
        "  product/SQL  API/SQL"
    )
    for key in ROOT_KEYS:
        r = report["rollups"][key]
        add(
            f"  {key:<10} {r['code']:<15} {r['units_below']:>11,}"
            f" {r['product']['median_ms']:>11.1f}"
            f" {r['api']['median_ms']:>10.1f} {r['sql']['median_ms']:>8.1f}"
            f" {r['ratio_product']:>11}× {r['ratio_api']:>7}×"
        )
    add("  (the API answers study, essays and outreach roll-ups together: it runs three)")
    ev = report["every_level"]
    if ev.get("measured"):
        add(
            f"  every level: whole country → provinces → communes → grassroots: product "
            f"{ev['product_s']:.2f} s ({ev['product_calls']:,} study_rollup calls, "
            f"{ev['product_ms_per_call']:.1f} ms each, {ev['product_units']:,} units) vs SQL "
            f"{ev['sql']['median_ms']:.1f} ms (one statement, {ev['sql_units']:,} units): "
            f"{ev['ratio']}×"
        )
        add(
            f"  every level in one pass (study_rollup_every_level, the API's "
            f"rollup-every-level): product {ev['one_pass']['median_ms']:.1f} ms vs SQL "
            f"{ev['sql']['median_ms']:.1f} ms: {ev['one_pass_ratio']}×"
        )
    else:
        add("  every level: not measured (--skip-every-level)")
    add("")
    failed = [c for c in report["checks"] if not c["ok"]]
    add(
        f"Checks against a Python recount: {len(report['checks']) - len(failed)}/"
        f"{len(report['checks'])} pass"
    )
    for c in failed:
        add(f"  FAILED {c['name']}: expected {_short(c['expected'])}, got {_short(c['got'])}")
    return "\n".join(out)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 400 else text[:400] + "…"


# ---------------------------------------------------------------------------------------------
# Databases: only main() creates and drops them.


TASK_ONLY_FLAGS = {"--explain": 0, "--sqlite-analyze": 0, "--pg-stats": 1, "--json": 1}


def _drop_task_only(argv: list[str]) -> tuple[list[str], list[str]]:
    kept, dropped = [], []
    i = 0
    while i < len(argv):
        name = argv[i].split("=", 1)[0]
        if name in TASK_ONLY_FLAGS:
            n = 0 if "=" in argv[i] else TASK_ONLY_FLAGS[name]
            dropped += argv[i : i + 1 + n]
            i += 1 + n
            continue
        kept.append(argv[i])
        i += 1
    return kept, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 5.6 million members, 1,000,000-row import"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of study_rollup()")
    parser.add_argument("--page-repeat", type=int, default=3, help="timed runs of the API")
    parser.add_argument("--sql-repeat", type=int, default=5, help="timed runs per statement")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--skip-every-level",
        action="store_true",
        help="do not drill the product down through every unit (thousands of calls)",
    )
    parser.add_argument(
        "--study-json",
        type=Path,
        default=PROJECT_DIR / "var" / "bench-study-results.json",
        help="output (--json belongs to the task benchmark)",
    )
    raw = list(sys.argv[1:] if argv is None else argv)
    kept, dropped = _drop_task_only(raw)
    args = parser.parse_args(kept)
    if dropped:
        print(f"(task benchmark options not used here: {' '.join(dropped)})")

    source = os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'var' / 'x.sqlite3'}"
    url = bench_database_url(source, BENCH_DB_NAME)
    shown = re.sub(r"//[^@/]*@", "//", url)
    print(
        f"Study benchmark database: {shown} (created now, dropped at the end"
        f"{' unless --keep' if not args.keep else ': NO, --keep'})"
    )
    create_database(url, print)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqtrack.settings")
    report: dict[str, Any] = {"all_checks_pass": False}
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        start = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Migrated in {time.perf_counter() - start:.1f} s")
        started = time.perf_counter()
        report = run(
            connection,
            scale=args.scale,
            seed=args.seed,
            repeat=args.repeat,
            sql_repeat=args.sql_repeat,
            page_repeat=args.page_repeat,
            every_level=not args.skip_every_level,
        )
        report["wall_s"] = round(time.perf_counter() - started, 1)
        print(format_report(report))
        print(f"Whole study benchmark (after migrating): {report['wall_s']:.0f} s")
        write_json(report, args.study_json)
        print(f"\nWritten to {args.study_json}")
        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    return 0 if report["all_checks_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
