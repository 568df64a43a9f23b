"""/healthz: 200 when the installation can serve, 503 naming the failed check otherwise."""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from nqtrack.ops import selectors

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PROJECT = Path(__file__).resolve().parents[4]
JOBS_INSTALLED = apps.is_installed("nqtrack.jobs")


@pytest.fixture
def worker_beat_at(monkeypatch):
    """Records a running worker's heartbeat at the given time (None: no worker ever ran)."""

    def beat(at: datetime.datetime | None) -> None:
        if JOBS_INSTALLED:
            from nqtrack.jobs.models import WorkerHeartbeat

            WorkerHeartbeat.objects.all().delete()
            if at is not None:
                WorkerHeartbeat.objects.create(
                    worker_id="host-1", host="host", pid=1, started_at=at, beat_at=at
                )
        else:
            monkeypatch.setattr(selectors, "last_worker_heartbeat", lambda: at)

    return beat


def _get(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


@time_machine.travel(NOW, tick=False)
def test_healthy_installation_answers_200_without_login(client, worker_beat_at, settings):
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 120
    worker_beat_at(NOW - datetime.timedelta(seconds=30))
    status, body = _get(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["migrations"] == {"status": "ok", "unapplied": 0}
    assert body["checks"]["worker"]["status"] == "ok"
    assert body["checks"]["worker"]["age_seconds"] == 30


def test_an_unapplied_migration_answers_503_naming_migrations(client, settings):
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 0
    loader = MigrationLoader(connection)
    app_label, name = max(node for node in loader.graph.leaf_nodes() if node[0] == "documents")
    MigrationRecorder(connection).record_unapplied(app_label, name)
    status, body = _get(client)
    assert status == 503
    assert body["failed"] == ["migrations"]
    assert body["checks"]["migrations"] == {"status": "fail", "reason": "unapplied", "unapplied": 1}


@time_machine.travel(NOW, tick=False)
def test_a_stale_worker_heartbeat_answers_503_naming_the_worker(client, worker_beat_at, settings):
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 120
    worker_beat_at(NOW - datetime.timedelta(minutes=10))
    status, body = _get(client)
    assert status == 503
    assert body["failed"] == ["worker"]
    worker = body["checks"]["worker"]
    assert worker["reason"] == "stale"
    assert worker["age_seconds"] == 600
    assert worker["max_age_seconds"] == 120


@time_machine.travel(NOW, tick=False)
def test_the_allowed_heartbeat_age_is_configurable(client, worker_beat_at, settings):
    worker_beat_at(NOW - datetime.timedelta(minutes=10))
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 900
    assert _get(client)[0] == 200
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 0  # the worker is not checked at all
    status, body = _get(client)
    assert status == 200
    assert body["checks"]["worker"]["status"] == "disabled"


def test_no_worker_ever_beating_is_reported(client, worker_beat_at, settings):
    settings.NQTRACK_HEALTH_WORKER_MAX_AGE = 120
    worker_beat_at(None)
    status, body = _get(client)
    assert status == 503
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"]["reason"] == "never"


def test_without_a_worker_app_the_worker_is_reported_not_configured():
    check = selectors.worker_check(
        now=timezone.now(),
        max_age=datetime.timedelta(seconds=120),
        heartbeat=lambda: selectors.NOT_CONFIGURED,
    )
    assert (check.status, check.details) == ("disabled", {"reason": "not_configured"})


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=False)
def test_under_gunicorn_a_database_that_does_not_answer_is_a_503_that_leaks_nothing(tmp_path):
    # A real server with the shipped gunicorn config, and a database port where nothing listens.
    dead_port = _free_port()
    port = _free_port()
    secret = "s3cret-password-in-url"
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://nqtrack:{secret}@127.0.0.1:{dead_port}/nqtrack_missing",
        NQTRACK_ALLOW_INSECURE_KEY="1",
        NQTRACK_BIND=f"127.0.0.1:{port}",
        NQTRACK_WEB_WORKERS="1",
        NQTRACK_VAR_DIR=str(tmp_path),
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "nqtrack.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = None
        for _attempt in range(150):  # wait for the server to listen, at most ~30 s
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as ok:
                    answer = (ok.status, ok.read().decode())
                    break
            except urllib.error.HTTPError as error:
                answer = (error.code, error.read().decode())
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert answer is not None, "gunicorn did not start"
        status, text = answer
        body = json.loads(text)
        assert status == 503
        assert body["failed"] == ["database"]
        assert body["checks"]["migrations"] == {"status": "skipped"}
        for leak in (secret, "nqtrack_missing", str(dead_port), "Traceback"):
            assert leak not in text
    finally:
        server.terminate()
        server.wait(timeout=30)
