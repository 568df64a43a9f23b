"""Benchmark of the task list and the task roll-up through the full stack (`make bench`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nqtrack NQTRACK_ALLOW_INSECURE_KEY=1 \\
        PYTHONPATH=src .venv/bin/python -m bench.tasks_bench --scale 1.0 [--keep]

Never touches the database DATABASE_URL names: on PostgreSQL it creates (or recreates) the
database `nqtrack_bench` on the same server, on SQLite var/nqtrack_bench.sqlite3; migrates it;
loads round(100,000 * scale) tasks over a province of round(3,000 * scale) units; times the
pages through django.test.Client and the same roll-up as one hand-written SQL statement; checks
every count against a Python recount of the generated tasks; prints a table and writes it as
JSON (var/bench-results.json); drops the database unless --keep.

`run()` does the generation and measurement on an existing, migrated database (the smoke test
calls it inside the test database); only `main()` creates and drops databases.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.dbs import bench_database_url, create_database, drop_database

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "nqtrack_bench"
STATUSES = [
    "not_due",
    "due_soon",
    "overdue",
    "carried_over",
    "done_on_time",
    "done_late",
    "continuous",
    "cancelled",
]
BUDGET_MS = 1000  # a page slower than this at scale 1 is a problem to investigate
# Figures the report must always carry (the smoke test checks each one is printed).
PAGE_KEYS = ["list", "list_overdue", "inbox", "rollup", "rollup_commune", "api_list"]
SQL_KEYS = [
    "sql_rollup",
    "sql_rollup_commune",
    "sql_tallies",
    "sql_tallies_commune",
    "sql_list",
]

Log = Callable[[str], None]


# ---------------------------------------------------------------------------------------------
# Statistics helpers.


def summarize(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    if len(ordered) >= 2:
        p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18]
    else:
        p95 = ordered[0]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "min_ms": round(ordered[0], 2),
        "runs": len(ordered),
    }


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, result


# ---------------------------------------------------------------------------------------------
# Full stack.


def measure_page(
    client: Any, connection: Any, url: str, repeat: int
) -> tuple[dict[str, Any], Any, list[dict[str, str]]]:
    """One warm-up request with its queries captured, then `repeat` timed requests."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        warm_ms = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    queries = list(ctx.captured_queries)
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    slowest = max(queries, key=lambda q: float(q["time"])) if queries else {"sql": "", "time": "0"}
    samples, response = timed(lambda: client.get(url), repeat)
    result = {
        "url": url,
        **summarize(samples),
        "warmup_ms": round(warm_ms, 2),
        "queries": len(queries),
        "sql_ms_in_warmup": round(sql_ms, 2),
        "slowest_query_ms": round(float(slowest["time"]) * 1000, 2),
        "slowest_query": slowest["sql"][:300],
        "bytes": len(response.content),
    }
    return result, response, queries


# ---------------------------------------------------------------------------------------------
# Bare SQL: the same roll-up and list, hand-written, through a raw cursor.


def _status_case(connection: Any, today: datetime.date) -> tuple[str, list[Any]]:
    """with_status's CASE, in plain SQL (same order of branches)."""
    ops = connection.ops
    soon = today + datetime.timedelta(days=14)
    sql = (
        "CASE WHEN t.cancelled = %s THEN 'cancelled'"
        " WHEN t.completed_on IS NOT NULL AND t.due_on IS NOT NULL"
        " AND t.completed_on > t.due_on THEN 'done_late'"
        " WHEN t.completed_on IS NOT NULL THEN 'done_on_time'"
        " WHEN t.due_on IS NULL AND t.deadline_kind = 'continuous' THEN 'continuous'"
        " WHEN t.due_on IS NULL THEN 'not_due'"
        " WHEN t.due_on < %s THEN 'carried_over'"
        " WHEN t.due_on < %s THEN 'overdue'"
        " WHEN t.due_on <= %s THEN 'due_soon'"
        " ELSE 'not_due' END"
    )
    params = [
        True,
        ops.adapt_datefield_value(today.replace(month=1, day=1)),
        ops.adapt_datefield_value(today),
        ops.adapt_datefield_value(soon),
    ]
    return sql, params


