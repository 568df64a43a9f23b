"""Repeated wrong passwords lock a login out; an administrator of the subtree unlocks it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nqtrack.core.models import AuditEvent
from nqtrack.testing import PASSWORD

pytestmark = pytest.mark.django_db
LOCKED_VI = "Đăng nhập sai quá nhiều lần"


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = _login(client, username, "sai-mat-khau")
        assert response.status_code in (200, 429)


def test_five_wrong_passwords_then_the_right_one_is_refused_with_a_vietnamese_message(tree):
    client = Client()
    _fail(client, "xa_vp", 4)
    assert "_auth_user_id" not in client.session

    fifth = _login(client, "xa_vp", "sai-mat-khau")
    assert fifth.status_code == 429

    right = _login(client, "xa_vp", PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED_VI in page and "15 phút" in page
    assert 'name="password"' in page  # still the login form
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_one_username_only(tree):
    client = Client()
    _fail(client, "xa_vp", 5)
    assert _login(client, "tinh_vp", PASSWORD).status_code == 302


def test_failures_below_the_limit_are_forgotten_after_a_successful_login(tree):
    client = Client()
    _fail(client, "xa_vp", 4)
    assert _login(client, "xa_vp", PASSWORD).status_code == 302
    client.logout()
    _fail(client, "xa_vp", 4)
    assert _login(client, "xa_vp", PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_user_of_the_subtree_and_it_is_audited(tree):
    _fail(Client(), "xa_vp", 5)
    admin = Client()
    admin.force_login(tree.province_admin)
    page = admin.get(reverse("organizations:user-edit", args=["xa_vp"])).content.decode()
    assert 'data-testid="login-locked"' in page and "Mở khóa đăng nhập" in page

    response = admin.post(reverse("organizations:user-unlock", args=["xa_vp"]))
    assert response.status_code == 302

    event = AuditEvent.objects.get(action="login_unlock", object_id=str(tree.commune_office.pk))
    assert event.actor == tree.province_admin
    assert event.changes == {"failed_logins": [5, 0]}
    assert _login(Client(), "xa_vp", PASSWORD).status_code == 302


def test_a_user_outside_the_admins_subtree_cannot_be_unlocked(tree):
    _fail(Client(), "tinhkhac", 5)
    admin = Client()
    admin.force_login(tree.province_admin)
    assert admin.post(reverse("organizations:user-unlock", args=["tinhkhac"])).status_code == 404
    assert _login(Client(), "tinhkhac", PASSWORD).status_code == 429


def test_an_office_user_cannot_unlock(tree):
    _fail(Client(), "xa_vp", 5)
    office = Client()
    office.force_login(tree.province_office)
    assert office.post(reverse("organizations:user-unlock", args=["xa_vp"])).status_code == 403
