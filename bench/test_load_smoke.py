"""A tiny run of the load test (`make bench-load`): gunicorn really serves logged-in users.

Runs bench.load as its own process on its own SQLite file (the test database of pytest is
not shared with gunicorn's workers), 3 users for 3 seconds on 1,000 tasks. It checks the
report, not the speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import gunicorn"], check=False).returncode != 0,
    reason="gunicorn is not installed",
)
def test_logged_in_users_get_every_page_without_error(tmp_path):
    out = tmp_path / "load.json"
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///var/test-load-source.sqlite3",
        "NQTRACK_ALLOW_INSECURE_KEY": "1",
        "NQTRACK_API_THROTTLING": "0",
        "PYTHONPATH": str(PROJECT / "src"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            "--scale",
            "0.01",
            "--users",
            "3",
            "--duration",
            "3",
            "--think",
            "0.1-0.3",
            "--db-name",
            "nqtrack_bench_load_smoke",
            "--json",
            str(out),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "requests/s" in done.stdout or "req/s" in done.stdout, done.stdout[-2000:]
    report = json.loads(out.read_text())
    level = report["levels"][0]
    assert level["users"] == 3
    kinds = {"rollup", "list", "list_filtered", "inbox", "api_list"}
    assert set(level["kinds"]) <= kinds and len(level["kinds"]) >= 3
    assert level["all"]["requests"] > 0 and level["all"]["requests_per_s"] > 0
    assert report["errors"] == 0 and level["all"]["errors"] == 0, level
