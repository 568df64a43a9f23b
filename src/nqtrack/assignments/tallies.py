"""Task counts maintained as the tasks change, so roll-ups read a few thousand rows, not all
tasks.

Two tables (assignments/models.py):
- LeadTally: per lead unit and document, how many tasks fall due on each day in each settled
  state ("open", "continuous", "not_due", "done_on_time", "done_late", "cancelled");
- SubtreeTally: the same summed for every organization over its whole subtree, per document
  owner and security level (so the reader's visibility still applies) and per field.

Nothing that moves with the calendar is stored: an open task is kept with its due date and
its status (due soon, overdue, carried over) is derived when read, from the same rule as
`status.task_status`. So the counts stay right as days pass without any nightly job.

Every change to a lead's tasks recounts that lead (`refresh_leads`): the new figures are
read from the tasks, the old ones from LeadTally, and only the difference is added to the
subtree rows of the lead and its ancestors. The lead's organization row is locked first, so
two transactions changing the same lead's tasks are counted one after the other.
Signals call it for saves and deletes of tasks and for changes of a document's owner,
security level or fields; bulk writers (COPY loads, queryset.update) call it themselves or
`rebuild()`. `check(fix)` recounts everything and reports drift (`nqtrack rebuild_counts`).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from threading import local

from django.db import connection, transaction
from django.db.models import Q

from nqtrack.assignments.models import LeadTally, SubtreeTally, Task
from nqtrack.core.tallies import Drift, register
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization

NO_DATE = datetime.date(1, 1, 1)  # stands for "no due date" in the unique keys
ALL_FIELDS = 0
NO_FIELD = -1
OWN = -2  # SubtreeTally.field of the rows of the organization's own tasks only (not its subtree)
RELATED_OWNER = 0  # SubtreeTally.owner_id of a document owned by the lead, above or below it

# Settled states: what a task is whatever the day (the calendar part is derived on reading).
OPEN = "open"
# SubtreeTally keeps open tasks twice: by due day ("open") and by the first day of the due
# month ("open_month"). A reader takes whole months where the status cannot change within
# the month and days only in the month(s) of today and of the "due soon" horizon.
OPEN_MONTH = "open_month"

_STATE_SQL = """CASE
    WHEN t.cancelled THEN 'cancelled'
    WHEN t.completed_on IS NOT NULL AND t.due_on IS NOT NULL AND t.completed_on > t.due_on
        THEN 'done_late'
    WHEN t.completed_on IS NOT NULL THEN 'done_on_time'
    WHEN t.due_on IS NULL AND t.deadline_kind = 'continuous' THEN 'continuous'
    WHEN t.due_on IS NULL THEN 'not_due'
    ELSE 'open' END"""

# (lead, document, due_on, state) -> n, with the document's (owner, security, fields) applied.
Key = tuple[int, int, datetime.date, str]
Applied = tuple[int, str, str]
SubKey = tuple[int, int, int, str, datetime.date, str]


def _date(value: object) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)) if value else NO_DATE


def _task_counts(lead_ids: Iterable[int] | None) -> Counter[Key]:
    task = Task._meta.db_table
    where, params = "", []
    ids = None if lead_ids is None else sorted(set(lead_ids))
    if ids is not None:
        if not ids:
            return Counter()
        where = f"WHERE t.lead_id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    sql = (
        f"SELECT t.lead_id, t.source_document_id, t.due_on, {_STATE_SQL}, COUNT(*) "
        f"FROM {task} t {where} GROUP BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counts: Counter[Key] = Counter()
    for lead, doc, due, state, n in rows:
        counts[(lead, doc, bucket(_date(due), state), state)] += n
    return counts


def bucket(due: datetime.date, state: str) -> datetime.date:
    """The day a task is kept under: its due date while open (its status moves with the
    calendar), the first of its due year once settled (only the year is ever asked)."""
    if state == OPEN or due == NO_DATE:
        return due
    return due.replace(month=1, day=1)


def _document_attributes(document_ids: Iterable[int]) -> dict[int, Applied]:
    ids = sorted(set(document_ids))
    found: dict[int, Applied] = {}
    fields: dict[int, list[int]] = defaultdict(list)
    through = Document.fields.through
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for pk, owner, security in Document.objects.filter(pk__in=chunk).values_list(
            "pk", "owner_id", "security_level"
        ):
            found[pk] = (owner, security, "")
        for doc, field in through.objects.filter(document_id__in=chunk).values_list(
            "document_id", "field_id"
        ):
            fields[doc].append(field)
    return {
        pk: (owner, security, ",".join(str(f) for f in sorted(fields.get(pk, []))))
        for pk, (owner, security, _) in found.items()
    }


def _ancestors(lead_ids: Iterable[int]) -> dict[int, list[int]]:
    paths = Organization.objects.filter(pk__in=set(lead_ids)).values_list("pk", "path")
    return {pk: [int(p) for p in path.strip("/").split("/") if p] for pk, path in paths}


def _subtree_delta(
    rows: Iterable[tuple[int, datetime.date, str, Applied, int]],
    ancestors: dict[int, list[int]],
) -> Counter[SubKey]:
    """(lead, due, state, applied, n) -> (organization, field, owner, security, due, state).

    `ancestors` must hold the path ids of every lead and every document owner."""
    delta: Counter[SubKey] = Counter()
    for lead, due, state, (owner, security, fields), n in rows:
        field_ids = [int(f) for f in fields.split(",") if f] or [NO_FIELD]
        chain = ancestors.get(lead, [lead])
        if owner in chain or lead in ancestors.get(owner, ()):
            owner = RELATED_OWNER
        keys = [(due, state)]
        if state == OPEN:
            keys.append((due.replace(day=1), OPEN_MONTH))
        for day, kind in keys:
            delta[(lead, OWN, owner, security, day, kind)] += n
            for org in chain:
                delta[(org, ALL_FIELDS, owner, security, day, kind)] += n
                for field in field_ids:
                    delta[(org, field, owner, security, day, kind)] += n
    return delta


def _apply_subtree(delta: Counter[SubKey]) -> None:
    """Add each delta to its subtree row (creating it), then drop rows that reached zero."""
    changes = sorted((k, n) for k, n in delta.items() if n)
    if not changes:
        return
    table = SubtreeTally._meta.db_table
    sql = (
        f"INSERT INTO {table} (organization_id, field, owner_id, security_level, due_on, state, n) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (organization_id, field, owner_id, security_level, due_on, state) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*key, n) for key, n in changes])
    touched = {key[0] for key, _ in changes}
    SubtreeTally.objects.filter(organization_id__in=touched, n__lte=0).delete()


def _lock(lead_ids: Iterable[int]) -> None:
    ids = sorted(set(lead_ids))
    if ids and connection.vendor == "postgresql":
        list(
            Organization.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
        )


def refresh_leads(lead_ids: Iterable[int]) -> int:
    """Recount the tasks of these lead units and carry the difference up the tree.

    Returns how many (document, day, state) counts changed."""
    ids = sorted({int(pk) for pk in lead_ids if pk is not None})
    if not ids:
        return 0
    with transaction.atomic():
        _lock(ids)
        new = _task_counts(ids)
        attributes = _document_attributes({doc for _, doc, _, _ in new})
        old: dict[Key, tuple[Applied, int]] = {}
        for row in LeadTally.objects.filter(lead_id__in=ids):
            key = (row.lead_id, row.document_id, row.due_on, row.state)
            old[key] = ((row.owner_id, row.security_level, row.fields), row.n)
        changes: list[tuple[int, datetime.date, str, Applied, int]] = []
        stale, fresh = [], []
        for key in set(old) | set(new):
            lead, doc, due, state = key
            before = old.get(key)
            n = new.get(key, 0)
            applied = attributes.get(doc) if n else None
            if before is not None and applied == before[0] and n == before[1]:
                continue
            if before is not None:
                changes.append((lead, due, state, before[0], -before[1]))
                stale.append(key)
            if n and applied is not None:
                changes.append((lead, due, state, applied, n))
                fresh.append(
                    LeadTally(
                        lead_id=lead,
                        document_id=doc,
                        due_on=due,
                        state=state,
                        owner_id=applied[0],
                        security_level=applied[1],
                        fields=applied[2],
                        n=n,
                    )
                )
        if not changes:
            return 0
        for lead in {k[0] for k in stale}:
            keys = [k for k in stale if k[0] == lead]
            query = Q()
            for _, doc, due, state in keys:
                query |= Q(document_id=doc, due_on=due, state=state)
            LeadTally.objects.filter(query, lead_id=lead).delete()
        LeadTally.objects.bulk_create(fresh, batch_size=1000)
        chains = _ancestors({c[0] for c in changes} | {c[3][0] for c in changes})
        _apply_subtree(_subtree_delta(changes, chains))
        return len(stale) + len(fresh)


def refresh_documents(document_ids: Iterable[int]) -> int:
    """A document's owner, security level or fields changed: recount the leads of its tasks."""
    ids = set(document_ids)
    if not ids:
        return 0
    leads = set(Task.objects.filter(source_document_id__in=ids).values_list("lead_id", flat=True))
    leads |= set(LeadTally.objects.filter(document_id__in=ids).values_list("lead_id", flat=True))
    return refresh_leads(leads)


