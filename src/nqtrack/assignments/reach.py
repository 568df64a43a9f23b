"""Which organizations see a task other than through its lead (models.TaskReach).

A user sees the tasks led, assigned or supported anywhere in their organization's subtree.
Put the other way round, organization O's subtree sees a task when O is the lead, the
assigning unit or a supporting unit, or above one of them. The tasks seen through the lead are
what the maintained counts hold (tallies.SubtreeTally, per subtree); TaskReach holds the rest:
for each task, the organizations on the assigning unit's and the supporting units' lines
(themselves and their ancestors) that are not on the lead's line. Usually there are none (a
task is assigned from above and supported beside its lead) or a few (a commune supporting a
province body's task sees it; so does the commune's district).

So the number of tasks O's subtree sees is the counts of tasks led in it plus the tasks
reaching O itself: one index range, not a scan of every task (selectors.task_list_count).

A path is the chain of primary keys from the root ("/1/5/12/"), so a line is read off the
path. `refresh_tasks` recomputes the rows of some tasks (signals call it when a task's lead,
assigning unit or supporting units change, bulk writers call it themselves), `move_subtree`
after an organization moved, `rebuild` from scratch, `check(fix)` for `rebuild_counts`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Q

from nqtrack.assignments.models import Task, TaskReach
from nqtrack.core.tallies import Drift, register
from nqtrack.organizations.models import Organization

CHUNK = 2000  # task ids per IN list
Pair = tuple[int, int]  # (organization_id, task_id)


def line(path: str) -> set[int]:
    """The organization of `path` and all its ancestors."""
    return {int(p) for p in path.split("/") if p}


def reach_of(lead_path: str, others: Iterable[str]) -> set[int]:
    """Organizations on the lines of `others` (assigning and supporting units' paths) that
    are not on the lead's line."""
    seen: set[int] = set()
    for path in others:
        seen |= line(path)
    return seen - line(lead_path)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _computed(task_ids: list[int] | None) -> set[Pair]:
    tasks = Task.objects.all() if task_ids is None else Task.objects.filter(pk__in=task_ids)
    others: dict[int, list[str]] = defaultdict(list)
    leads: dict[int, str] = {}
    for pk, lead_path, assigned_path in tasks.values_list(
        "pk", "lead__path", "assigned_by__path"
    ).order_by():
        leads[pk] = lead_path
        others[pk].append(assigned_path)
    links = Task.supporting.through.objects.all()
    if task_ids is not None:
        links = links.filter(task_id__in=task_ids)
    for task_id, path in links.values_list("task_id", "organization__path").order_by():
        others[task_id].append(path)
    return {(org, pk) for pk, lead_path in leads.items() for org in reach_of(lead_path, others[pk])}


def _stored(task_ids: list[int] | None) -> set[Pair]:
    rows = (
        TaskReach.objects.all()
        if task_ids is None
        else TaskReach.objects.filter(task_id__in=task_ids)
    )
    return set(rows.values_list("organization_id", "task_id").order_by())


def _write(stale: set[Pair], fresh: set[Pair]) -> None:
    by_task: dict[int, list[int]] = defaultdict(list)
    for org, task in stale:
        by_task[task].append(org)
    if by_task:
        query = Q()
        for task, orgs in by_task.items():
            query |= Q(task_id=task, organization_id__in=orgs)
        TaskReach.objects.filter(query).delete()
    TaskReach.objects.bulk_create(
        [TaskReach(organization_id=org, task_id=task) for org, task in sorted(fresh)],
        batch_size=2000,
    )


def refresh_tasks(task_ids: Iterable[int]) -> int:
    """Recompute the rows of these tasks (deleted ones lose theirs by cascade). Returns how
    many rows were added or removed."""
    ids = sorted({int(pk) for pk in task_ids if pk is not None})
    changed = 0
    with transaction.atomic():
        for chunk in _chunks(ids):
            new, old = _computed(chunk), _stored(chunk)
            if new != old:
                _write(old - new, new - old)
                changed += len(old ^ new)
    return changed


def tasks_touching(path: str) -> set[int]:
    """Tasks led, assigned or supported within the subtree at `path`."""
    inside = Organization.objects.filter(path__startswith=path).values("pk")
    ids = set(
        Task.objects.filter(Q(lead__in=inside) | Q(assigned_by__in=inside)).values_list(
            "pk", flat=True
        )
    )
    ids |= set(
        Task.supporting.through.objects.filter(organization__in=inside).values_list(
            "task_id", flat=True
        )
    )
    return ids


def move_subtree(new_path: str) -> int:
    """An organization moved with its subtree (paths already rewritten): the lines through it
    changed, so the tasks touching it are recomputed."""
    return refresh_tasks(tasks_touching(new_path))


def rebuild() -> int:
    """Recompute every row. Returns how many there are."""
    with transaction.atomic():
        TaskReach.objects.all().delete()
        rows = _computed(None)
        _write(set(), rows)
    return len(rows)


@register("task_reach")
def check(fix: bool) -> Drift:
    drift = Drift("task_reach")
    computed, stored = _computed(None), _stored(None)
    drift.rows = len(computed)
    drift.missing = len(computed - stored)
    drift.extra = len(stored - computed)
    drift.examples = [
        f"organization {o} should see task {t}" for o, t in sorted(computed - stored)[:3]
    ]
    drift.examples += [
        f"organization {o} sees task {t} wrongly" for o, t in sorted(stored - computed)[:3]
    ]
    if fix and not drift.clean:
        rebuild()
    return drift
