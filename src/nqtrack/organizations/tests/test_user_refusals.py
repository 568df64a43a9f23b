"""What an administrator may not grant: each refusal is a clear message and is audited."""

from __future__ import annotations

import pytest

from nqtrack.core.errors import PermissionDenied, ValidationError
from nqtrack.core.models import AuditEvent
from nqtrack.organizations import services
from nqtrack.organizations.models import Role, SecurityLevel
from nqtrack.testing import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree):
    return UserFactory(
        username="tinh_qt2", organization=tree.tu, role=Role.ADMIN, clearance=SecurityLevel.SECRET
    )


def _refusals(by):
    return AuditEvent.objects.filter(actor=by, action="refused")


def test_an_administrator_cannot_grant_a_clearance_above_their_own(tree, admin):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            by=admin,
            username="moi",
            password="mat-khau-rat-dai-42",
            organization=tree.xa,
            clearance=SecurityLevel.TOP_SECRET,
        )
    assert "clearance" in exc.value.message_dict
    assert not type(admin).objects.filter(username="moi").exists()
    assert _refusals(admin).count() == 1


def test_an_administrator_cannot_raise_their_own_role_or_clearance(tree):
    commune_admin = UserFactory(organization=tree.xa, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        services.user_update(
            by=commune_admin, user=commune_admin, clearance=SecurityLevel.CONFIDENTIAL
        )
    office = UserFactory(organization=tree.xa, role=Role.OFFICE, clearance=SecurityLevel.SECRET)
    commune_admin.refresh_from_db()
    assert commune_admin.clearance == SecurityLevel.NORMAL
    assert _refusals(commune_admin).count() == 1
    # Nor reach a user whose clearance is above theirs, even to reset a password.
    with pytest.raises(PermissionDenied) as exc:
        services.user_update(by=commune_admin, user=office, password="mat-khau-moi-123456")
    assert "clearance" in str(exc.value) or "mật" in str(exc.value)
    office.refresh_from_db()
    assert office.check_password("mat-khau-thu-nghiem-42")
    assert _refusals(commune_admin).count() == 2


def test_an_administrator_cannot_place_a_user_outside_their_subtree(tree):
    commune_admin = UserFactory(organization=tree.xa, role=Role.ADMIN)
    member = UserFactory(organization=tree.cb, role=Role.OFFICE)
    with pytest.raises(ValidationError) as exc:
        services.user_update(by=commune_admin, user=member, organization=tree.tu2)
    assert "organization" in exc.value.message_dict
    member.refresh_from_db()
    assert member.organization == tree.cb
    assert _refusals(commune_admin).count() == 1
    # Changing details within scope still works and is audited as a change.
    services.user_update(by=commune_admin, user=member, full_name="Nguyễn Văn Bình")
    assert AuditEvent.objects.filter(actor=commune_admin, action="update").count() == 1
