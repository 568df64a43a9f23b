"""Reads for programmes and tasks."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from nqtrack.assignments.extraction import KnownOrg
from nqtrack.assignments.models import (
    ProgrammeRequirement,
    PublicHoliday,
    SubtreeTally,
    Task,
    TaskReach,
)
from nqtrack.assignments.status import (
    CANCELLED,
    CARRIED_OVER,
    CONTINUOUS,
    DONE_LATE,
    DONE_ON_TIME,
    DUE_SOON,
    NOT_DUE,
    OVERDUE,
    task_status,
)
from nqtrack.assignments.tallies import ALL_FIELDS, OPEN_MONTH, RELATED_OWNER
from nqtrack.assignments.tallies import OPEN as OPEN_STATE
from nqtrack.documents.models import Document, Relation, RelationKind
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, SecurityLevel, User


def public_holidays(*, start: datetime.date, end: datetime.date) -> frozenset[datetime.date]:
    """Days off between start and end (inclusive) from the configurable holiday table."""
    days = PublicHoliday.objects.filter(day__gte=start, day__lte=end)
    return frozenset(days.values_list("day", flat=True))


def status_of(task: Task, *, today: datetime.date, due_soon_days: int = 14) -> str:
    return task_status(
        due_on=task.due_on,
        continuous=task.deadline_kind == "continuous",
        completed_on=task.completed_on,
        cancelled=task.cancelled,
        today=today,
        due_soon_days=due_soon_days,
    )


def with_status(
    qs: QuerySet[Task], *, today: datetime.date, due_soon_days: int = 14
) -> QuerySet[Task]:
    """Annotate `status` in SQL, mirroring status.task_status, so lists can filter and count."""
    soon = today + datetime.timedelta(days=due_soon_days)
    year_start = today.replace(month=1, day=1)
    return qs.annotate(
        status=Case(
            When(cancelled=True, then=Value(CANCELLED)),
            When(
                completed_on__lte=today,
                due_on__isnull=False,
                completed_on__gt=F("due_on"),
                then=Value(DONE_LATE),
            ),
            When(completed_on__lte=today, then=Value(DONE_ON_TIME)),
            When(due_on__isnull=True, deadline_kind="continuous", then=Value(CONTINUOUS)),
            When(due_on__isnull=True, then=Value(NOT_DUE)),
            When(due_on__lt=year_start, then=Value(CARRIED_OVER)),
            When(due_on__lt=today, then=Value(OVERDUE)),
            When(due_on__lte=soon, then=Value(DUE_SOON)),
            default=Value(NOT_DUE),
            output_field=CharField(),
        )
    )


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Tasks the user's subtree leads, supports or assigned, from documents the user may see."""
    qs = Task.objects.select_related("lead", "assigned_by", "source_document")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.none()
    mine = (
        Q(lead__path__startswith=org.path)
        | Q(assigned_by__path__startswith=org.path)
        | Q(supporting__path__startswith=org.path)
    )
    ids = Task.objects.filter(mine, source_document__in=documents_visible_to(user)).values("id")
    return qs.filter(id__in=ids)


