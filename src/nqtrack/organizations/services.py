"""Writes to the organization tree. Each function is one transaction and is audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, audit_refusal, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.organizations.models import (
    Level,
    Organization,
    OrganizationKind,
    Role,
    SecurityLevel,
    User,
)
from nqtrack.organizations.signals import subtree_moved

AUDITED = (
    "code",
    "name",
    "short_name",
    "abbreviation",
    "kind",
    "level",
    "parent",
    "valid_from",
    "valid_to",
    "successor",
)


def _set_path(org: Organization) -> None:
    parent_path = org.parent.path if org.parent else "/"
    org.path = f"{parent_path}{org.pk}/"
    org.depth = org.path.count("/") - 2


def _validate(org: Organization) -> None:
    errors: dict[str, list[str]] = {}
    if not org.code.strip():
        errors["code"] = [_("The code is required.")]
    elif Organization.objects.filter(code=org.code).exclude(pk=org.pk).exists():
        errors["code"] = [
            _("Another organization already has the code %(code)s.") % {"code": org.code}
        ]
    if not org.name.strip():
        errors["name"] = [_("The name is required.")]
    if org.kind not in OrganizationKind.values:
        errors["kind"] = [_("Unknown organization kind: %(kind)s.") % {"kind": org.kind}]
    if org.valid_from and org.valid_to and org.valid_to < org.valid_from:
        errors["valid_to"] = [_("The end of validity cannot be before its start.")]
    if errors:
        raise ValidationError(errors)


def _check_parent(by: User | None, parent: Organization | None) -> None:
    """A new or moved organization hangs under a live organization; only a superuser (or the
    system itself) may make a root."""
    if parent is None:
        if by is not None and not by.is_superuser:
            raise field_error("parent", _("Choose the parent organization."))
        return
    if parent.valid_to is not None:
        raise field_error(
            "parent",
            _("%(name)s was dissolved; choose an organization that still exists.")
            % {"name": parent.name},
        )


@transaction.atomic
def organization_create(
    *,
    by: User | None,
    code: str,
    name: str,
    kind: str,
    level: Level,
    parent: Organization | None = None,
    short_name: str = "",
    abbreviation: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    successor: Organization | None = None,
) -> Organization:
    org = Organization(
        code=code.strip(),
        name=name.strip(),
        short_name=short_name.strip(),
        abbreviation=(abbreviation or code).strip(),
        kind=kind,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        successor=successor,
    )
    _validate(org)
    _check_parent(by, parent)
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    audit_record(
        actor=by,
        action="create",
        obj=org,
        organization=org,
        changes=diff({}, snapshot(org, AUDITED)),
    )
    return org


@transaction.atomic
def organization_update(
    *, by: User | None, organization: Organization, **values: Any
) -> Organization:
    """Change plain fields. Moving goes through organization_move, merging through _merge."""
    allowed = {
        "code",
        "name",
        "short_name",
        "abbreviation",
        "kind",
        "level",
        "valid_from",
        "valid_to",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not updatable here: {sorted(unknown)}")
    before = snapshot(organization, AUDITED)
    for key, value in values.items():
        setattr(organization, key, value.strip() if isinstance(value, str) else value)
    if not organization.abbreviation:
        organization.abbreviation = organization.code
    _validate(organization)
    organization.save()
    changes = diff(before, snapshot(organization, AUDITED))
    if changes:
        audit_record(
            actor=by, action="update", obj=organization, organization=organization, changes=changes
        )
    return organization


@transaction.atomic
def organization_move(
    *, by: User | None, organization: Organization, new_parent: Organization | None
) -> Organization:
    """Re-hang an organization and its whole subtree under another parent."""
    if new_parent is not None and new_parent.path.startswith(organization.path):
        raise field_error(
            "parent",
            _("An organization cannot be moved under itself or one of its own subordinates."),
        )
    _check_parent(by, new_parent)
    before = snapshot(organization, AUDITED)
    old_path = organization.path
    organization.parent = new_parent
    _set_path(organization)
    organization.save(update_fields=["parent", "path", "depth"])
    for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=organization.pk):
        child.path = organization.path + child.path[len(old_path) :]
        child.depth = child.path.count("/") - 2
        child.save(update_fields=["path", "depth"])
    subtree_moved.send(sender=Organization, organization=organization, old_path=old_path)
    audit_record(
        actor=by,
        action="move",
        obj=organization,
        organization=organization,
        changes=diff(before, snapshot(organization, AUDITED)),
    )
    return organization


@transaction.atomic
def organization_merge(
    *,
    by: User | None,
    sources: list[Organization],
    into: Organization,
    on: datetime.date,
    move_children: bool = True,
) -> Organization:
    """Dissolve `sources` on date `on` into the successor `into`, keeping their history.

    Each source keeps its records and gets valid_to and successor; its still-valid
    subordinates move under the successor so they keep rolling up.
    """
    if not sources:
        raise field_error("sources", _("Choose at least one organization to merge."))
    for source in sources:
        if source.pk == into.pk:
            raise field_error("into", _("An organization cannot be merged into itself."))
        if into.path.startswith(source.path):
            raise field_error(
                "into",
                _("The successor cannot be a subordinate of %(name)s.") % {"name": source.name},
            )
        if source.valid_to is not None:
            raise field_error(
                "sources",
                _("%(name)s was already dissolved on %(date)s.")
                % {"name": source.name, "date": source.valid_to.strftime("%d/%m/%Y")},
            )
        if source.valid_from and on < source.valid_from:
            raise field_error(
                "on", _("The merge date is before %(name)s existed.") % {"name": source.name}
            )
    for source in sources:
        if move_children:
            for child in source.children.filter(valid_to__isnull=True):
                organization_move(by=by, organization=child, new_parent=into)
        before = snapshot(source, AUDITED)
        source.valid_to = on
        source.successor = into
        source.save(update_fields=["valid_to", "successor"])
        audit_record(
            actor=by,
            action="merge",
            obj=source,
            organization=source,
            changes=diff(before, snapshot(source, AUDITED)),
        )
    return into


def user_calendar_token(*, user: User, renew: bool = False) -> str:
    """The secret in the user's calendar feed address, created on first use."""
    import secrets

    if renew or not user.calendar_token:
        user.calendar_token = secrets.token_urlsafe(24)
        user.save(update_fields=["calendar_token"])
        audit_record(actor=user, action="calendar_token", obj=user, organization=user.organization)
    return user.calendar_token


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)


