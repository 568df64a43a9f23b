"""The one rule of secrecy: what a person may know of a document and of what derives from it.

Inside the system a document above a user's clearance, or outside their scope, does not exist
for them (see `selectors.documents_visible_to`). Text that leaves the system — e-mail, the
iCalendar feed, later webhooks — never carries the symbol, title, text or task text of a
document above "thường", whoever receives it: it names the security level and links to a page
that requires login. Every channel that writes text for a person about a document (a
notification, a digest line, a calendar event) asks this module first.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, SecurityLevel, User


def is_classified(security_level: str) -> bool:
    """Above "thường" (normal): Mật, Tối mật, Tuyệt mật."""
    return security_level != SecurityLevel.NORMAL


def in_scope(user: User, owner: Organization) -> bool:
    """The registry `owner` is the user's own, in their subtree, or one of their ancestors'."""
    if user.is_superuser:
        return True
    org = user.organization
    if org is None:
        return False
    return owner.path.startswith(org.path) or owner.path in org.ancestor_paths()


def cleared_for(user: User, security_level: str) -> bool:
    return user.is_superuser or security_level in SecurityLevel.up_to(user.clearance)


def may_know(user: User, document: Document) -> bool:
    """The same answer as `documents_visible_to(user)` for one loaded document, in memory."""
    if not user.is_active:
        return False
    return cleared_for(user, document.security_level) and in_scope(user, document.owner)


def level_label(security_level: str) -> str:
    return str(SecurityLevel(security_level).label)


def outbound_document(document: Document) -> str:
    """How a document is named in text that leaves the system."""
    if is_classified(document.security_level):
        return _("a document marked %(level)s") % {"level": level_label(document.security_level)}
    return document.symbol


def outbound_title(document: Document) -> str:
    """The title, or nothing for a classified document."""
    return "" if is_classified(document.security_level) else document.title


def outbound_task_text(document: Document, text: str) -> str:
    """A task's text, or a neutral phrase for a task of a classified document."""
    if is_classified(document.security_level):
        return _("a task of a document marked %(level)s (open NQTrack to read it)") % {
            "level": level_label(document.security_level)
        }
    return text