# Deferral: bulk writers collect the leads they touch and recount them once at the end. -----

_state = local()


@contextmanager
def deferred() -> Iterator[set[int]]:
    """Inside this block, task signals only note the leads; they are recounted on exit."""
    outer = getattr(_state, "pending", None)
    if outer is not None:
        yield outer
        return
    _state.pending = pending = set()
    try:
        yield pending
        refresh_leads(pending)
    finally:
        _state.pending = None


def leads_changed(lead_ids: Iterable[int]) -> None:
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(pk for pk in lead_ids if pk is not None)
    else:
        refresh_leads(lead_ids)


# Rebuild and drift. -------------------------------------------------------------------------


def _recount() -> tuple[dict[Key, tuple[Applied, int]], Counter[SubKey]]:
    counts = _task_counts(None)
    attributes = _document_attributes({doc for _, doc, _, _ in counts})
    lead_rows = {key: (attributes[key[1]], n) for key, n in counts.items()}
    subtree = _subtree_delta(
        ((key[0], key[2], key[3], applied, n) for key, (applied, n) in lead_rows.items()),
        _ancestors({key[0] for key in counts} | {applied[0] for applied, _ in lead_rows.values()}),
    )
    return lead_rows, subtree


def rebuild() -> None:
    """Rewrite both tables from the tasks (after a COPY load, a restore…)."""
    from nqtrack.core.bulkload import bulk_load

    with transaction.atomic():
        lead_rows, subtree = _recount()
        LeadTally.objects.all().delete()
        SubtreeTally.objects.all().delete()
        bulk_load(
            LeadTally,
            [
                "lead_id",
                "document_id",
                "due_on",
                "state",
                "owner_id",
                "security_level",
                "fields",
                "n",
            ],
            [
                (lead, doc, due, state, *applied, n)
                for (lead, doc, due, state), (applied, n) in lead_rows.items()
            ],
        )
        bulk_load(
            SubtreeTally,
            ["organization_id", "field", "owner_id", "security_level", "due_on", "state", "n"],
            [(*key, n) for key, n in subtree.items() if n],
        )