USER_AUDITED = ("username", "full_name", "organization", "role", "clearance", "is_active")


def _refusal(field: str, message: str) -> ValidationError:
    """A change refused by the rules of who may grant what (audited), not a typing error."""
    error = field_error(field, message)
    error.refusal = True  # type: ignore[attr-defined]
    return error


def _check_user_values(by: User, organization: Organization, clearance: str) -> None:
    if by.is_superuser:
        return
    if not by.can_administer or by.organization is None:
        raise PermissionDenied(_("Only administrators may manage users."))
    if not organization.path.startswith(by.organization.path):
        raise _refusal("organization", _("Choose an organization within your own scope."))
    if clearance not in SecurityLevel.up_to(by.clearance):
        raise _refusal("clearance", _("You cannot grant a clearance above your own."))


def _check_target(by: User, user: User, values: dict[str, Any], password: str) -> None:
    """Whom an administrator may change, before any value is applied."""
    if by.is_superuser:
        return
    if user.clearance not in SecurityLevel.up_to(by.clearance):
        raise PermissionDenied(
            _(
                "%(name)s holds a clearance above yours: only an administrator with that "
                "clearance may change the account or reset its password."
            )
            % {"name": user}
        )
    if user.pk == by.pk:
        for key in ("clearance", "role"):
            if key in values and values[key] != getattr(user, key):
                raise _refusal(
                    key,
                    _(
                        "You cannot change your own role or clearance; "
                        "ask an administrator above you."
                    ),
                )


def _audited_refusals(by: User, obj: Any, what: str, work: Any) -> Any:
    """Run `work` in a transaction; record a refusal after the rollback, so that it stays."""
    try:
        with transaction.atomic():
            return work()
    except PermissionDenied as exc:
        audit_refusal(actor=by, obj=obj, what=what, reason=str(exc))
        raise
    except ValidationError as exc:
        if getattr(exc, "refusal", False):
            audit_refusal(actor=by, obj=obj, what=what, reason=" ".join(exc.messages))
        raise


def user_create(*, by: User, **values: Any) -> User:
    """Create a user of the administrator's subtree (refusals audited)."""
    return _audited_refusals(
        by,
        by,
        f"user_create {values.get('username', '')}",
        lambda: _user_create(by=by, **values),
    )


def _user_create(
    *,
    by: User,
    username: str,
    password: str,
    organization: Organization,
    full_name: str = "",
    role: str = Role.VIEWER,
    clearance: str = SecurityLevel.NORMAL,
    email: str = "",
) -> User:
    _check_user_values(by, organization, clearance)
    username = username.strip()
    if not username:
        raise field_error("username", _("The username is required."))
    if User.objects.filter(username__iexact=username).exists():
        raise field_error("username", _("The username %(name)s is taken.") % {"name": username})
    user = User(
        username=username,
        full_name=full_name.strip(),
        organization=organization,
        role=role,
        clearance=clearance,
        email=email.strip(),
    )
    _set_password(user, password)
    user.save()
    audit_record(
        actor=by,
        action="create",
        obj=user,
        organization=organization,
        changes=diff({}, snapshot(user, USER_AUDITED)),
    )
    return user


def user_update(*, by: User, user: User, password: str = "", **values: Any) -> User:
    """Change a user's details, role, clearance or password (refusals audited)."""
    what = "user_update " + ", ".join(sorted([*values, *(["password"] if password else [])]))
    try:
        return _audited_refusals(
            by, user, what, lambda: _user_update(by=by, user=user, password=password, **values)
        )
    except (PermissionDenied, ValidationError):
        user.refresh_from_db()  # the caller's copy shows the stored values, not the refused ones
        raise


def _user_update(*, by: User, user: User, password: str = "", **values: Any) -> User:
    allowed = {"full_name", "organization", "role", "clearance", "is_active", "email"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not updatable here: {sorted(unknown)}")
    _check_target(by, user, values, password)
    before = snapshot(user, USER_AUDITED)
    for key, value in values.items():
        setattr(user, key, value.strip() if isinstance(value, str) else value)
    if user.organization is None:
        raise field_error("organization", _("Choose an organization."))
    _check_user_values(by, user.organization, user.clearance)
    if user.pk == by.pk and not user.is_active:
        raise field_error("is_active", _("You cannot deactivate your own account."))
    if password:
        _set_password(user, password)
    user.save()
    changes = diff(before, snapshot(user, USER_AUDITED))
    if password:
        changes["password"] = ["", "********"]  # that it changed, never the value
    if changes:
        audit_record(
            actor=by, action="update", obj=user, organization=user.organization, changes=changes
        )
    return user
