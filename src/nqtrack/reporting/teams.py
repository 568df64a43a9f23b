"""Review teams (tổ rà soát): who follows which notices, and what those notices still owe.

Services and selectors of one concept, kept apart from the reporting rounds.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import tasks_visible_to, with_status
from nqtrack.assignments.services import can_assign
from nqtrack.assignments.status import CARRIED_OVER, OVERDUE
from nqtrack.core.audit import audit_record
from nqtrack.core.errors import PermissionDenied, field_error
from nqtrack.documents.models import Document, Field
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.reporting.models import FollowedNotice, ReviewTeam

# Types of documents a review team follows by default: conclusions and conclusion notices.
NOTICE_TYPES = ("TB", "KL")


@transaction.atomic
def team_create(
    *,
    by: User,
    owner: Organization,
    name: str,
    fields: Sequence[Field] = (),
    members: Sequence[User] = (),
) -> ReviewTeam:
    if not can_assign(by, owner):
        raise PermissionDenied(_("You may not set up review teams for this office."))
    if not name.strip():
        raise field_error("name", _("Name the team."))
    outside = [
        m
        for m in members
        if m.organization is None or not m.organization.path.startswith(owner.path)
    ]
    if outside:
        raise field_error(
            "members",
            _("%(name)s does not work under %(office)s.")
            % {"name": outside[0], "office": owner.name},
        )
    team = ReviewTeam.objects.create(owner=owner, name=name.strip())
    team.fields.set(fields)
    team.members.set(members)
    audit_record(
        actor=by, action="create", obj=team, organization=owner, changes={"name": [None, team.name]}
    )
    return team


@transaction.atomic
def team_follow(*, by: User, team: ReviewTeam, documents: Sequence[Document]) -> int:
    """Give notices to a team; a notice followed by another team moves to this one."""
    if not can_assign(by, team.owner):
        raise PermissionDenied(_("You may not change this review team."))
    for document in documents:
        if not document.owner.path.startswith(team.owner.path):
            raise field_error(
                "documents",
                _("%(symbol)s is not in %(office)s's registry.")
                % {"symbol": document.symbol, "office": team.owner.name},
            )
        FollowedNotice.objects.update_or_create(document=document, defaults={"team": team})
    audit_record(
        actor=by,
        action="follow",
        obj=team,
        organization=team.owner,
        changes={"documents": [None, [d.symbol for d in documents]]},
    )
    return len(documents)


def unassigned_notices_for(team: ReviewTeam) -> QuerySet[Document]:
    """Notices of the team's fields in its office's registry that no team follows yet."""
    return (
        Document.objects.filter(
            owner=team.owner,
            doc_type__in=NOTICE_TYPES,
            fields__in=team.fields.all(),
            review_team_link__isnull=True,
        )
        .distinct()
        .order_by("-signed_on")
    )


def teams_visible_to(user: User) -> QuerySet[ReviewTeam]:
    qs = ReviewTeam.objects.select_related("owner").annotate(notice_count=Count("notices"))
    if user.is_superuser:
        return qs
    if user.organization is None:
        return qs.none()
    return qs.filter(owner__path__startswith=user.organization.path)


def access_team_by_id(user: User, team_id: int) -> ReviewTeam:
    try:
        return teams_visible_to(user).get(pk=team_id)
    except ReviewTeam.DoesNotExist:
        raise Http404(_("No such review team.")) from None


@dataclass(frozen=True)
class TeamView:
    notices: list[Document]
    tasks: list[Task]
    late_units: list[tuple[Organization, int]]  # lead units with overdue or carried-over tasks


def team_overview(user: User, team: ReviewTeam, *, today: datetime.date) -> TeamView:
    notices = list(
        documents_visible_to(user).filter(review_team_link__team=team).order_by("-signed_on")
    )
    tasks = list(
        with_status(tasks_visible_to(user), today=today)
        .filter(source_document__in=notices)
        .select_related("lead", "source_document")
        .order_by("due_on", "id")
    )
    late = Counter(t.lead for t in tasks if t.status in (OVERDUE, CARRIED_OVER))  # type: ignore[attr-defined]
    return TeamView(
        notices=notices,
        tasks=tasks,
        late_units=sorted(late.items(), key=lambda item: (-item[1], item[0].name)),
    )