@register("tasks")
def check(fix: bool) -> Drift:
    """Compare both tables with a recount from the tasks; rewrite them if `fix`."""
    drift = Drift(name="tasks")
    lead_rows, subtree = _recount()
    stored_leads = {
        (r.lead_id, r.document_id, r.due_on, r.state): (
            (r.owner_id, r.security_level, r.fields),
            r.n,
        )
        for r in LeadTally.objects.all()
    }
    stored_subtree = {
        (r.organization_id, r.field, r.owner_id, r.security_level, r.due_on, r.state): r.n
        for r in SubtreeTally.objects.all()
    }
    expected_subtree = {k: n for k, n in subtree.items() if n}
    for name, expected, stored in (
        ("lead", lead_rows, stored_leads),
        ("subtree", expected_subtree, stored_subtree),
    ):
        drift.rows += len(expected)
        for key, value in expected.items():
            if key not in stored:
                drift.missing += 1
                drift.examples.append(f"{name} {key}: missing, expected {value}")
            elif stored[key] != value:
                drift.wrong += 1
                drift.examples.append(f"{name} {key}: {stored[key]} instead of {value}")
        for key in stored.keys() - expected.keys():
            drift.extra += 1
            drift.examples.append(f"{name} {key}: {stored[key]} should not be there")
    if fix and not drift.clean:
        rebuild()
    return drift


def move_subtree(organization_id: int, old_path: str, new_path: str) -> None:
    """An organization moved with its subtree (paths already rewritten): the counts of the
    leads below it leave the old ancestors and join the new ones, and documents owned inside
    it may have become, or stopped being, the leads' own (RELATED_OWNER)."""
    if old_path == new_path:
        return
    rows = [
        (r.lead_id, r.due_on, r.state, (r.owner_id, r.security_level, r.fields), r.n)
        for r in LeadTally.objects.filter(
            Q(lead__path__startswith=new_path) | Q(owner__path__startswith=new_path)
        )
    ]
    paths = dict(
        Organization.objects.filter(
            pk__in={r[0] for r in rows} | {r[3][0] for r in rows}
        ).values_list("pk", "path")
    )

    def chain(path: str) -> list[int]:
        return [int(p) for p in path.strip("/").split("/") if p]

    now = {pk: chain(path) for pk, path in paths.items()}
    before = {
        pk: chain(old_path + path[len(new_path) :] if path.startswith(new_path) else path)
        for pk, path in paths.items()
    }
    delta = _subtree_delta(rows, now)
    delta.subtract(_subtree_delta(rows, before))
    _apply_subtree(delta)