def _month_after(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def tally_read(today: datetime.date, due_soon_days: int = 14) -> tuple[Q, Case]:
    """Which SubtreeTally rows to read for a day, and their status (status.task_status).

    Open tasks are read by month where the whole month has one status, and by day in the
    month of today up to the month of the "due soon" horizon (assignments/tallies.py)."""
    soon = today + datetime.timedelta(days=due_soon_days)
    year_start = today.replace(month=1, day=1)
    low, high = today.replace(day=1), _month_after(soon)
    rows = (
        Q(state=OPEN_STATE, due_on__gte=low, due_on__lt=high)
        | Q(state=OPEN_MONTH, due_on__lt=low)
        | Q(state=OPEN_MONTH, due_on__gte=high)
        | ~Q(state__in=[OPEN_STATE, OPEN_MONTH])
    )
    status = Case(
        When(state=OPEN_MONTH, due_on__lt=year_start, then=Value(CARRIED_OVER)),
        When(state=OPEN_MONTH, due_on__lt=low, then=Value(OVERDUE)),
        When(state=OPEN_MONTH, then=Value(NOT_DUE)),
        When(state=OPEN_STATE, due_on__lt=year_start, then=Value(CARRIED_OVER)),
        When(state=OPEN_STATE, due_on__lt=today, then=Value(OVERDUE)),
        When(state=OPEN_STATE, due_on__lte=soon, then=Value(DUE_SOON)),
        When(state=OPEN_STATE, then=Value(NOT_DUE)),
        default=F("state"),
        output_field=CharField(),
    )
    return rows, status


def subtree_tallies_visible_to(user: User) -> QuerySet[SubtreeTally]:
    """The subtree counts of documents the user may see: documents_visible_to's clearance and
    registry rule on the kept owner. Rows of the lead's own line (RELATED_OWNER) are visible
    to whoever reads a subtree inside their own, the only roots task_rollup reads them for."""
    if user.is_superuser:
        return SubtreeTally.objects.all()
    org = user.organization
    if org is None:
        return SubtreeTally.objects.none()
    registries = Organization.objects.filter(
        Q(path__in=org.ancestor_paths()) | Q(path__startswith=org.path)
    ).values("pk")
    return SubtreeTally.objects.filter(
        Q(owner_id=RELATED_OWNER) | Q(owner_id__in=registries),
        security_level__in=SecurityLevel.up_to(user.clearance),
    )


def task_list_count(
    user: User,
    *,
    today: datetime.date,
    statuses: Collection[str] | None = None,
    led_only: bool = False,
) -> int:
    """How many tasks `tasks_visible_to(user)` holds on `today` (today or a later day), with
    one of `statuses` (every task when None), read from the maintained counts rather than the
    tasks: the tasks led in the user's subtree (SubtreeTally of the user's organization) plus
    the few reaching the organization through their assigning or supporting units
    (TaskReach). `led_only` leaves the second part out (`tasks_led_within` the user's own
    organization, what the inbox lists)."""
    read, status = tally_read(today)
    reached: QuerySet[Task] | None = None
    if user.is_superuser:
        roots = Organization.objects.filter(parent__isnull=True).values("pk")
        rows = SubtreeTally.objects.filter(organization__in=roots)
    else:
        org = user.organization
        if org is None:
            return 0
        rows = subtree_tallies_visible_to(user).filter(organization=org)
        if not led_only:
            reached = with_status(
                Task.objects.filter(
                    pk__in=TaskReach.objects.filter(organization=org).values("task_id"),
                    source_document__in=documents_visible_to(user),
                ),
                today=today,
            )
    rows = rows.filter(read, field=ALL_FIELDS).annotate(status=status)
    if statuses is not None:
        rows = rows.filter(status__in=list(statuses))
        if reached is not None:
            # "status" is with_status's annotation, which the type plugin cannot see
            reached = reached.filter(status__in=list(statuses))  # type: ignore[misc]
    n = rows.aggregate(n=Sum("n"))["n"] or 0
    return int(n) + (reached.count() if reached is not None else 0)


def tasks_led_within(user: User, org: Organization) -> QuerySet[Task]:
    """Tasks led in `org`'s subtree, from documents the user may see: the part of
    tasks_visible_to an inbox or a roll-up reads, through the lead index alone (`org` must be
    in the user's subtree)."""
    units = list(
        Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True)
    )
    # The unit ids themselves, so the planner walks the (lead, due_on) index from them rather
    # than every task of each visible document (it cannot estimate the status filter).
    qs = Task.objects.select_related("lead", "assigned_by", "source_document").filter(
        lead_id__in=units
    )
    if user.is_superuser:
        return qs
    if user.organization is None or not org.path.startswith(user.organization.path):
        return qs.none()
    return qs.filter(source_document__in=documents_visible_to(user))


def open_on(qs: QuerySet[Task], today: datetime.date) -> QuerySet[Task]:
    """Tasks open on `today` (not cancelled, not completed by then), by plain columns, so the
    database can use them before the status annotation; with_status then tells which open."""
    return qs.filter(Q(completed_on__isnull=True) | Q(completed_on__gt=today), cancelled=False)


def access_task_by_id(user: User, task_id: int | str) -> Task:
    try:
        return tasks_visible_to(user).get(pk=int(task_id))
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such task.")) from None


@dataclass(frozen=True)
class CascadeRow:
    requirement: ProgrammeRequirement
    programme: Document | None  # the earliest programme the organization issued for it
    state: str  # "on_time", "late", "missing", "overdue" (missing past its due date)


@dataclass(frozen=True)
class Cascade:
    rows: list[CascadeRow]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def issued(self) -> int:
        return sum(1 for r in self.rows if r.programme is not None)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.state == "on_time")


def programme_cascade(document: Document, *, today: datetime.date) -> Cascade:
    """Who was asked to issue a programme for this document, who did, and when.

    A programme counts when a document registered by or issued within the organization's
    subtree "implements" this one.
    """
    requirements = list(document.programme_requirements.select_related("organization"))
    implementers = list(
        Relation.objects.filter(target=document, kind=RelationKind.IMPLEMENTS)
        .select_related("source__issuer", "source__owner")
        .order_by("source__signed_on")
    )
    rows = []
    for req in requirements:
        path = req.organization.path
        found = next(
            (
                r.source
                for r in implementers
                if r.source.issuer.path.startswith(path) or r.source.owner.path.startswith(path)
            ),
            None,
        )
        if found is not None:
            state = "on_time" if found.signed_on <= req.due_on else "late"
        else:
            state = "overdue" if today > req.due_on else "missing"
        rows.append(CascadeRow(requirement=req, programme=found, state=state))
    return Cascade(rows=rows)


def known_organizations(user: User) -> list[KnownOrg]:
    """The active organizations a user may assign to, with the names texts call them by.

    Abbreviations of committees ("TU", "ĐU") repeat across the tree and are left out; those of
    advisory and government bodies ("VPTU", "UBND") are kept.
    """
    from nqtrack.organizations.selectors import organizations_visible_to

    known = []
    for org in organizations_visible_to(user).filter(valid_to__isnull=True):
        names = [org.name, org.short_name]
        if org.kind in ("advisory_body", "government_body", "mass_organization"):
            names.append(org.abbreviation)
        known.append(KnownOrg(code=org.code, names=tuple(n for n in names if n)))
    return known
