"""Administrators manage the users of their own subtree, never above their own clearance."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from nqtrack.core.models import AuditEvent
from nqtrack.organizations import services
from nqtrack.organizations.models import User

pytestmark = pytest.mark.django_db
STRONG = "Lao-Cai-2025-an-toan"


def test_an_admin_creates_a_user_in_a_commune_of_its_subtree_and_it_is_audited(tree):
    user = services.user_create(
        by=tree.province_admin,
        username="xa_moi",
        password=STRONG,
        organization=tree.xa,
        role="reporter",
        clearance="secret",
    )
    assert user.check_password(STRONG)
    assert (user.organization, user.role, user.clearance) == (tree.xa, "reporter", "secret")
    event = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
    assert event.actor == tree.province_admin and "password" not in event.changes


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"organization": "tu2"}, "organization"),  # another province
        ({"clearance": "top_secret", "by": "commune_admin"}, "clearance"),
        ({"username": "TINH_VP"}, "username"),  # taken, whatever the case
        ({"password": "123"}, "password"),  # too short, too common
    ],
)
def test_bad_user_values_are_refused_on_their_field_and_nothing_is_written(tree, values, field):
    commune_admin = User.objects.create_user(
        username="xa_qt", organization=tree.xa, role="admin", clearance="normal"
    )
    by = commune_admin if values.get("by") == "commune_admin" else tree.province_admin
    org = tree.tu2 if values.get("organization") == "tu2" else tree.xa
    before = User.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            by=by,
            username=values.get("username", "moi"),
            password=values.get("password", STRONG),
            organization=org,
            clearance=values.get("clearance", "normal"),
        )
    assert field in exc.value.message_dict
    assert User.objects.count() == before


def test_office_staff_cannot_manage_users(tree):
    with pytest.raises(PermissionDenied):
        services.user_create(
            by=tree.province_office, username="moi", password=STRONG, organization=tree.xa
        )


def test_an_admin_changes_a_role_resets_a_password_but_cannot_deactivate_itself(tree):
    user = services.user_update(
        by=tree.province_admin, user=tree.commune_office, role="viewer", password=STRONG
    )
    assert user.role == "viewer" and user.check_password(STRONG)
    event = AuditEvent.objects.filter(object_type="user", action="update").get()
    assert event.changes["role"] == ["office", "viewer"]
    with pytest.raises(ValidationError):
        services.user_update(by=tree.province_admin, user=tree.province_admin, is_active=False)


def test_the_users_page_lists_only_the_admins_subtree_and_edits_in_place(tree):
    client = Client()
    client.force_login(tree.province_admin)
    page = client.get("/to-chuc/nguoi-dung/").content.decode()
    assert "xa_vp" in page and "tinhkhac" not in page
    assert client.get("/to-chuc/nguoi-dung/tinhkhac/").status_code == 404
    response = client.post(
        "/to-chuc/nguoi-dung/xa_vp/",
        {
            "full_name": "Nguyễn Văn Xã",
            "organization": tree.xa.pk,
            "role": "reporter",
            "clearance": "normal",
            "is_active": "on",
            "password": "",
        },
    )
    assert response.status_code == 302
    tree.commune_office.refresh_from_db()
    assert (tree.commune_office.role, tree.commune_office.full_name) == (
        "reporter",
        "Nguyễn Văn Xã",
    )
    viewer = Client()
    viewer.force_login(tree.province_viewer)
    assert viewer.get("/to-chuc/nguoi-dung/").status_code == 403


def test_a_new_user_created_on_the_page_can_log_in(tree):
    client = Client()
    client.force_login(tree.province_admin)
    client.post(
        "/to-chuc/nguoi-dung/them/",
        {
            "username": "xa_moi",
            "organization": tree.xa.pk,
            "role": "viewer",
            "clearance": "normal",
            "password": STRONG,
        },
    )
    assert Client().login(username="xa_moi", password=STRONG)
