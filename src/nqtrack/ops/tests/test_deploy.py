"""The files in deploy/ are checked by the tools that will read them on a server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[4]
DEPLOY = PROJECT / "deploy"
UNITS = DEPLOY / "systemd"
VENV_BIN = Path(sys.executable).parent
INSTALL_DIR = "/opt/nqtrack"


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


def _units_here(tmp_path: Path) -> Path:
    """The units with /opt/nqtrack pointing at this checkout, so ExecStart= paths exist."""
    (tmp_path / "env").write_text("DEBUG=0\n")
    for unit in UNITS.iterdir():
        text = unit.read_text()
        text = text.replace(f"{INSTALL_DIR}/.venv/bin", str(VENV_BIN))
        text = text.replace(INSTALL_DIR, str(PROJECT))
        text = text.replace("/etc/nqtrack/env", str(tmp_path / "env"))
        (tmp_path / unit.name).write_text(text)
    return tmp_path


def test_systemd_ships_web_worker_daily_and_backup_units():
    names = {unit.name for unit in UNITS.iterdir()}
    assert names == {
        "nqtrack-web.service",
        "nqtrack-worker@.service",
        "nqtrack-daily.service",
        "nqtrack-daily.timer",
        "nqtrack-backup.service",
        "nqtrack-backup.timer",
    }
    for unit in UNITS.glob("*.service"):
        assert "EnvironmentFile=/etc/nqtrack/env" in unit.read_text(), unit.name


def test_daily_timer_runs_reminders_at_six_vietnam_time_and_catches_up():
    timer = (UNITS / "nqtrack-daily.timer").read_text()
    assert "OnCalendar=*-*-* 06:00:00 Asia/Ho_Chi_Minh" in timer
    assert "Persistent=true" in timer
    assert "nqtrack send_reminders" in (UNITS / "nqtrack-daily.service").read_text()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    here = _units_here(tmp_path)
    units = [
        "nqtrack-web.service",
        "nqtrack-worker@1.service",
        "nqtrack-daily.service",
        "nqtrack-daily.timer",
        "nqtrack-backup.service",
        "nqtrack-backup.timer",
    ]
    result = _run(["systemd-analyze", "verify", "--man=no", *[str(here / u) for u in units]])
    # Unknown keys are only warnings: fail on any message about our own units too.
    ours = [line for line in result.stderr.splitlines() if "nqtrack" in line]
    assert result.returncode == 0 and not ours, result.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_timer_calendars_are_understood_by_systemd():
    for timer in UNITS.glob("*.timer"):
        (spec,) = re.findall(r"^OnCalendar=(.+)$", timer.read_text(), re.M)
        result = _run(["systemd-analyze", "calendar", spec])
        assert result.returncode == 0, result.stderr
        assert "Asia/Ho_Chi_Minh" in result.stdout


def test_gunicorn_accepts_the_config_and_loads_the_application():
    gunicorn = VENV_BIN / "gunicorn"
    assert gunicorn.exists(), "gunicorn is a dependency in pyproject.toml"
    env = dict(os.environ, NQTRACK_ALLOW_INSECURE_KEY="1")
    result = _run(
        [str(gunicorn), "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py"), "nqtrack.wsgi"],
        cwd=PROJECT,
        env=env,
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_config_takes_bind_and_workers_from_the_environment():
    env = dict(
        os.environ,
        NQTRACK_ALLOW_INSECURE_KEY="1",
        NQTRACK_BIND="127.0.0.1:9123",
        NQTRACK_WEB_WORKERS="3",
    )
    code = (
        "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py');"
        "print(c['bind'], c['workers'], c['timeout'], c['accesslog'])"
    )
    result = _run([sys.executable, "-c", code], cwd=PROJECT, env=env)
    assert result.stdout.split() == ["127.0.0.1:9123", "3", "60", "-"], result.stderr


def test_pyproject_pins_gunicorn():
    pyproject = (PROJECT / "pyproject.toml").read_text()
    assert re.search(r'"gunicorn==\d+\.\d+\.\d+"', pyproject)


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is needed for a test certificate")
def test_nginx_sample_passes_nginx_t(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = _run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=nqtrack.example.vn", "-keyout", str(key), "-out", str(cert)]
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = (DEPLOY / "nginx.conf.sample").read_text()
    site = site.replace("/etc/letsencrypt/live/nqtrack.example.vn/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/nqtrack.example.vn/privkey.pem", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n{temp_paths}"
        f"    include {tmp_path}/site.conf;\n}}\n"
    )
    result = _run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")])
    assert result.returncode == 0, result.stderr


def test_nginx_serves_uploads_only_through_the_internal_location():
    site = (DEPLOY / "nginx.conf.sample").read_text()
    protected = re.search(r"location /protected-media/ \{(.*?)\}", site, re.S)
    assert protected, "an internal /protected-media/ location"
    assert "internal;" in protected.group(1)
    assert "alias /var/lib/nqtrack/media/;" in protected.group(1)
    env = (DEPLOY / "env.example").read_text()
    assert "MEDIA_ROOT=/var/lib/nqtrack/media\n" in env
    assert "NQTRACK_X_ACCEL_REDIRECT=/protected-media/\n" in env


def _variables_read_by_the_code() -> set[str]:
    """env_*("NAME") anywhere in the application, every NQTRACK_* name an app's conf.py
    reads, and what gunicorn.conf.py takes from os.environ."""
    names: set[str] = set()
    for source in (PROJECT / "src/nqtrack").rglob("*.py"):
        if "tests" in source.parts:
            continue
        text = source.read_text()
        names |= set(re.findall(r"""env_\w+\(\s*["']([A-Z0-9_]+)["']""", text))
        if source.name == "conf.py":
            names |= set(re.findall(r"""["'](NQTRACK_[A-Z0-9_]+)["']""", text))
    gunicorn_conf = (DEPLOY / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r"""os\.environ\.get\(\s*["']([A-Z0-9_]+)["']""", gunicorn_conf))
    return names


def test_env_example_names_every_variable_the_settings_read():
    documented = set(
        re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    )
    # SECRET_KEY_FILE and friends: any text variable may come from a file.
    documented |= {name.removesuffix("_FILE") for name in documented}
    read = _variables_read_by_the_code()
    assert {
        "DATABASE_URL",
        "SECRET_KEY",
        "MEDIA_ROOT",
        "NQTRACK_BIND",
        "NQTRACK_MAIL_ATTEMPTS",
    } <= read
    assert read - documented == set()


def test_env_example_is_read_by_a_shell_as_systemd_reads_it(tmp_path):
    # Both systemd's EnvironmentFile= and `set -a; . env` must see the same values.
    script = f"set -a; . {DEPLOY / 'env.example'}; set +a; printf '%s\\n' \"$DEFAULT_FROM_EMAIL\""
    result = _run(["sh", "-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "NQTrack <nqtrack@example.vn>\n"
