"""Production smoke test, PostgreSQL only: a fresh database is migrated, gunicorn serves
NQTrack and one `nqtrack db_worker` runs the jobs, all as real processes. Over HTTP (a real
login form with its CSRF token) an office uploads an attendance file and watches the job
finish through the worker; then a larger import is started, the worker is killed with SIGKILL
in the middle of writing, a new worker starts, and the job ends failed with a message (never
"running") with not one row written, and "Chạy lại" imports it whole.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from nqtrack.jobs.tests.support import free_port, skip_loudly
from nqtrack.testing import PASSWORD

SKIP_REASON = (
    "!!! SQLite: the production smoke test (gunicorn + db_worker processes) SKIPPED. "
    "Production runs them on PostgreSQL, and only PostgreSQL lets several processes share "
    "the test database: run the PostgreSQL leg of `make test`."
)

BIG = 60_000  # rows of the import that is interrupted
DEADLINE = 40.0  # seconds any one wait may take; the whole test stays under a minute


def server_url(dbname: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def query(dbname: str, sql: str, params: list[Any] | None = None) -> Any:
    import psycopg

    with psycopg.connect(server_url(dbname)) as conn:
        return conn.execute(sql, params or []).fetchone()


SEED = textwrap.dedent(
    """
    import datetime as dt
    from nqtrack.testing import build_tree
    from nqtrack.dissemination import sessions
    from django.db import connection
    from nqtrack.dissemination.tests.support import build_world
    tree = build_tree()
    world = build_world(tree)
    small = sessions.study_session_create(
        by=tree.commune_office, organizer=tree.xa, documents=[world.resolution],
        held_on=dt.date(2025, 2, 20),
    )
    with connection.cursor() as cursor:  # a large cell, written as fast as the server can
        cursor.execute(
            "INSERT INTO dissemination_member (code, full_name, sex, posts,"
            " exempt_party_activities, ill_health, retired, rural_no_post, created_at,"
            " updated_at, organization_id)"
            " SELECT 'BIG' || lpad(i::text, 6, '0'), 'Đảng viên ' || i, 'male', '', false,"
            " false, false, false, now(), now(), %s FROM generate_series(0, %s - 1) i",
            [tree.cb.pk, __BIG__],
        )
    big = sessions.study_session_create(
        by=tree.commune_office, organizer=tree.xa, documents=[world.resolution],
        held_on=dt.date(2025, 3, 20), invite_members=False,
    )
    print("SESSIONS", small.pk, big.pk, tree.commune_office.username)
    """
)


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, multipart uploads."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=30) as r:
            return r.geturl(), r.read().decode()

    def json(self, path: str) -> dict[str, Any]:
        return json.loads(self.get(path)[1])

    def post(
        self, path: str, fields: dict[str, str], file: tuple[str, bytes] | None = None
    ) -> tuple[str, str]:
        _url, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token on {path}"
        fields = {"csrfmiddlewaretoken": token.group(1), **fields}
        return self.submit(path, fields, file)

    def submit(
        self, path: str, fields: dict[str, str], file: tuple[str, bytes] | None = None
    ) -> tuple[str, str]:
        headers = {"Referer": self.base + path}
        if file is None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                f"{v}\r\n".encode()
                for k, v in fields.items()
            ]
            name, data = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
                f"\r\nContent-Type: text/csv\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with self.opener.open(request, timeout=60) as r:
            return r.geturl(), r.read().decode()


def wait_for(what: str, check: Callable[[], Any], *, every: float = 0.05) -> Any:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


def attendance_csv(codes: list[str]) -> bytes:
    lines = ["Mã đảng viên,Tình trạng", *(f"{c},có mặt" for c in codes)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def stack(tmp_path) -> Iterator[dict[str, Any]]:
    if connection.vendor != "postgresql":
        skip_loudly(SKIP_REASON)
    dbname = f"nqtrack_smoke_{os.getpid()}"
    admin_sql(f"DROP DATABASE IF EXISTS {dbname}")
    admin_sql(f"CREATE DATABASE {dbname}")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": server_url(dbname),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "NQTRACK_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "smoke-test-" + uuid.uuid4().hex,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "NQTRACK_TASKS_BACKEND": "database",
        "NQTRACK_WORKER_HEARTBEAT_SECONDS": "1",
        "NQTRACK_IMPORT_PROGRESS_EVERY": "5000",
    }
    env.pop("NQTRACK_ALLOW_INSECURE_KEY", None)
    processes: list[subprocess.Popen[bytes]] = []
    logs = tmp_path / "logs"
    logs.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "nqtrack", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(name: str, *command: str) -> subprocess.Popen[bytes]:
        log = (logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(list(command), env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(proc)
        return proc

    def worker(name: str) -> subprocess.Popen[bytes]:
        return start(
            name,
            sys.executable,
            "-m",
            "nqtrack",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "--worker-id",
            name,
        )

    began = time.monotonic()

    def mark(what: str) -> None:
        print(f"smoke: {what} at {time.monotonic() - began:.1f} s", file=sys.stderr)

    try:
        run("migrate", "--noinput", "-v", "0")
        mark("migrated")
        # gunicorn boots while the data is seeded: the fresh database is migrated already
        start(
            "gunicorn",
            sys.executable,
            "-m",
            "gunicorn",
            "nqtrack.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
        )
        small, big, username = (
            run("shell", "-c", SEED.replace("__BIG__", str(BIG))).split("SESSIONS ")[1].split()
        )
        mark("seeded")
        browser = Browser(f"http://127.0.0.1:{port}")
        wait_for("gunicorn", lambda: _answers(browser), every=0.2)
        mark("gunicorn answers")
        yield {
            "db": dbname,
            "browser": browser,
            "worker": worker,
            "small": int(small),
            "big": int(big),
            "username": username,
            "logs": logs,
            "mark": mark,
        }
    finally:
        for proc in processes:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        admin_sql(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


def _answers(browser: Browser) -> bool:
    try:
        browser.get("/dang-nhap/")
    except OSError:
        return False
    return True


def upload_attendance(browser: Browser, session: int, data: bytes) -> int:
    path = f"/hoc-tap/hoi-nghi/{session}/nhap-diem-danh/"
    _url, checked = browser.post(path, {}, file=("diem-danh.csv", data))
    assert 'name="step" value="apply"' in checked, "the dry run refused the file"
    url, _page = browser.post(path, {"step": "apply"})
    found = re.search(r"/hoc-tap/nhap/(\d+)/$", url)
    assert found, f"not redirected to the job page: {url}"
    return int(found.group(1))


def test_gunicorn_and_a_worker_import_over_http_and_a_killed_worker_leaves_no_rows(stack):
    browser: Browser = stack["browser"]
    url, _page = browser.post("/dang-nhap/", {"username": stack["username"], "password": PASSWORD})
    assert "/dang-nhap/" not in url, "login failed"
    first = stack["worker"]("smoke-worker-1")

    # A small attendance file, through the web page, finished by the worker.
    job = upload_attendance(browser, stack["small"], attendance_csv(["CB1-01", "CB1-02", "CB2-01"]))
    done = wait_for(
        "the first import",
        lambda: (d := browser.json(f"/hoc-tap/nhap/{job}/tien-do/"))["done"] and d,
    )
    assert (done["status"], done["processed"], done["total"]) == ("done", 3, 3)
    assert query(stack["db"], "SELECT count(*) FROM jobs_workerheartbeat")[0] == 1

    # A larger one: the worker is killed while it writes.
    codes = [f"BIG{i:06d}" for i in range(BIG)]
    big_job = upload_attendance(browser, stack["big"], attendance_csv(codes))
    progress = wait_for(
        "the writing phase",
        lambda: (
            (d := browser.json(f"/hoc-tap/nhap/{big_job}/tien-do/"))["phase"] == "writing" and d
        ),
        every=0.02,
    )
    stack["mark"](f"writing {progress['processed']}/{progress['total']}: SIGKILL")
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert progress["status"] == "running"
    second = stack["worker"]("smoke-worker-2")

    ended = wait_for(
        "the interrupted job to end",
        lambda: (d := browser.json(f"/hoc-tap/nhap/{big_job}/tien-do/"))["done"] and d,
        every=0.2,
    )
    rows = query(
        stack["db"],
        "SELECT count(*) FROM dissemination_attendance WHERE session_id = %s",
        [stack["big"]],
    )[0]
    stack["mark"](f"interrupted import ended {ended['status']}, {rows} rows of its session")
    if ended["status"] == "failed":
        assert rows == 0, f"{rows} half-written rows"
        message = " ".join(e for err in ended["errors"] for e in err["errors"])
        assert "Tiến trình chạy nền đã dừng" in message and ended["can_run_again"]
        _url, page = browser.get(f"/hoc-tap/nhap/{big_job}/")
        assert "Chạy lại" in page
        browser.submit(
            f"/hoc-tap/nhap/{big_job}/chay-lai/",
            {"csrfmiddlewaretoken": _csrf(page)},
        )
        ended = wait_for(
            "the import run again",
            lambda: (d := browser.json(f"/hoc-tap/nhap/{big_job}/tien-do/"))["done"] and d,
            every=0.2,
        )
        rows = query(
            stack["db"],
            "SELECT count(*) FROM dissemination_attendance WHERE session_id = %s",
            [stack["big"]],
        )[0]
    stack["mark"](f"import ended {ended['status']}")
    assert ended["status"] == "done", ended
    assert rows == BIG
    assert second.poll() is None  # the new worker is still serving
    assert not Path(stack["logs"] / "gunicorn.log").read_text().count("Traceback")


def _csrf(page: str) -> str:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    return token.group(1)
