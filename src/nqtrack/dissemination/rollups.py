"""Roll-ups of study, essays and outreach over an organization subtree, and plan follow-up.

Figures are counted per organization in a few grouped queries, then summed up the tree in
Python using the materialized path (PERFORMANCE.md: cheaper than joining every row to every
ancestor). A roll-up answers for one root: its own members' figures and each direct
subordinate with its whole subtree; drilling down is the same call on a subordinate.
Callers pass a root the user may see figures of (selectors.access_rollup_root) and a
document they may see (documents.selectors.access_document_by_id).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from nqtrack.dissemination import tallies
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    Essay,
    Grade,
    Member,
    MemberTally,
    OutreachActivity,
    OutreachChannel,
    StudyPlan,
    StudySession,
    StudyTally,
)
from nqtrack.dissemination.selectors import mandatory_q, members_in
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization


@contextmanager
def _aggregate_queries() -> Iterator[None]:
    """PostgreSQL's JIT spent more time compiling these queries than running them."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


@dataclass
class RollupRow:
    """Figures of one organization's subtree (or, for `own`, of the root's own members)."""

    key: str
    label: str
    org: Organization | None = None
    own: bool = False
    counts: Counter[str] = field(default_factory=Counter)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]

    def rate(self, part: str, whole: str) -> float | None:
        """counts[part] / counts[whole], 0–1; None when the whole is zero."""
        return self.counts[part] / self.counts[whole] if self.counts[whole] else None


@dataclass
class Rollup:
    root: Organization
    total: RollupRow
    rows: list[RollupRow]  # the root's own figures first (when any), then each subordinate


def _rollup(root: Organization, items: Iterable[tuple[str, str, int]]) -> Rollup:
    """Sum (path, counter key, n) items into the root's own row and its children's rows."""
    root_ids = len(root.path.strip("/").split("/"))
    children = {
        str(c.pk): RollupRow(key=c.code, label=c.name, org=c)
        for c in Organization.objects.filter(parent=root).order_by("valid_to", "name")
    }
    own = RollupRow(key=root.code, label=root.name, org=root, own=True)
    total = RollupRow(key=root.code, label=root.name, org=root)
    for path, key, n in items:
        if not n:
            continue
        ids = path.strip("/").split("/")
        row = own if len(ids) <= root_ids else children.get(ids[root_ids], own)
        row.counts[key] += n
        total.counts[key] += n
    rows = [own] if own.counts else []
    rows += [r for r in children.values() if r.counts or (r.org and r.org.valid_to is None)]
    return Rollup(root=root, total=total, rows=rows)


# Study ---------------------------------------------------------------------------------


def study_rollup(root: Organization, document: Document) -> Rollup:
    """For each unit: `members`, `invited` and `attended` (distinct members invited to /
    present at any session covering the document, wherever it was held) and `not_studied`
    (members never present). Rates: row.rate("attended", "invited") is the participation rate,
    row.rate("attended", "members") the share of members who have studied.

    Read from the maintained counts (tallies.py): one row per unit for the root and its
    direct subordinates, whatever the number of members below."""
    children = list(Organization.objects.filter(parent=root).order_by("valid_to", "name"))
    ids = [root.pk, *(c.pk for c in children)]
    members: dict[int, tuple[int, int]] = {}
    study: dict[int, tuple[int, int, int, int]] = {}
    for start in range(0, len(ids), tallies.CHUNK):
        chunk = ids[start : start + tallies.CHUNK]
        for org, own, total in MemberTally.objects.filter(organization_id__in=chunk).values_list(
            "organization_id", "own", "total"
        ):
            members[org] = (own, total)
        for org, *figures in StudyTally.objects.filter(
            document=document, organization_id__in=chunk
        ).values_list("organization_id", "own_invited", "own_attended", "invited", "attended"):
            study[org] = tuple(figures)  # type: ignore[assignment]

    def row(org: Organization, *, own: bool) -> RollupRow:
        m = members.get(org.pk, (0, 0))
        f = study.get(org.pk, (0, 0, 0, 0))
        counts = Counter(
            {"members": m[0], "invited": f[0], "attended": f[1]}
            if own
            else {"members": m[1], "invited": f[2], "attended": f[3]}
        )
        counts["not_studied"] = max(counts["members"] - counts["attended"], 0)
        return RollupRow(key=org.code, label=org.name, org=org, own=own, counts=counts)

    own_row = row(root, own=True)
    rows = [own_row] if any(own_row.counts.values()) else []
    for child in children:
        child_row = row(child, own=False)
        if any(child_row.counts.values()) or child.valid_to is None:
            rows.append(child_row)
    total = row(root, own=False)
    return Rollup(root=root, total=total, rows=rows)