def _tables(connection: Any) -> dict[str, str]:
    from nqtrack.assignments.models import Task
    from nqtrack.documents.models import Document
    from nqtrack.organizations.models import Organization

    qn = connection.ops.quote_name
    return {
        "task": qn(Task._meta.db_table),
        "org": qn(Organization._meta.db_table),
        "doc": qn(Document._meta.db_table),
        "sup": qn(Task.supporting.through._meta.db_table),
    }


def _document_visibility(user_path: str, clearance: str) -> tuple[str, list[Any]]:
    from nqtrack.organizations.models import SecurityLevel

    parts = [p for p in user_path.split("/") if p]
    ancestors = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    levels = SecurityLevel.up_to(clearance)
    sql = (
        f"d.security_level IN ({', '.join(['%s'] * len(levels))})"
        f" AND (reg.path IN ({', '.join(['%s'] * len(ancestors))}) OR reg.path LIKE %s)"
    )
    return sql, [*levels, *ancestors, user_path + "%"]


def bare_rollup_sql(
    connection: Any, *, root_path: str, user_path: str, clearance: str, today: datetime.date
) -> tuple[str, list[Any]]:
    """Per-lead counts by status over the root's subtree, documents the user may see: the
    aggregate task_rollup's first query computes, as one statement."""
    t = _tables(connection)
    case, case_params = _status_case(connection, today)
    visible, visible_params = _document_visibility(user_path, clearance)
    sql = (
        f"SELECT t.lead_id, lo.path, {case} AS status, COUNT(*) AS n"
        f" FROM {t['task']} t"
        f" JOIN {t['org']} lo ON lo.id = t.lead_id"
        f" JOIN {t['doc']} d ON d.id = t.source_document_id"
        f" JOIN {t['org']} reg ON reg.id = d.owner_id"
        f" WHERE lo.path LIKE %s AND {visible}"
        " GROUP BY t.lead_id, lo.path, 3"
    )
    return sql, [*case_params, root_path + "%", *visible_params]


def bare_list_sql(
    connection: Any,
    *,
    user_path: str,
    clearance: str,
    today: datetime.date,
    status: str | None = None,
) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
    """The first page (50 rows, by due date) and the count of the task list, as two
    statements: the least a paginated list can do."""
    t = _tables(connection)
    case, case_params = _status_case(connection, today)
    visible, visible_params = _document_visibility(user_path, clearance)
    like = user_path + "%"
    where = (
        f" FROM {t['task']} t"
        f" JOIN {t['org']} lo ON lo.id = t.lead_id"
        f" JOIN {t['org']} ab ON ab.id = t.assigned_by_id"
        f" JOIN {t['doc']} d ON d.id = t.source_document_id"
        f" JOIN {t['org']} reg ON reg.id = d.owner_id"
        f" WHERE {visible} AND (lo.path LIKE %s OR ab.path LIKE %s OR EXISTS ("
        f"SELECT 1 FROM {t['sup']} s JOIN {t['org']} so ON so.id = s.organization_id"
        " WHERE s.task_id = t.id AND so.path LIKE %s))"
    )
    params = [*visible_params, like, like, like]
    if status:
        where += f" AND {case} = %s"
        params += [*case_params, status]
    page = (
        f"SELECT t.id, t.text, t.deadline_label, t.due_on, lo.name, lo.short_name, d.symbol,"
        f" {case} AS status{where} ORDER BY t.due_on, t.id LIMIT 50",
        [*case_params, *params],
    )
    count = (f"SELECT COUNT(*){where}", params)
    return page, count


