"""Who may write what in study and dissemination.

Office staff and administrators write for every unit of their subtree; a unit's reporter
writes for their own unit only; viewers read.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nqtrack.core.errors import PermissionDenied, field_error
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, Role, User


def in_subtree(user: User, org: Organization) -> bool:
    """The organization is the user's own or below it (a superuser sees every one)."""
    if user.is_superuser:
        return True
    return user.organization is not None and org.path.startswith(user.organization.path)


def can_manage_unit(user: User, org: Organization) -> bool:
    """May the user record members, sessions, essays and outreach of this organization?"""
    if user.is_superuser:
        return True
    if user.organization is None:
        return False
    if user.can_manage_documents:
        return org.path.startswith(user.organization.path)
    return user.role == Role.REPORTER and user.organization_id == org.pk


def units_managed_by(user: User) -> QuerySet[Organization]:
    """Active organizations the user may write for (choices of forms)."""
    qs = Organization.objects.filter(valid_to__isnull=True).select_related("level")
    if user.is_superuser:
        return qs
    if user.organization is None:
        return qs.none()
    if user.can_manage_documents:
        return qs.filter(path__startswith=user.organization.path)
    if user.role == Role.REPORTER:
        return qs.filter(pk=user.organization.pk)
    return qs.none()


def require_unit(by: User, org: Organization) -> None:
    """PermissionDenied unless the user may write for this organization."""
    if not can_manage_unit(by, org):
        raise PermissionDenied(
            _("You may not record study and dissemination for %(name)s.") % {"name": org.name}
        )


def require_document(by: User, document: Document) -> None:
    """A document the user may not see does not exist for them."""
    if not by.is_superuser and not documents_visible_to(by).filter(pk=document.pk).exists():
        raise field_error("document", _("No such document."))


def require_active(org: Organization, field: str) -> None:
    if org.valid_to is not None:
        raise field_error(
            field,
            _("%(name)s was dissolved; choose an organization that still exists.")
            % {"name": org.name},
        )