@dataclass(frozen=True)
class LevelRow:
    """One unit of the tree with the study figures of its whole subtree."""

    organization_id: int
    code: str
    name: str
    parent_id: int | None
    depth: int
    members: int
    invited: int
    attended: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.invited if self.invited else None


def study_rollup_every_level(root: Organization, document: Document) -> list[LevelRow]:
    """`study_rollup`'s figures for every unit of root's subtree at once (the root first, then
    by path), read from the maintained counts: one row per unit that has members or
    attendance below it."""
    units = (
        Organization.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values_list("pk", "code", "name", "parent_id", "depth")
    )
    with _aggregate_queries():
        members = dict(
            MemberTally.objects.filter(organization__path__startswith=root.path).values_list(
                "organization_id", "total"
            )
        )
        study = {
            org: (invited, attended)
            for org, invited, attended in StudyTally.objects.filter(
                document=document, organization__path__startswith=root.path
            ).values_list("organization_id", "invited", "attended")
        }
        return [
            LevelRow(pk, code, name, parent_id, depth, members.get(pk, 0), *study.get(pk, (0, 0)))
            for pk, code, name, parent_id, depth in units
            if pk in members or pk in study or pk == root.pk
        ]


def members_not_studied(root: Organization, document: Document) -> QuerySet[Member]:
    """Members of the subtree never present at a session covering the document."""
    present = Attendance.objects.filter(
        member=OuterRef("pk"), status=AttendanceStatus.PRESENT, session__documents=document
    )
    return (
        members_in(root)
        .filter(~Exists(present))
        .select_related("organization")
        .order_by("organization__path", "full_name", "code")
    )


# Essays --------------------------------------------------------------------------------

GRADES = [str(g) for g in Grade]


def essay_rollup(root: Organization, document: Document, *, on: datetime.date) -> Rollup:
    """For each unit: `members`, `mandatory` (obliged to write on `on`), `written` (members
    with an essay), one count per grade of the latest attempt (`tot`, `kha`, `trung_binh`,
    `yeu`), `rewrite` (a Yếu essay still owed again) and `missing` (obliged members who have
    written nothing; exempted members never count as missing)."""
    with _aggregate_queries():
        members = list(
            members_in(root)
            .values_list("organization__path")
            .annotate(n=Count("*"), mandatory=Count("id", filter=mandatory_q(on)))
        )
        grades = list(
            Essay.objects.filter(
                document=document,
                is_latest=True,
                member__organization__path__startswith=root.path,
            )
            .values_list("member__organization__path", "grade")
            .annotate(n=Count("*"), rewrite=Count("id", filter=Q(rewrite_required=True)))
        )
        missing = list(
            members_missing_essay(root, document, on=on)
            .order_by()
            .values_list("organization__path")
            .annotate(n=Count("*"))
        )
    items: list[tuple[str, str, int]] = []
    for path, n, mandatory in members:
        items += [(path, "members", n), (path, "mandatory", mandatory)]
    for path, grade, n, rewrite in grades:
        items += [(path, grade, n), (path, "written", n), (path, "rewrite", rewrite)]
    items += [(path, "missing", n) for path, n in missing]
    return _rollup(root, items)


def members_missing_essay(
    root: Organization, document: Document, *, on: datetime.date
) -> QuerySet[Member]:
    """Members of the subtree obliged to write on `on` who have no essay on the document."""
    written = Essay.objects.filter(member=OuterRef("pk"), document=document)
    return (
        members_in(root)
        .filter(mandatory_q(on))
        .filter(~Exists(written))
        .select_related("organization")
        .order_by("organization__path", "full_name", "code")
    )


def essays_owing_rewrite(root: Organization, document: Document) -> QuerySet[Essay]:
    """Latest attempts graded Yếu in the subtree: their writers owe a rewrite."""
    return (
        Essay.objects.filter(
            document=document,
            is_latest=True,
            rewrite_required=True,
            member__organization__path__startswith=root.path,
        )
        .select_related("member", "member__organization")
        .order_by("member__organization__path", "member__full_name")
    )


