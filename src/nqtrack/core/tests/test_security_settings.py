"""Production settings pass Django's deployment check; every page carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from nqtrack.organizations import services

PROJECT = Path(__file__).resolve().parents[4]


def test_a_production_environment_passes_check_deploy_without_warnings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET_KEY", "NQTRACK_ALLOW", "SECURE_", "DEBUG", "DJANGO_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        SECURE_COOKIES="1",
        ALLOWED_HOSTS="nqtrack.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        NQTRACK_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "nqtrack", "check", "--deploy"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts():
    response = Client().get("/dang-nhap/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "SameSite=Lax" in str(response.cookies["csrftoken"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678901234", "numeric"),
        ("ngan-qua", "shorter than 12"),
        ("{full_name}!", "close to the full name"),
        ("password1234", "common"),
    ],
)
def test_a_password_set_by_an_administrator_must_pass_the_validators(tree, password, reason):
    user = tree.commune_office
    user.full_name = "Nguyễn Văn Thành Long"
    password = password.format(full_name=user.full_name)
    with pytest.raises(ValidationError) as refused:
        services.user_update(by=tree.province_admin, user=user, password=password)
    assert "password" in refused.value.message_dict, reason
