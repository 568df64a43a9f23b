"""Roll-ups of tasks over an organization subtree.

Counts are grouped per lead organization in one SQL query, then summed up the tree in Python:
cheaper than joining every task to every ancestor (see PERFORMANCE.md in the design notes).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from nqtrack.assignments.selectors import (
    subtree_tallies_visible_to,
    tally_read,
    tasks_visible_to,
    with_status,
)
from nqtrack.assignments.status import (
    CARRIED_OVER,
    DONE_LATE,
    DONE_ON_TIME,
    OVERDUE,
    STATUS_LABELS,
)
from nqtrack.assignments.tallies import (
    ALL_FIELDS,
    NO_DATE,
    NO_FIELD,
    OPEN,
    OPEN_MONTH,
    OWN,
)
from nqtrack.core.db import aggregate_queries
from nqtrack.documents.models import Field
from nqtrack.organizations.models import Organization, User

STATUSES = list(STATUS_LABELS)


@dataclass
class Row:
    key: str
    label: str
    counts: Counter[str] = field(default_factory=Counter)
    org: Organization | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def due(self) -> int:
        """Tasks whose deadline has come: the ones an on-time rate is measured on."""
        return sum(self.counts[s] for s in (DONE_ON_TIME, DONE_LATE, OVERDUE, CARRIED_OVER))

    @property
    def on_time_rate(self) -> float | None:
        return self.counts[DONE_ON_TIME] / self.due if self.due else None

    @property
    def late(self) -> int:
        return self.counts[OVERDUE] + self.counts[CARRIED_OVER]


@dataclass
class Rollup:
    root: Organization
    total: Row
    by_unit: list[Row]
    by_year: list[Row]
    by_field: list[Row]
    late_by_lead: list[Row]


def task_rollup(
    user: User,
    root: Organization,
    *,
    today: datetime.date,
    documents: Sequence[int] | None = None,
) -> Rollup:
    """Tasks led within `root`'s subtree, by status: for root's direct subordinates (each with
    its own subtree), by year due, by field of the source document, and the leads most late.

    `today` may be a past day: the figures are then those of that day (tasks assigned later
    left out, tasks completed later still open). `documents` keeps the tasks of those source
    documents only.

    For today and later days without a document filter the figures are read from the
    maintained counts (assignments/tallies.py); a past day or a document filter counts the
    tasks themselves (`rollup_from_tasks`)."""
    inside = user.is_superuser or (
        user.organization is not None and root.path.startswith(user.organization.path)
    )
    if documents is None and today >= timezone.localdate() and inside:
        return _rollup_from_tallies(user, root, today=today)
    return rollup_from_tasks(user, root, today=today, documents=documents)


def rollup_from_tasks(
    user: User,
    root: Organization,
    *,
    today: datetime.date,
    documents: Sequence[int] | None = None,
) -> Rollup:
    """task_rollup counted from the tasks themselves (any day, any documents)."""
    tasks = with_status(tasks_visible_to(user), today=today).filter(
        lead__path__startswith=root.path
    )
    if today < timezone.localdate():
        tasks = tasks.filter(created_at__date__lte=today)
    if documents is not None:
        tasks = tasks.filter(source_document_id__in=list(documents))
    children = list(Organization.objects.filter(parent=root).order_by("valid_to", "name"))
    units = {c.path: Row(key=c.code, label=c.name, org=c) for c in children}
    own = Row(key=root.code, label=root.name, org=root)
    total = Row(key="total", label=root.name)
    leads: dict[int, Row] = {}
    by_year: dict[str, Row] = {}
    by_field: dict[str, Row] = {}
    with aggregate_queries():
        # One pass over the tasks for units, leads and years; one for fields (a task may have
        # several). "status" is with_status's SQL annotation, which the type plugin cannot see.
        grouped = list(
            tasks.annotate(year=ExtractYear("due_on"))
            .values("lead_id", "lead__path", "status", "year")  # type: ignore[misc]
            .annotate(n=Count("*"))
        )
        fields = list(
            tasks.values(  # type: ignore[misc]
                "status",
                slug=F("source_document__fields__slug"),
                name=F("source_document__fields__name"),
            ).annotate(n=Count("*"))
        )
    for item in grouped:
        status, n = item["status"], item["n"]
        total.counts[status] += n
        path = item["lead__path"]
        # The child of root whose subtree holds the lead: root's path plus one segment.
        cut = path.find("/", len(root.path))
        target = units.get(path[: cut + 1], own) if cut != -1 else own
        target.counts[status] += n
        leads.setdefault(item["lead_id"], Row(key=str(item["lead_id"]), label=""))
        leads[item["lead_id"]].counts[status] += n
        key = str(item["year"] or "—")
        by_year.setdefault(key, Row(key=key, label=key)).counts[status] += n
    for item in fields:
        key = item["slug"] or "—"
        row = by_field.setdefault(key, Row(key=key, label=item["name"] or "—"))
        row.counts[item["status"]] += item["n"]
    by_unit = ([own] if own.total else []) + [row for row in units.values() if row.total]
    names = dict(Organization.objects.filter(pk__in=leads).values_list("pk", "name"))
    for pk, row in leads.items():
        row.label = names.get(pk, "")
    late = sorted((r for r in leads.values() if r.late), key=lambda r: (-r.late, r.label))
    return Rollup(
        root=root,
        total=total,
        by_unit=by_unit,
        by_year=[by_year[k] for k in sorted(by_year)],
        by_field=sorted(by_field.values(), key=lambda r: r.label),
        late_by_lead=late[:20],
    )


# From the maintained counts. ----------------------------------------------------------------


def _late(today: datetime.date) -> Q:
    low = today.replace(day=1)
    return Q(state=OPEN, due_on__gte=low, due_on__lt=today) | Q(state=OPEN_MONTH, due_on__lt=low)


def _rollup_from_tallies(user: User, root: Organization, *, today: datetime.date) -> Rollup:
    read, status = tally_read(today)
    children = list(Organization.objects.filter(parent=root).order_by("valid_to", "name"))
    units = {c.pk: Row(key=c.code, label=c.name, org=c) for c in children}
    own = Row(key=root.code, label=root.name, org=root)
    total = Row(key="total", label=root.name)
    by_year: dict[str, Row] = {}
    by_field: dict[str, Row] = {}
    rows = subtree_tallies_visible_to(user)
    with aggregate_queries():
        grouped = list(
            rows.filter(read, organization_id__in=[root.pk, *units], field=ALL_FIELDS)
            .annotate(status=status, year=ExtractYear("due_on"))
            .values_list("organization_id", "status", "year")
            .annotate(n=Sum("n"))
        )
        fields = list(
            rows.filter(read, Q(field__gt=0) | Q(field=NO_FIELD), organization_id=root.pk)
            .annotate(status=status)
            .values_list("field", "status")
            .annotate(n=Sum("n"))
        )
        late_leads = list(
            rows.filter(_late(today), field=OWN, organization__path__startswith=root.path)
            .values("organization_id", "organization__name")
            .annotate(late=Sum("n"))
            .order_by("-late", "organization__name")[:20]
        )
        lead_counts = list(
            rows.filter(
                read,
                field=OWN,
                organization_id__in=[item["organization_id"] for item in late_leads],
            )
            .annotate(status=status)
            .values_list("organization_id", "status")
            .annotate(n=Sum("n"))
        )
    no_year = NO_DATE.year
    for org_id, state, year, n in grouped:
        if org_id == root.pk:
            total.counts[state] += n
            own.counts[state] += n
            key = str(year) if year and year != no_year else "—"
            by_year.setdefault(key, Row(key=key, label=key)).counts[state] += n
        else:
            units[org_id].counts[state] += n
    for row in units.values():
        own.counts.subtract(row.counts)
    own.counts = +own.counts  # drop the zeros
    names = dict(Field.objects.filter(pk__in=[f for f, _, _ in fields]).values_list("pk", "slug"))
    labels = dict(Field.objects.filter(pk__in=names).values_list("pk", "name"))
    for field_id, state, n in fields:
        key = names.get(field_id, "—") if field_id != NO_FIELD else "—"
        label = labels.get(field_id, "—") if field_id != NO_FIELD else "—"
        by_field.setdefault(key, Row(key=key, label=label)).counts[state] += n
    leads = {
        item["organization_id"]: Row(
            key=str(item["organization_id"]), label=item["organization__name"]
        )
        for item in late_leads
    }
    for lead_id, state, n in lead_counts:
        leads[lead_id].counts[state] += n
    by_unit = ([own] if own.total else []) + [row for row in units.values() if row.total]
    return Rollup(
        root=root,
        total=total,
        by_unit=by_unit,
        by_year=[by_year[k] for k in sorted(by_year)],
        by_field=sorted(by_field.values(), key=lambda r: r.label),
        late_by_lead=sorted(leads.values(), key=lambda r: (-r.late, r.label)),
    )