def bare_tallies_sql(
    connection: Any, *, root: Any, user_path: str, clearance: str, today: datetime.date
) -> tuple[str, list[Any]]:
    """Reading the maintained counts directly: the subtree rows of the root and its children,
    by status derived from the day (open tasks by month, by day near today), for the
    documents the user may see (one statement)."""
    from nqtrack.organizations.models import Organization, SecurityLevel

    t = _tables(connection)
    soon = today + datetime.timedelta(days=14)
    year_start = today.replace(month=1, day=1)
    low = today.replace(day=1)
    high = (soon.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    ids = [root.pk, *Organization.objects.filter(parent=root).values_list("pk", flat=True)]
    levels = SecurityLevel.up_to(clearance)
    parts = [p for p in user_path.split("/") if p]
    ancestors = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    sql = (
        "SELECT st.organization_id, CASE"
        " WHEN st.state = 'open_month' AND st.due_on < %s THEN 'carried_over'"
        " WHEN st.state = 'open_month' AND st.due_on < %s THEN 'overdue'"
        " WHEN st.state = 'open_month' THEN 'not_due'"
        " WHEN st.state <> 'open' THEN st.state"
        " WHEN st.due_on < %s THEN 'carried_over' WHEN st.due_on < %s THEN 'overdue'"
        " WHEN st.due_on <= %s THEN 'due_soon' ELSE 'not_due' END AS status, SUM(st.n)"
        " FROM assignments_subtreetally st"
        f" WHERE st.field = 0 AND st.organization_id IN ({', '.join(['%s'] * len(ids))})"
        " AND ((st.state = 'open' AND st.due_on >= %s AND st.due_on < %s)"
        " OR (st.state = 'open_month' AND (st.due_on < %s OR st.due_on >= %s))"
        " OR st.state NOT IN ('open', 'open_month'))"
        f" AND st.security_level IN ({', '.join(['%s'] * len(levels))})"
        f" AND (st.owner_id = 0 OR st.owner_id IN (SELECT o.id FROM {t['org']} o"
        f" WHERE o.path LIKE %s OR o.path IN ({', '.join(['%s'] * len(ancestors))})))"
        " GROUP BY 1, 2"
    )
    params = [year_start, low, year_start, today, soon, *ids, low, high, low, high]
    return sql, [*params, *levels, user_path + "%", *ancestors]


def run_sql(connection: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def explain(connection: Any, sql: str, params: list[Any] | None = None) -> str:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    with connection.cursor() as cursor:
        if params is None:
            cursor.execute(f"{prefix} {sql}")
        else:
            cursor.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


# ---------------------------------------------------------------------------------------------
# Environment.


def environment(connection: Any) -> dict[str, Any]:
    import django

    env: dict[str, Any] = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "db_vendor": connection.vendor,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            env["db_version"] = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute("SHOW jit")
            env["pg_jit"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            env["pg_shared_buffers"] = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            env["pg_work_mem"] = cursor.fetchone()[0]
    else:
        env["db_version"] = f"SQLite {sqlite3.sqlite_version}"
    env["db_name"] = str(connection.settings_dict["NAME"])
    return env


def _loaded_tables() -> list[str]:
    from nqtrack.assignments.models import LeadTally, SubtreeTally, Task
    from nqtrack.documents.models import Document
    from nqtrack.organizations.models import Organization

    return [
        Task._meta.db_table,
        Task.supporting.through._meta.db_table,
        Organization._meta.db_table,
        Document._meta.db_table,
        Document.fields.through._meta.db_table,
        LeadTally._meta.db_table,
        SubtreeTally._meta.db_table,
    ]


def post_load(
    connection: Any, *, pg_stats: str = "autovacuum", sqlite_analyze: bool = False, log: Log = print
) -> dict[str, Any]:
    """Bring the planner statistics to a known state after the load.

    PostgreSQL, pg_stats="autovacuum" (default): what production has a minute after a bulk
    load. Wait for autovacuum to analyze the loaded tables if it is on; otherwise (or after
    180 s) VACUUM ANALYZE the tables autovacuum would have picked (more than 50 changed rows):
    tasks, supporting links, organizations, documents, document fields. Small lookup tables
    (the field list) stay unanalyzed, as autovacuum leaves them. "all": VACUUM ANALYZE the
    whole database (best case). "none": no statistics at all (a server with autovacuum off).
    Inside a transaction (smoke test): ANALYZE of the loaded tables.
    SQLite: nothing by default, as the application never runs ANALYZE there.
    """
    start = time.perf_counter()
    tables = _loaded_tables()
    qn = connection.ops.quote_name
    how = "none"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW autovacuum")
            autovacuum = cursor.fetchone()[0] == "on"
            if connection.in_atomic_block:
                for table in tables:
                    cursor.execute(f"ANALYZE {qn(table)}")
                how = "ANALYZE of the loaded tables (inside a transaction)"
            elif pg_stats == "all":
                cursor.execute("VACUUM ANALYZE")
                how = "VACUUM ANALYZE of the whole database"
            elif pg_stats == "none":
                how = "no ANALYZE (--pg-stats none)"
            elif autovacuum:
                log("  waiting for autovacuum to analyze the loaded tables (up to 180 s) …")
                watched = tables[:3]
                done: list[str] = []
                while time.perf_counter() - start < 180:
                    cursor.execute(
                        "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s)"
                        " AND last_autoanalyze IS NOT NULL",
                        [watched],
                    )
                    done = sorted(r[0] for r in cursor.fetchall())
                    if len(done) == len(watched):
                        break
                    time.sleep(2)
                cursor.execute(
                    "SELECT relname FROM pg_stat_user_tables WHERE last_autoanalyze IS NOT NULL"
                    " ORDER BY relname"
                )
                analyzed = [r[0] for r in cursor.fetchall()]
                if len(done) == len(watched):
                    how = f"autovacuum analyzed {len(analyzed)} tables ({', '.join(analyzed)})"
                else:
                    for table in tables:
                        cursor.execute(f"VACUUM ANALYZE {qn(table)}")
                    how = "autovacuum too slow: VACUUM ANALYZE of the loaded tables"
            else:
                for table in tables:
                    cursor.execute(f"VACUUM ANALYZE {qn(table)}")
                how = (
                    "autovacuum is off on this server: VACUUM ANALYZE of the tables it would"
                    " have analyzed"
                )
        elif sqlite_analyze:
            cursor.execute("ANALYZE")
            how = "ANALYZE"
    return {"post_load": how, "post_load_s": round(time.perf_counter() - start, 3)}


# ---------------------------------------------------------------------------------------------
# The run.


def _first_int(pattern: str, text: str) -> int | None:
    match = re.search(pattern, text)
    return int(match.group(1)) if match else None


def run(
    connection: Any,
    *,
    scale: float = 1.0,
    seed: int | None = None,
    repeat: int = 11,
    sql_repeat: int = 21,
    today: datetime.date | None = None,
    do_explain: bool = False,
    sqlite_analyze: bool = False,
    pg_stats: str = "autovacuum",
    log: Log = print,
) -> dict[str, Any]:
    """Generate, load, measure and check on the (migrated) database behind `connection`, which
    must be the default alias. Returns the report (see format_report)."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from bench import generate as gen
    from nqtrack.analytics.selectors import task_rollup
    from nqtrack.organizations.models import Organization

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = today or timezone.localdate()
    seed = gen.SEED if seed is None else seed
    log(f"Loading scale {scale} (seed {seed}) into {connection.vendor} …")
    start = time.perf_counter()
    ds = gen.generate(connection, scale=scale, seed=seed, today=today, log=log)
    load_s = time.perf_counter() - start
    from nqtrack.assignments import reach, tallies

    start = time.perf_counter()
    tallies.rebuild()  # COPY bypasses the signals: count the loaded tasks once
    reach_rows = reach.rebuild()  # and who sees each task through its supporting units
    tallies_s = time.perf_counter() - start
    log(
        f"  maintained counts and {reach_rows:,} reach rows rebuilt from the tasks in "
        f"{tallies_s:.1f} s"
    )
    after = post_load(connection, pg_stats=pg_stats, sqlite_analyze=sqlite_analyze, log=log)
    tm = ds.timings
    n_sup = ds.counts["supporting_links"]
    load = {
        "total_s": round(load_s, 3),
        "org_service_n": int(tm["org_service_n"]),
        "org_service_s": round(tm["org_service_s"], 3),
        "org_service_per_s": round(tm["org_service_n"] / tm["org_service_s"], 1),
        "org_service_extrapolated_s": round(
            ds.counts["province_units"] * tm["org_service_s"] / tm["org_service_n"], 1
        ),
        "org_bulk_n": int(tm["org_bulk_n"]),
        "org_bulk_s": round(tm["org_bulk_s"], 3),
        "documents_n": ds.counts["documents"],
        "documents_s": round(tm["doc_service_s"], 3),
        "task_generate_s": round(tm["task_generate_s"], 3),
        "task_insert_s": round(tm["task_insert_s"], 3),
        "task_rows_per_s": round(ds.counts["tasks"] / tm["task_insert_s"]),
        "supporting_insert_s": round(tm["supporting_insert_s"], 3),
        "supporting_rows_per_s": round(n_sup / tm["supporting_insert_s"]) if n_sup else 0,
        "commit_s": round(tm["commit_s"], 3),
        "tallies_rebuild_s": round(tallies_s, 3),
        "insert_method": "COPY" if connection.vendor == "postgresql" else "executemany",
        **after,
    }
    log(f"  loaded in {load_s:.1f} s; {after['post_load']} ({after['post_load_s']:.0f} s)")
    load_before = os.getloadavg()

    province, commune_user = ds.province_user, ds.commune_user
    root = Organization.objects.get(pk=ds.root.id)
    commune = Organization.objects.get(pk=ds.commune.id)
    clients = {"province": Client(), "commune": Client()}
    clients["province"].force_login(province)
    clients["commune"].force_login(commune_user)
    pages_spec = [
        ("list", "province", "/nhiem-vu/tat-ca/"),
        ("list_overdue", "province", "/nhiem-vu/tat-ca/?status=overdue"),
        ("inbox", "commune", "/nhiem-vu/"),
        ("list_commune", "commune", "/nhiem-vu/tat-ca/"),
        ("rollup", "province", "/thong-ke/"),
        ("rollup_commune", "province", f"/thong-ke/?org={commune.code}"),
        ("api_list", "province", "/api/v1/tasks/?page_size=100"),
    ]
    pages: dict[str, Any] = {}
    bodies: dict[str, str] = {}
    plans: dict[str, str] = {}
    for key, who, url in pages_spec:
        result, response, queries = measure_page(clients[who], connection, url, repeat)
        pages[key] = {"user": who, **result}
        bodies[key] = response.content.decode()
        if do_explain and queries:
            slowest = max(queries, key=lambda q: float(q["time"]))["sql"]
            plans[key] = explain(connection, slowest)
        log(f"  {key:<15} median {result['median_ms']:9.1f} ms  ({result['queries']} queries)")

    # The roll-up's selector alone (no HTTP, no template), to split the full-stack time.
    n_selector = max(3, repeat // 2)
    samples, _ = timed(lambda: task_rollup(province, root, today=today), n_selector)
    pages["rollup"]["selector"] = summarize(samples)
    if connection.vendor == "postgresql":

        def without_jit() -> Any:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                return task_rollup(province, root, today=today)

        samples, _ = timed(without_jit, n_selector)
        pages["rollup"]["selector_jit_off"] = summarize(samples)

    sql: dict[str, Any] = {}
    bare_totals: dict[str, Counter[str]] = {}
    for key, r in (("sql_rollup", root), ("sql_rollup_commune", commune)):
        stmt, params = bare_rollup_sql(
            connection,
            root_path=r.path,
            user_path=root.path,
            clearance=province.clearance,
            today=today,
        )
        run_sql(connection, stmt, params)  # warm-up
        samples, rows = timed(lambda s=stmt, p=params: run_sql(connection, s, p), sql_repeat)
        counts: Counter[str] = Counter()
        for _lead, _path, status, n in rows:
            counts[status] += n
        bare_totals[key] = counts
        sql[key] = {**summarize(samples), "rows": len(rows), "total": sum(counts.values())}
        if do_explain:
            plans[key] = explain(connection, stmt, params)
    for key, r in (("sql_tallies", root), ("sql_tallies_commune", commune)):
        stmt, params = bare_tallies_sql(
            connection, root=r, user_path=root.path, clearance=province.clearance, today=today
        )
        run_sql(connection, stmt, params)
        samples, rows = timed(lambda s=stmt, p=params: run_sql(connection, s, p), sql_repeat)
        counts = Counter()
        for org_id, status, n in rows:
            if org_id == r.pk:
                counts[status] += int(n)
        bare_totals[key] = counts
        sql[key] = {**summarize(samples), "rows": len(rows), "total": sum(counts.values())}
    (page_sql, page_params), (count_sql, count_params) = bare_list_sql(
        connection, user_path=root.path, clearance=province.clearance, today=today
    )

    def bare_list() -> tuple[int, int]:
        n = run_sql(connection, count_sql, count_params)[0][0]
        return n, len(run_sql(connection, page_sql, page_params))

    bare_list()
    samples, (bare_count, bare_page_rows) = timed(bare_list, sql_repeat)
    sql["sql_list"] = {**summarize(samples), "rows": bare_page_rows, "total": bare_count}
    if do_explain:
        plans["sql_list_count"] = explain(connection, count_sql, count_params)
    for key, value in sql.items():
        log(f"  {key:<19} median {value['median_ms']:9.2f} ms")

    ratios = {
        "rollup": round(
            pages["rollup"]["median_ms"] / max(sql["sql_rollup"]["median_ms"], 1e-3), 1
        ),
        "rollup_commune": round(
            pages["rollup_commune"]["median_ms"]
            / max(sql["sql_rollup_commune"]["median_ms"], 1e-3),
            1,
        ),
        "list": round(pages["list"]["median_ms"] / max(sql["sql_list"]["median_ms"], 1e-3), 1),
        "rollup_tallies": round(
            pages["rollup"]["median_ms"] / max(sql["sql_tallies"]["median_ms"], 1e-3), 1
        ),
        "rollup_commune_tallies": round(
            pages["rollup_commune"]["median_ms"]
            / max(sql["sql_tallies_commune"]["median_ms"], 1e-3),
            1,
        ),
    }

    checks = run_checks(ds, province, commune_user, root, commune, bodies, bare_totals, sql)
    env = environment(connection)
    env["loadavg_during"] = [round(x, 2) for x in load_before]
    env["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "benchmark": "nqtrack task list and roll-up",
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "seed": seed,
        "today": today.isoformat(),
        "environment": env,
        "data": dict(ds.counts),
        "load": load,
        "pages": pages,
        "sql": sql,
        "ratios": ratios,
        "checks": checks,
        "all_checks_pass": all(c["ok"] for c in checks),
        "plans": plans,
    }


def _tallies_clean() -> bool:
    from nqtrack.assignments import reach, tallies

    return tallies.check(False).clean and reach.check(False).clean


def run_checks(
    ds: Any,
    province: Any,
    commune_user: Any,
    root: Any,
    commune: Any,
    bodies: dict[str, str],
    bare_totals: dict[str, Counter[str]],
    sql: dict[str, Any],
) -> list[dict[str, Any]]:
    """Every figure the pages and the SQL report, against a recount of the generated tasks."""
    from bench import generate as gen
    from nqtrack.analytics.selectors import task_rollup
    from nqtrack.assignments.status import OVERDUE

    checks: list[dict[str, Any]] = []

    def check(name: str, expected: Any, got: Any) -> None:
        checks.append({"name": name, "expected": expected, "got": got, "ok": expected == got})

    root_org = ds.orgs[root.pk]
    commune_org = ds.orgs[commune.pk]
    check("tasks loaded", round(100_000 * ds.scale), len(ds.tasks))
    for key, r, r_org in (
        ("rollup", root, root_org),
        ("rollup_commune", commune, commune_org),
    ):
        expected = gen.recount_rollup(ds, province, r_org)
        rollup = task_rollup(province, r, today=ds.today)
        check(f"{key}: selector totals by status", dict(expected.total), dict(+rollup.total.counts))
        check(
            f"{key}: selector totals per unit",
            {k: dict(v) for k, v in expected.by_unit.items()},
            {row.key: dict(+row.counts) for row in rollup.by_unit},
        )
        page_total = _first_int(r'<div class="stat">(\d+)<small>', bodies[key])
        check(f"{key}: total on the page", sum(expected.total.values()), page_total)
        check(f"{key}: bare SQL totals", dict(expected.total), dict(+bare_totals[f"sql_{key}"]))
        tally_key = "sql_tallies" if key == "rollup" else "sql_tallies_commune"
        check(
            f"{key}: maintained counts read directly",
            dict(expected.total),
            dict(+bare_totals[tally_key]),
        )
    # The counts keep no calendar state: on a later day the same rows give that day's figures.
    for later in (
        ds.today + datetime.timedelta(days=20),
        ds.today.replace(month=12, day=31) + datetime.timedelta(days=40),
    ):
        real_today, ds.today = ds.today, later
        try:
            expected = gen.recount_rollup(ds, province, root_org)
        finally:
            ds.today = real_today
        rollup = task_rollup(province, root, today=later)
        check(
            f"rollup on {later:%d/%m/%Y}: counts against a recount on that day",
            {k: dict(v) for k, v in expected.by_unit.items()},
            {row.key: dict(+row.counts) for row in rollup.by_unit},
        )
    check("maintained counts: no drift", True, _tallies_clean())
    visible = gen.recount_list(ds, province)
    check(
        "list: count on the page", visible, _first_int(r"(\d+) (?:tasks?|nhiệm vụ)", bodies["list"])
    )
    check("list: bare SQL count", visible, sql["sql_list"]["total"])
    check(
        "list?status=overdue: count on the page",
        gen.recount_list(ds, province, status=OVERDUE),
        _first_int(r"(\d+) (?:tasks?|nhiệm vụ)", bodies["list_overdue"]),
    )
    check(
        "list (commune user, tasks it supports included): count on the page",
        gen.recount_list(ds, commune_user),
        _first_int(r"(\d+) (?:tasks?|nhiệm vụ)", bodies["list_commune"]),
    )
    check(
        "inbox (commune): count on the page",
        gen.recount_list(ds, commune_user, inbox=True),
        _first_int(r"(\d+) (?:tasks?|nhiệm vụ)", bodies["inbox"]),
    )
    api = json.loads(bodies["api_list"])
    check("api: count", visible, api.get("count"))
    check("api: rows on the page", min(100, visible), len(api.get("results", [])))
    check(
        "data set not trivial: overdue tasks exist",
        True,
        gen.recount_list(ds, province, status=OVERDUE) > 0,
    )
    return checks


# ---------------------------------------------------------------------------------------------
# Report.


def _load_line(label: str, n: int | None, seconds: float, note: str = "") -> str:
    count = f"{n:>9,}" if n is not None else " " * 9
    rate = f"{n / seconds:>11,.0f}" if n and seconds > 0 else " " * 11
    return f"  {label:<44}{count} {seconds:>8.2f} {rate}{note}".rstrip()


def format_report(report: dict[str, Any]) -> str:
    env, data, load = report["environment"], report["data"], report["load"]
    out: list[str] = []
    add = out.append
    add("")
    add(
        f"NQTrack benchmark: task list and roll-up — scale {report['scale']}, seed "
        f"{report['seed']}, today {report['today']}"
    )
    jit = f", jit={env['pg_jit']}" if "pg_jit" in env else ""
    add(
        f"Environment: {env['db_version']}{jit} · Python {env['python']} · Django "
        f"{env['django']} · {env['cpu_count']} CPUs · {env['platform']}"
    )
    if "loadavg_during" in env:
        add(
            f"Load average (1/5/15 min) when measuring: {env['loadavg_during']}, after: "
            f"{env['loadavg_after']}"
        )
    add(
        f"Data: {data['province_units']:,} province units ({data['communes']} communes, depth "
        f"≤ {data['max_depth']}), {data['documents']} documents, {data['tasks']:,} tasks, "
        f"{data['supporting_links']:,} supporting links"
    )
    add("")
    method = load["insert_method"]
    add(f"  {'Load (one transaction)':<44}{'n':>9} {'s':>8} {'rows/s':>11}")
    add(
        _load_line(
            "organization_create (service, one by one)",
            load["org_service_n"],
            load["org_service_s"],
            f"   ({data['province_units']:,} would take "
            f"~{load['org_service_extrapolated_s']:,.0f} s)",
        )
    )
    add(_load_line(f"organizations, bulk ({method})", load["org_bulk_n"], load["org_bulk_s"]))
    add(_load_line("document_register (service)", load["documents_n"], load["documents_s"]))
    add(_load_line("tasks generated in Python", None, load["task_generate_s"]))
    add(_load_line(f"tasks inserted ({method})", data["tasks"], load["task_insert_s"]))
    add(
        _load_line(
            f"supporting links inserted ({method})",
            data["supporting_links"],
            load["supporting_insert_s"],
        )
    )
    add(_load_line("commit (deferred foreign-key checks)", None, load["commit_s"]))
    add(_load_line("total load", None, load["total_s"]))
    add(f"  then: {load['post_load']} ({load['post_load_s']:.1f} s)")
    add("")
    runs = report["pages"]["list"]["runs"]
    add(f"Full stack (django.test.Client, 1 warm-up + {runs} timed runs)")
    add("  page            user       median ms    p95 ms  queries  SQL ms*  slowest q ms   KiB")
    for key in PAGE_KEYS:
        p = report["pages"][key]
        add(
            f"  {key:<15} {p['user']:<9} {p['median_ms']:>10.1f} {p['p95_ms']:>9.1f} "
            f"{p['queries']:>8} {p['sql_ms_in_warmup']:>8.1f} {p['slowest_query_ms']:>13.1f} "
            f"{p['bytes'] / 1024:>5.0f}"
        )
    for key in PAGE_KEYS:
        add(f"    {key:<15} GET {report['pages'][key]['url']}")
    sel = report["pages"]["rollup"]["selector"]
    add(
        f"  rollup, task_rollup() alone (no HTTP, no template): median {sel['median_ms']:.1f} ms,"
        f" p95 {sel['p95_ms']:.1f} ms"
    )
    off = report["pages"]["rollup"].get("selector_jit_off")
    if off:
        add(
            f"  rollup, task_rollup() alone with SET LOCAL jit = off: median "
            f"{off['median_ms']:.1f} ms, p95 {off['p95_ms']:.1f} ms"
        )
    add("  * SQL ms: the warm-up request's queries, as Django timed them")
    add("")
    add(f"Bare SQL (raw cursor, 1 warm-up + {report['sql']['sql_rollup']['runs']} timed runs)")
    add("  statement            median ms    p95 ms    rows     total")
    for key in SQL_KEYS:
        q = report["sql"][key]
        add(
            f"  {key:<19} {q['median_ms']:>10.2f} {q['p95_ms']:>9.2f} {q['rows']:>7} "
            f"{q['total']:>9,}"
        )
    add("  sql_rollup*: per-lead counts by status (CASE) over the subtree (path LIKE) and the")
    add("    documents the user may see, one statement (the province, then one commune)")
    add("  sql_list: COUNT(*) + first 50 rows by due date, same visibility rules as the list")
    add("  sql_tallies*: the maintained per-subtree counts of the root and its children, status")
    add("    derived from the day, the documents the user may see (what the roll-up reads)")
    add("")
    r = report["ratios"]
    add(
        f"Ratios full stack / bare SQL (medians): roll-up {r['rollup']}× · commune roll-up "
        f"{r['rollup_commune']}× · task list {r['list']}×"
    )
    add(
        f"Ratios full stack / reading the maintained counts: roll-up {r['rollup_tallies']}× · "
        f"commune roll-up {r['rollup_commune_tallies']}× (counts rebuilt after the load in "
        f"{load['tallies_rebuild_s']:.1f} s)"
    )
    slow = [
        f"{k} ({report['pages'][k]['median_ms']:,.0f} ms)"
        for k in PAGE_KEYS
        if report["pages"][k]["median_ms"] > BUDGET_MS
    ]
    add(f"Over the {BUDGET_MS:,} ms budget: {', '.join(slow) if slow else 'none'}")
    add("")
    failed = [c for c in report["checks"] if not c["ok"]]
    add(
        f"Checks against a Python recount: {len(report['checks']) - len(failed)}/"
        f"{len(report['checks'])} pass"
    )
    for c in failed:
        add(f"  FAILED {c['name']}: expected {c['expected']!r}, got {c['got']!r}")
    for key, plan in report.get("plans", {}).items():
        add("")
        add(f"Plan of {key}:")
        add(plan)
    return "\n".join(out)


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")


# ---------------------------------------------------------------------------------------------
# Databases: only main() creates and drops them.


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 tasks")
    parser.add_argument("--repeat", type=int, default=11, help="timed runs per page")
    parser.add_argument("--sql-repeat", type=int, default=21, help="timed runs per statement")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--explain", action="store_true", help="print the slow queries' plans")
    parser.add_argument(
        "--sqlite-analyze", action="store_true", help="run ANALYZE on SQLite after loading"
    )
    parser.add_argument(
        "--pg-stats",
        choices=["autovacuum", "all", "none"],
        default="autovacuum",
        help="PostgreSQL statistics after the load (see post_load)",
    )
    parser.add_argument(
        "--json", type=Path, default=PROJECT_DIR / "var" / "bench-results.json", help="output"
    )
    args = parser.parse_args(argv)

    source = os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'var' / 'x.sqlite3'}"
    url = bench_database_url(source, BENCH_DB_NAME)
    shown = re.sub(r"//[^@/]*@", "//", url)
    print(
        f"Benchmark database: {shown} (created now, dropped at the end"
        f"{' unless --keep' if not args.keep else ': NO, --keep'})"
    )
    create_database(url, print)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqtrack.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        start = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Migrated in {time.perf_counter() - start:.1f} s")
        report = run(
            connection,
            scale=args.scale,
            seed=args.seed,
            repeat=args.repeat,
            sql_repeat=args.sql_repeat,
            do_explain=args.explain,
            sqlite_analyze=args.sqlite_analyze,
            pg_stats=args.pg_stats,
        )
        print(format_report(report))
        write_json(report, args.json)
        print(f"\nWritten to {args.json}")
        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    return 0 if report["all_checks_pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