# Outreach ------------------------------------------------------------------------------

CHANNELS = [str(c) for c in OutreachChannel]


def outreach_rollup(
    root: Organization,
    *,
    document: Document | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Rollup:
    """For each unit and channel: `times:<channel>` (number of broadcasts, articles,
    meetings…), `reach:<channel>` (people reached) and `activities`; totals in `times` and
    `reach`. Optionally for one document and between two dates (inclusive)."""
    qs = OutreachActivity.objects.filter(organization__path__startswith=root.path)
    if document is not None:
        qs = qs.filter(document=document)
    if start is not None:
        qs = qs.filter(held_on__gte=start)
    if end is not None:
        qs = qs.filter(held_on__lte=end)
    with _aggregate_queries():
        grouped = list(
            qs.values_list("organization__path", "channel").annotate(
                activities=Count("*"), times=Sum("count"), reach=Sum("reach")
            )
        )
    items: list[tuple[str, str, int]] = []
    for path, channel, activities, times, reach in grouped:
        items += [
            (path, "activities", activities),
            (path, f"times:{channel}", times or 0),
            (path, f"reach:{channel}", reach or 0),
            (path, "times", times or 0),
            (path, "reach", reach or 0),
        ]
    return _rollup(root, items)


# Plans ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanUnit:
    organization: Organization
    due_on: datetime.date
    held_on: datetime.date | None  # first session on the document held by the unit
    state: str  # "on_time", "late", "overdue" (not held, past due) or "pending"


PLAN_UNIT_STATES = ("on_time", "late", "overdue", "pending")


def plan_expected_units(plan: StudyPlan) -> dict[Organization, datetime.date]:
    """Units that must hold a session under the plan, with the date each must hold it by.

    A level target names every active unit of that level in the owner's subtree; an
    organization target names one unit; the earliest date wins when both apply. A plan with
    no targets expects its owner to hold a session by the plan's date.
    """
    targets = list(plan.targets.all())
    if not targets:
        return {plan.owner: plan.due_on}
    by_level: dict[int, datetime.date] = {}
    by_org: dict[int, datetime.date] = {}
    for t in targets:
        if t.level_id is not None:
            by_level[t.level_id] = min(t.due_on, by_level.get(t.level_id, t.due_on))
        elif t.organization_id is not None:
            by_org[t.organization_id] = min(t.due_on, by_org.get(t.organization_id, t.due_on))
    units = Organization.objects.filter(
        Q(path__startswith=plan.owner.path, level_id__in=list(by_level), valid_to__isnull=True)
        | Q(pk__in=list(by_org))
    ).order_by("path")
    expected: dict[Organization, datetime.date] = {}
    for org in units:
        dates = [d for d in (by_level.get(org.level_id), by_org.get(org.pk)) if d is not None]
        expected[org] = min(dates)
    return expected


def plan_units(
    plan: StudyPlan, *, today: datetime.date, root: Organization | None = None
) -> list[PlanUnit]:
    """Each expected unit (within `root` when given) and whether it held its session on the
    plan's document: on time, late, overdue, or not yet due ("pending")."""
    expected = plan_expected_units(plan)
    if root is not None:
        expected = {o: d for o, d in expected.items() if o.path.startswith(root.path)}
    first_held = dict(
        StudySession.objects.filter(
            documents=plan.document,
            organizer__in=[o.pk for o in expected],
            held_on__lte=today,
        )
        .values_list("organizer_id")
        .annotate(first=Min("held_on"))
    )
    rows = []
    for org, due_on in expected.items():
        held_on = first_held.get(org.pk)
        if held_on is not None:
            state = "on_time" if held_on <= due_on else "late"
        else:
            state = "overdue" if today > due_on else "pending"
        rows.append(PlanUnit(organization=org, due_on=due_on, held_on=held_on, state=state))
    return rows


def units_without_session(
    plan: StudyPlan, *, today: datetime.date, root: Organization | None = None
) -> list[PlanUnit]:
    """Units past the plan's date that have not held their session yet."""
    return [u for u in plan_units(plan, today=today, root=root) if u.state == "overdue"]
