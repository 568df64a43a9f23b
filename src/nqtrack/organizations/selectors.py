"""Reads of the organization tree, already scoped to what a user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nqtrack.organizations.models import Organization, User


def subtree(org: Organization, *, include_self: bool = True) -> QuerySet[Organization]:
    qs = Organization.objects.filter(path__startswith=org.path)
    return qs if include_self else qs.exclude(pk=org.pk)


def organizations_visible_to(user: User) -> QuerySet[Organization]:
    """The user's subtree plus the chain of ancestors above it (read-only context)."""
    qs = Organization.objects.select_related("level", "parent", "successor")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.none()
    return qs.filter(Q(path__startswith=org.path) | Q(path__in=org.ancestor_paths()))


def organizations_managed_by(user: User) -> QuerySet[Organization]:
    """Organizations the user may create, edit, move or merge: their own subtree."""
    qs = Organization.objects.select_related("level", "parent")
    if user.is_superuser:
        return qs
    if not user.can_administer or user.organization is None:
        return qs.none()
    return qs.filter(path__startswith=user.organization.path)


def access_organization_by_code(user: User, code: str) -> Organization:
    try:
        return organizations_visible_to(user).get(code=code)
    except Organization.DoesNotExist:
        raise Http404(_("No such organization.")) from None


def access_managed_organization_by_code(user: User, code: str) -> Organization:
    try:
        return organizations_managed_by(user).get(code=code)
    except Organization.DoesNotExist:
        raise Http404(_("No such organization.")) from None


def users_visible_to(user: User) -> QuerySet[User]:
    qs = User.objects.select_related("organization")
    if user.is_superuser:
        return qs
    if not user.can_administer or user.organization is None:
        return qs.none()
    return qs.filter(organization__path__startswith=user.organization.path)
