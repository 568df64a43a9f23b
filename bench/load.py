"""Load test: logged-in users under gunicorn on this machine (`make bench-load`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nqtrack NQTRACK_ALLOW_INSECURE_KEY=1 \\
        PYTHONPATH=src .venv/bin/python -m bench.load --scale 1.0 --users 10,50,100 --duration 60

Never touches the database DATABASE_URL names: it creates (or recreates) `nqtrack_bench_load`
on the same server (SQLite: var/nqtrack_bench_load.sqlite3), migrates it, loads the task
benchmark's data set (bench/generate.py: round(100,000 * scale) tasks over round(3,000 * scale)
units) and adds 100 users of the province and of its communes (office staff, unit reporters and
viewers, clearance normal, one shared password). It then starts gunicorn on a free loopback
port against that database (DEBUG off, API throttling off), logs every user in through the
real login form (CSRF token, session cookie; the API is called with the same session), and for
each level of virtual users runs a bounded client for DURATION seconds: each virtual user is
its own session, looping request → think time. Any answer other than 200, and any timeout, is
an error. It prints per level and per kind of URL the requests, requests/s, p50/p95/p99/max
and errors, with the load average, writes var/bench-load-results.json, stops gunicorn whatever
happens, drops the database unless --keep, and exits 1 if any request failed (never for
slowness).

The client is asyncio driving `requests` sessions (already a dependency) in a thread pool as
large as the cap on open connections: a virtual user waits for a free connection before it
sends, so the server never sees more than --max-connections at once.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import datetime
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.dbs import bench_database_url, create_database, drop_database

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DB_NAME = "nqtrack_bench_load"
USER_PREFIX = "load_"
PASSWORD = "tai-thu-nghiem-2026"  # the load users' shared password, in the benchmark DB only
N_USERS = 100
ROLES = ["office", "reporter", "viewer"]
# The URL kinds, always printed (the smoke test looks for each row).
KINDS = ["rollup", "list", "list_filtered", "inbox", "api_list"]
LIST_FILTERS = [
    "?status=overdue",
    "?sort=-due",
    "?status=due_soon&sort=lead",
    "?page=2",
    "?sort=created&page=3",
]
# Weighted menus: what a province user and what a commune user open between two think times.
MENUS = {
    "province": [("rollup", 3), ("list", 2), ("list_filtered", 3), ("api_list", 2)],
    "commune": [("inbox", 4), ("list", 1), ("list_filtered", 1), ("rollup", 2), ("api_list", 2)],
}
# Gunicorn on this 2-core machine (see README, "Load"): cores + 1 processes keep both cores
# busy while one waits on PostgreSQL; 4 threads each overlap database waits and keep-alive
# connections without more processes fighting for the same cores (and the database's).
DEFAULT_WORKERS = (os.cpu_count() or 2) + 1
DEFAULT_THREADS = 4


# ---------------------------------------------------------------------------------------------
# Data: the task benchmark's generation, plus the load users.


def prepare_database(url: str, scale: float, seed: int | None, pg_stats: str) -> dict[str, Any]:
    """Create, migrate and fill the load database; returns what was loaded."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from bench import generate as gen
    from bench.tasks_bench import post_load
    from nqtrack.assignments import reach, tallies
    from nqtrack.organizations.models import User

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"  migrated in {time.perf_counter() - start:.1f} s")
    today = timezone.localdate()
    start = time.perf_counter()
    ds = gen.generate(
        connection,
        scale=scale,
        seed=gen.SEED if seed is None else seed,
        today=today,
        log=lambda m: print(m),
    )
    tallies.rebuild()  # COPY bypasses the signals: count the loaded tasks once
    reach.rebuild()
    after = post_load(connection, pg_stats=pg_stats, log=lambda m: print(m))
    print(f"  loaded in {time.perf_counter() - start:.1f} s; {after['post_load']}")
    # The largest communes first, so that the commune users see real inboxes.
    size: dict[int, int] = {}
    for o in ds.orgs.values():
        if o.commune_id:
            size[o.commune_id] = size.get(o.commune_id, 0) + 1
    communes = sorted(ds.communes, key=lambda c: (-size.get(c.id, 0), c.id))
    hashed = make_password(PASSWORD)  # one hash: PBKDF2 a hundred times would take a minute
    for i in range(N_USERS):
        kind = "province" if i % 2 == 0 else "commune"
        org = ds.root if kind == "province" else communes[(i // 2) % len(communes)]
        User.objects.create(
            username=f"{USER_PREFIX}{i:03d}",
            full_name=f"Người dùng tải {i:03d}",
            organization_id=org.id,
            role=ROLES[(i // 2) % len(ROLES)],
            clearance="normal",
            password=hashed,
        )
    connections.close_all()
    return {
        **ds.counts,
        "today": str(today),
        "users": N_USERS,
        "commune_codes": [c.code for c in communes[: max(1, N_USERS // 2)]],
        "post_load": after["post_load"],
    }


def user_plan() -> list[dict[str, str]]:
    """The load users, in the order the levels take them (province and commune alternate)."""
    return [
        {
            "username": f"{USER_PREFIX}{i:03d}",
            "kind": "province" if i % 2 == 0 else "commune",
            "role": ROLES[(i // 2) % len(ROLES)],
        }
        for i in range(N_USERS)
    ]


# ---------------------------------------------------------------------------------------------
# Gunicorn.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log_path: Path
    workers: int
    threads: int

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=35)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)


def start_server(url: str, workers: int, threads: int, log_path: Path) -> Server:
    import requests

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "NQTRACK_API_THROTTLING": "0",
        "NQTRACK_ALLOW_INSECURE_KEY": "1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "NQTRACK_WEB_LOG_LEVEL": "warning",
        "PYTHONPATH": os.pathsep.join(
            p for p in [str(PROJECT_DIR / "src"), os.environ.get("PYTHONPATH", "")] if p
        ),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("wb")
    cmd = [
        str(gunicorn),
        "-c",
        str(PROJECT_DIR / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--access-logfile",
        "/dev/null",
    ]
    process = subprocess.Popen(
        cmd, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Server(process, f"http://127.0.0.1:{port}", log_path, workers, threads)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see {log_path}")
        try:
            # Not /healthz: it answers 503 for installation warnings (no job runner, …).
            if requests.get(server.base + "/dang-nhap/", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
        time.sleep(0.3)


# ---------------------------------------------------------------------------------------------
# Client.

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def new_session(pool: int = 1) -> Any:
    import requests

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=pool, max_retries=0)
    session.mount("http://", adapter)
    return session


def login(base: str, username: str, timeout: float) -> Any:
    """The real login form: GET it for the CSRF cookie and token, POST the credentials; then
    the API answers the same session."""
    session = new_session()
    page = session.get(base + "/dang-nhap/", timeout=timeout)
    match = CSRF_RE.search(page.text)
    if page.status_code != 200 or not match:
        raise RuntimeError(f"login page for {username}: {page.status_code}, no CSRF token")
    answer = session.post(
        base + "/dang-nhap/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": base + "/dang-nhap/"},
        allow_redirects=False,
        timeout=timeout,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username} failed: {answer.status_code}")
    api = session.get(base + "/api/v1/tasks/?page_size=1", timeout=timeout)
    if api.status_code != 200:
        raise RuntimeError(f"API with the session of {username}: {api.status_code}")
    return session


def pick_url(kind: str, rng: random.Random) -> str:
    if kind == "rollup":
        return "/thong-ke/"
    if kind == "list":
        return "/nhiem-vu/tat-ca/"
    if kind == "list_filtered":
        return "/nhiem-vu/tat-ca/" + rng.choice(LIST_FILTERS)
    if kind == "inbox":
        return "/nhiem-vu/"
    return "/api/v1/tasks/?page_size=100"


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    status: str


@dataclass
class Level:
    users: int
    samples: list[Sample] = field(default_factory=list)
    elapsed_s: float = 0.0
    loadavg_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    loadavg_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _get(session: Any, url: str, timeout: float) -> tuple[float, bool, str]:
    import requests

    start = time.perf_counter()
    try:
        response = session.get(url, timeout=timeout, allow_redirects=False)
        _ = response.content
        ok, status = response.status_code == 200, str(response.status_code)
    except requests.Timeout:
        ok, status = False, "timeout"
    except requests.RequestException as exc:
        ok, status = False, type(exc).__name__
    return (time.perf_counter() - start) * 1000, ok, status


async def run_level(
    base: str,
    sessions: list[tuple[dict[str, str], Any]],
    *,
    duration: float,
    think: tuple[float, float],
    max_connections: int,
    timeout: float,
    seed: int,
) -> Level:
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(max_connections)
    level = Level(users=len(sessions), loadavg_before=os.getloadavg())
    with concurrent.futures.ThreadPoolExecutor(max_workers=max_connections) as pool:
        start = time.monotonic()
        end = start + duration

        async def virtual_user(index: int, who: dict[str, str], session: Any) -> None:
            rng = random.Random(seed * 1000 + index)
            kinds, weights = zip(*MENUS[who["kind"]], strict=True)
            await asyncio.sleep(rng.uniform(0, think[1]))  # staggered start
            while time.monotonic() < end:
                kind = rng.choices(kinds, weights)[0]
                url = base + pick_url(kind, rng)
                async with gate:
                    ms, ok, status = await loop.run_in_executor(pool, _get, session, url, timeout)
                level.samples.append(Sample(kind, ms, ok, status))
                await asyncio.sleep(rng.uniform(*think))

        await asyncio.gather(*(virtual_user(i, w, s) for i, (w, s) in enumerate(sessions)))
        level.elapsed_s = max(duration, time.monotonic() - start)
    level.loadavg_after = os.getloadavg()
    return level


# ---------------------------------------------------------------------------------------------
# Figures.


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    if len(ordered) == 1:
        cuts = [ordered[0]] * 99
    else:
        cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(ordered[-1], 1),
    }


def summarize_level(level: Level) -> dict[str, Any]:
    def block(samples: list[Sample]) -> dict[str, Any]:
        errors: dict[str, int] = {}
        for s in samples:
            if not s.ok:
                errors[s.status] = errors.get(s.status, 0) + 1
        return {
            "requests": len(samples),
            "requests_per_s": round(len(samples) / level.elapsed_s, 2) if level.elapsed_s else 0,
            **percentiles([s.ms for s in samples]),
            "errors": sum(errors.values()),
            "error_statuses": errors,
        }

    return {
        "users": level.users,
        "elapsed_s": round(level.elapsed_s, 2),
        "loadavg_before": list(level.loadavg_before),
        "loadavg_after": list(level.loadavg_after),
        "all": block(level.samples),
        "kinds": {k: block([s for s in level.samples if s.kind == k]) for k in KINDS},
    }


def format_level(result: dict[str, Any]) -> str:
    lb = " ".join(f"{x:.2f}" for x in result["loadavg_before"])
    la = " ".join(f"{x:.2f}" for x in result["loadavg_after"])
    out = [
        "",
        f"{result['users']} users, {result['elapsed_s']:.0f} s — load average (1/5/15 min) "
        f"before {lb}, after {la}",
        f"  {'kind':<14}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'errors':>8}",
    ]
    for name, row in [*result["kinds"].items(), ("all", result["all"])]:
        out.append(
            f"  {name:<14}{row['requests']:>9}{row['requests_per_s']:>8.1f}{row['p50_ms']:>9.1f}"
            f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{row['errors']:>8}"
        )
    if result["all"]["error_statuses"]:
        out.append(f"  errors by status: {result['all']['error_statuses']}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Main.


def _levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or min(levels) < 1 or max(levels) > N_USERS:
        raise argparse.ArgumentTypeError(f"levels between 1 and {N_USERS}, e.g. 10,50,100")
    return levels


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    pair = (float(low), float(high or low))
    if pair[0] < 0 or pair[1] < pair[0]:
        raise argparse.ArgumentTypeError("think time as MIN-MAX seconds, e.g. 1-3")
    return pair


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 tasks")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--users", type=_levels, default=[10, 50, 100], help="levels, e.g. 10,50")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per level")
    parser.add_argument("--think", type=_think, default=(1.0, 3.0), help="seconds, MIN-MAX")
    parser.add_argument("--max-connections", type=int, default=N_USERS, help="client cap")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--db-name", default=BENCH_DB_NAME)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left (no reload)"
    )
    parser.add_argument("--pg-stats", choices=["autovacuum", "all", "none"], default="autovacuum")
    parser.add_argument(
        "--json", type=Path, default=PROJECT_DIR / "var" / "bench-load-results.json"
    )
    args = parser.parse_args(argv)

    source = os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'var' / 'x.sqlite3'}"
    url = bench_database_url(source, args.db_name)
    shown = re.sub(r"//[^@/]*@", "//", url)
    print(f"Load database: {shown}{' (reused)' if args.reuse else ''}")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nqtrack.settings")
    import django

    server: Server | None = None
    report: dict[str, Any] = {}
    try:
        django.setup()
        if args.reuse:
            data: dict[str, Any] = {"reused": True, "users": N_USERS}
        else:
            create_database(url, print)
            data = prepare_database(url, args.scale, args.seed, args.pg_stats)
        from django.db import connection

        vendor = connection.vendor
        log_path = PROJECT_DIR / "var" / "bench-load-gunicorn.log"
        server = start_server(url, args.workers, args.threads, log_path)
        print(
            f"gunicorn at {server.base}: {server.workers} gthread workers × {server.threads}"
            f" threads (DEBUG off, API throttling off); log in {log_path}"
        )
        plan = user_plan()[: max(args.users)]
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            sessions = list(pool.map(lambda w: (w, login(server.base, w["username"], 30)), plan))
        print(
            f"Logged in {len(sessions)} users through the form in"
            f" {time.perf_counter() - start:.1f} s"
        )
        report = {
            "environment": {
                "python": platform.python_version(),
                "cpu_count": os.cpu_count(),
                "platform": platform.platform(),
                "db_vendor": vendor,
                "db_name": args.db_name,
            },
            "config": {
                "scale": args.scale,
                "duration_s": args.duration,
                "think_s": list(args.think),
                "max_connections": args.max_connections,
                "timeout_s": args.timeout,
                "workers": args.workers,
                "threads": args.threads,
                "worker_class": "gthread",
                "menus": MENUS,
                "list_filters": LIST_FILTERS,
            },
            "data": data,
            "levels": [],
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        print(
            f"Think time {args.think[0]:g}–{args.think[1]:g} s, {args.duration:g} s per level, at"
            f" most {args.max_connections} connections, timeout {args.timeout:g} s"
        )
        for users in args.users:
            level = asyncio.run(
                run_level(
                    server.base,
                    sessions[:users],
                    duration=args.duration,
                    think=args.think,
                    max_connections=min(args.max_connections, users),
                    timeout=args.timeout,
                    seed=users,
                )
            )
            result = summarize_level(level)
            report["levels"].append(result)
            print(format_level(result), flush=True)
        for _w, session in sessions:
            session.close()
    finally:
        if server is not None:
            server.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)
    errors = sum(level["all"]["errors"] for level in report["levels"])
    report["errors"] = errors
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print(f"\nErrors: {errors}. Written to {args.json}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
