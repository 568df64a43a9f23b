"""Maintained study counts: members per unit, and distinct members invited to / present at the
sessions covering each document, for every unit's own register and for its whole subtree.

A participation roll-up of the country then reads one row per unit (models.MemberTally and
models.StudyTally) instead of joining millions of attendance rows to their members. The counts
change in the same transaction as the data they count:

- a unit's own figures are recounted from the raw rows (`refresh`) for the units and documents a
  write touched, and only the difference is added to the unit and every ancestor
  (INSERT … ON CONFLICT DO UPDATE x = x + delta), so concurrent writers in different units
  never overwrite each other;
- single-row writes reach `refresh` through signals (signals.py); bulk writers (imports, invites,
  session deletion) call `sessions_changing` / `refresh` themselves, or collect inside
  `deferred()`;
- a move of a unit carries its subtree figures from the old ancestors to the new ones.

`nqtrack rebuild_counts` recounts everything, reports drift and rewrites (core/tallies.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from threading import local
from typing import Any

from django.db import connection, transaction

from nqtrack.core.tallies import Drift, register
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    Member,
    MemberTally,
    StudySession,
    StudyTally,
)
from nqtrack.organizations.models import Organization

CHUNK = 5_000  # ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits
BIG = 2 * CHUNK  # more units than this: one pass over the document's rows instead of IN lists

OrgDoc = tuple[int, int]  # (organization id, document id)
# StudyTally deltas: (own_invited, own_attended, invited, attended)
Figures = tuple[int, int, int, int]


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def _chain(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def _paths(org_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = sorted(set(org_ids))
    chains: dict[int, list[int]] = {}
    for chunk in _chunks(ids):
        for pk, path in Organization.objects.filter(pk__in=chunk).values_list("pk", "path"):
            chains[pk] = _chain(path)
    return chains


@contextmanager
def _no_jit() -> Iterator[None]:
    """PostgreSQL's JIT spends longer compiling these aggregates than running them."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _tables() -> dict[str, str]:
    qn = connection.ops.quote_name
    return {
        "attendance": qn(Attendance._meta.db_table),
        "member": qn(Member._meta.db_table),
        "session_docs": qn(StudySession.documents.through._meta.db_table),
        "study": qn(StudyTally._meta.db_table),
        "members": qn(MemberTally._meta.db_table),
    }


def _in(column: str, ids: Sequence[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


# Recounts from the raw rows. ---------------------------------------------------------------


def _own_study(
    org_ids: Sequence[int] | None, document_ids: Sequence[int] | None
) -> dict[OrgDoc, tuple[int, int]]:
    """(organization, document) -> distinct members of the unit's own register invited to and
    present at any session covering the document. None means every unit / document."""
    t = _tables()
    doc_sql, doc_params = _in("sd.document_id", document_ids)
    found: dict[OrgDoc, tuple[int, int]] = {}
    chunks: Iterable[Sequence[int] | None] = [None] if org_ids is None else _chunks(org_ids)
    with _no_jit(), connection.cursor() as cursor:
        for chunk in chunks:
            org_sql, org_params = _in("m.organization_id", chunk)
            cursor.execute(
                "SELECT m.organization_id, sd.document_id, COUNT(DISTINCT a.member_id),"
                " COUNT(DISTINCT CASE WHEN a.status = %s THEN a.member_id END)"
                f" FROM {t['attendance']} a"
                f" JOIN {t['member']} m ON m.id = a.member_id"
                f" JOIN {t['session_docs']} sd ON sd.studysession_id = a.session_id"
                f" WHERE 1 = 1{org_sql}{doc_sql}"
                " GROUP BY m.organization_id, sd.document_id",
                [AttendanceStatus.PRESENT.value, *org_params, *doc_params],
            )
            for org, doc, invited, attended in cursor.fetchall():
                found[(org, doc)] = (invited, attended)
    return found


def _own_members(org_ids: Sequence[int] | None) -> dict[int, int]:
    t = _tables()
    found: dict[int, int] = {}
    chunks: Iterable[Sequence[int] | None] = [None] if org_ids is None else _chunks(org_ids)
    with connection.cursor() as cursor:
        for chunk in chunks:
            org_sql, org_params = _in("organization_id", chunk)
            cursor.execute(
                f"SELECT organization_id, COUNT(*) FROM {t['member']} WHERE 1 = 1{org_sql}"
                " GROUP BY organization_id",
                org_params,
            )
            found.update(dict(cursor.fetchall()))
    return found


# Applying differences up the tree. -----------------------------------------------------------


def _apply(study: dict[OrgDoc, Figures], members: dict[int, tuple[int, int]]) -> None:
    """Add deltas: study[(org, doc)] = (own_invited, own_attended, invited, attended),
    members[org] = (own, total); then drop the rows that fell to zero."""
    t = _tables()
    rows = sorted((key, d) for key, d in study.items() if any(d))
    member_rows = sorted((org, d) for org, d in members.items() if any(d))
    with connection.cursor() as cursor:
        if len(rows) > BIG and connection.vendor == "postgresql":
            # One statement from a temporary table: executemany would send 50,000 upserts.
            cursor.execute(
                "CREATE TEMPORARY TABLE study_tally_delta (organization_id integer,"
                " document_id integer, own_invited integer, own_attended integer,"
                " invited integer, attended integer) ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY study_tally_delta FROM STDIN") as copy:  # type: ignore[attr-defined]
                for (org, doc), d in rows:
                    copy.write_row((org, doc, *d))
            cursor.execute(
                f"INSERT INTO {t['study']} (organization_id, document_id, own_invited,"
                " own_attended, invited, attended) SELECT organization_id, document_id,"
                " own_invited, own_attended, invited, attended FROM study_tally_delta"
                " ORDER BY document_id, organization_id"
                " ON CONFLICT (document_id, organization_id) DO UPDATE SET"
                f" own_invited = {t['study']}.own_invited + excluded.own_invited,"
                f" own_attended = {t['study']}.own_attended + excluded.own_attended,"
                f" invited = {t['study']}.invited + excluded.invited,"
                f" attended = {t['study']}.attended + excluded.attended"
            )
            cursor.execute("DROP TABLE study_tally_delta")
            rows_done = True
        else:
            rows_done = False
        if rows and not rows_done:
            cursor.executemany(
                f"INSERT INTO {t['study']} (organization_id, document_id, own_invited,"
                " own_attended, invited, attended) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (document_id, organization_id) DO UPDATE SET"
                f" own_invited = {t['study']}.own_invited + excluded.own_invited,"
                f" own_attended = {t['study']}.own_attended + excluded.own_attended,"
                f" invited = {t['study']}.invited + excluded.invited,"
                f" attended = {t['study']}.attended + excluded.attended",
                [(org, doc, *d) for (org, doc), d in rows],
            )
        if member_rows:
            cursor.executemany(
                f"INSERT INTO {t['members']} (organization_id, own, total) VALUES (%s, %s, %s)"
                " ON CONFLICT (organization_id) DO UPDATE SET"
                f" own = {t['members']}.own + excluded.own,"
                f" total = {t['members']}.total + excluded.total",
                [(org, *d) for org, d in member_rows],
            )
    zero = StudyTally.objects.filter(own_invited=0, own_attended=0, invited=0, attended=0)
    if len(rows) > BIG:
        zero.filter(document_id__in=sorted({doc for (_org, doc), _d in rows})).delete()
    else:
        for chunk in _chunks(sorted({org for (org, _doc), _d in rows})):
            zero.filter(organization_id__in=chunk).delete()
    for chunk in _chunks(sorted(org for org, _d in member_rows)):
        MemberTally.objects.filter(organization_id__in=chunk, own=0, total=0).delete()


def _lock(org_ids: Sequence[int]) -> None:
    """Writers of the same units take turns (in id order, so they cannot deadlock)."""
    if connection.vendor != "postgresql":
        return
    for chunk in _chunks(org_ids):
        list(
            Organization.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def refresh(
    org_ids: Iterable[int], document_ids: Iterable[int] | None = None, *, members: bool = True
) -> int:
    """Recount the own figures of these units (for these documents, or all; and their member
    counts unless `members` is False); add each difference to the unit and its ancestors.
    Returns how many own figures changed."""
    orgs = sorted({int(pk) for pk in org_ids if pk is not None})
    if not orgs:
        return 0
    docs = None if document_ids is None else sorted({int(pk) for pk in document_ids})
    with transaction.atomic():
        _lock(orgs)
        own_changes = _study_changes(orgs, docs) if docs != [] else {}
        member_changes = _member_changes(orgs) if members else {}
        if not own_changes and not member_changes:
            return 0
        chains = _paths({org for org, _doc in own_changes} | set(member_changes))
        study: dict[OrgDoc, list[int]] = {}
        for (org, doc), (d_inv, d_att) in own_changes.items():
            for ancestor in chains.get(org, [org]):
                figures = study.setdefault((ancestor, doc), [0, 0, 0, 0])
                if ancestor == org:
                    figures[0] += d_inv
                    figures[1] += d_att
                figures[2] += d_inv
                figures[3] += d_att
        counts: dict[int, list[int]] = {}
        for org, d in member_changes.items():
            for ancestor in chains.get(org, [org]):
                figures = counts.setdefault(ancestor, [0, 0])
                if ancestor == org:
                    figures[0] += d
                figures[1] += d
        _apply(
            {k: (a, b, c, e) for k, (a, b, c, e) in study.items()},
            {k: (a, b) for k, (a, b) in counts.items()},
        )
        return len(own_changes) + len(member_changes)


def _study_changes(orgs: list[int], docs: list[int] | None) -> dict[OrgDoc, tuple[int, int]]:
    """(unit, document) -> change of (own invited, own attended) against what is stored."""
    stored = StudyTally.objects.exclude(own_invited=0, own_attended=0)
    old: dict[OrgDoc, tuple[int, int]] = {}
    columns = ("organization_id", "document_id", "own_invited", "own_attended")
    if len(orgs) > BIG and docs is not None:
        # Most of the tree: one pass over the documents' rows beats thousands of IN lists.
        wanted = set(orgs)
        new = {k: v for k, v in _own_study(None, docs).items() if k[0] in wanted}
        for org, doc, inv, att in stored.filter(document_id__in=docs).values_list(*columns):
            if org in wanted:
                old[(org, doc)] = (inv, att)
    else:
        new = _own_study(orgs, docs)
        for chunk in _chunks(orgs):
            query = stored.filter(organization_id__in=chunk)
            if docs is not None:
                query = query.filter(document_id__in=docs)
            for org, doc, inv, att in query.values_list(*columns):
                old[(org, doc)] = (inv, att)
    changes: dict[OrgDoc, tuple[int, int]] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, (0, 0)), new.get(key, (0, 0))
        if before != after:
            changes[key] = (after[0] - before[0], after[1] - before[1])
    return changes


def _member_changes(orgs: list[int]) -> dict[int, int]:
    """unit -> change of its own member count against what is stored."""
    new = _own_members(orgs)
    old: dict[int, int] = {}
    for chunk in _chunks(orgs):
        old.update(
            MemberTally.objects.filter(organization_id__in=chunk)
            .exclude(own=0)
            .values_list("organization_id", "own")
        )
    return {
        org: new.get(org, 0) - old.get(org, 0) for org in orgs if new.get(org, 0) != old.get(org, 0)
    }


# Deferral and the hooks bulk writers use. ------------------------------------------------------

_state = local()


@contextmanager
def deferred() -> Iterator[None]:
    """Inside this block the signals only note the units and documents touched; they are
    recounted once on exit (in the same transaction as the writes)."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = pending = _Pending()
    try:
        with transaction.atomic():
            yield
            _state.pending = None
            if pending.member_orgs - pending.orgs:
                refresh(pending.member_orgs - pending.orgs, [])
            refresh(
                pending.orgs,
                None if pending.all_docs else pending.docs,
                members=bool(pending.member_orgs & pending.orgs),
            )
    finally:
        _state.pending = None


class _Pending:
    def __init__(self) -> None:
        self.orgs: set[int] = set()  # units whose study figures may have changed
        self.docs: set[int] = set()
        self.all_docs = False
        self.member_orgs: set[int] = set()  # units whose register may have changed


def changed(
    org_ids: Iterable[int], document_ids: Iterable[int] | None = None, *, members: bool = True
) -> None:
    """Units whose own figures may have changed: for these documents (None: any), and their
    registers unless `members` is False."""
    orgs = {int(pk) for pk in org_ids if pk is not None}
    pending = getattr(_state, "pending", None)
    if pending is None:
        refresh(orgs, document_ids, members=members)
        return
    pending.orgs |= orgs
    if members:
        pending.member_orgs |= orgs
    if document_ids is None:
        pending.all_docs = True
    else:
        pending.docs.update(document_ids)


def _session_scope(session_ids: Sequence[int]) -> tuple[set[int], set[int]]:
    """The units whose members are on these sessions' lists, and the documents covered."""
    t = _tables()
    orgs: set[int] = set()
    docs: set[int] = set()
    with _no_jit(), connection.cursor() as cursor:
        for chunk in _chunks(sorted(session_ids)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT DISTINCT m.organization_id FROM {t['attendance']} a"
                f" JOIN {t['member']} m ON m.id = a.member_id WHERE a.session_id IN ({marks})",
                chunk,
            )
            orgs.update(row[0] for row in cursor.fetchall())
            cursor.execute(
                f"SELECT DISTINCT document_id FROM {t['session_docs']}"
                f" WHERE studysession_id IN ({marks})",
                chunk,
            )
            docs.update(row[0] for row in cursor.fetchall())
    return orgs, docs


@contextmanager
def sessions_changing(session_ids: Iterable[int]) -> Iterator[None]:
    """Around a write to these sessions' lists, documents or existence: the units and
    documents concerned before and after are recounted at the end."""
    ids = sorted({int(pk) for pk in session_ids})
    with transaction.atomic():
        orgs, docs = _session_scope(ids)
        yield
        after_orgs, after_docs = _session_scope(ids)
        if docs | after_docs:
            changed(orgs | after_orgs, docs | after_docs, members=False)


# Rebuild and drift. ---------------------------------------------------------------------------


def _recount() -> tuple[dict[OrgDoc, Figures], dict[int, tuple[int, int]]]:
    own = _own_study(None, None)
    own_members = _own_members(None)
    chains = _paths({org for org, _doc in own} | set(own_members))
    study: dict[OrgDoc, list[int]] = {}
    for (org, doc), (inv, att) in own.items():
        for ancestor in chains.get(org, [org]):
            figures = study.setdefault((ancestor, doc), [0, 0, 0, 0])
            if ancestor == org:
                figures[0] += inv
                figures[1] += att
            figures[2] += inv
            figures[3] += att
    members: dict[int, list[int]] = {}
    for org, n in own_members.items():
        for ancestor in chains.get(org, [org]):
            figures = members.setdefault(ancestor, [0, 0])
            if ancestor == org:
                figures[0] += n
            figures[1] += n
    return (
        {k: (a, b, c, d) for k, (a, b, c, d) in study.items() if any((a, b, c, d))},
        {k: (a, b) for k, (a, b) in members.items() if a or b},
    )


def rebuild() -> None:
    """Rewrite both tables from the register and the attendance (after a COPY load, a
    restore…)."""
    from nqtrack.core.bulkload import bulk_load

    with transaction.atomic():
        study, members = _recount()
        StudyTally.objects.all().delete()
        MemberTally.objects.all().delete()
        bulk_load(
            StudyTally,
            [
                "organization_id",
                "document_id",
                "own_invited",
                "own_attended",
                "invited",
                "attended",
            ],
            [(org, doc, *f) for (org, doc), f in sorted(study.items())],
        )
        bulk_load(
            MemberTally,
            ["organization_id", "own", "total"],
            [(org, *f) for org, f in sorted(members.items())],
        )


@register("study")
def check(fix: bool) -> Drift:
    """Compare both tables with a recount; rewrite them if `fix`."""
    drift = Drift(name="study")
    study, members = _recount()
    stored_study = {
        (org, doc): (a, b, c, d)
        for org, doc, a, b, c, d in StudyTally.objects.values_list(
            "organization_id", "document_id", "own_invited", "own_attended", "invited", "attended"
        )
    }
    stored_members = {
        org: (own, total)
        for org, own, total in MemberTally.objects.values_list("organization_id", "own", "total")
    }
    pairs: list[tuple[str, dict[Any, Any], dict[Any, Any]]] = [
        ("study", study, stored_study),
        ("members", members, stored_members),
    ]
    for name, expected, stored in pairs:
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
    """A unit moved with its subtree (paths already rewritten): its subtree figures leave the
    old ancestors and join the new ones."""
    if old_path == new_path:
        return
    old_up = [pk for pk in _chain(old_path) if pk != organization_id]
    new_up = [pk for pk in _chain(new_path) if pk != organization_id]
    study: dict[OrgDoc, list[int]] = {}
    for doc, inv, att in StudyTally.objects.filter(organization_id=organization_id).values_list(
        "document_id", "invited", "attended"
    ):
        for ancestor, sign in [(pk, -1) for pk in old_up] + [(pk, 1) for pk in new_up]:
            figures = study.setdefault((ancestor, doc), [0, 0, 0, 0])
            figures[2] += sign * inv
            figures[3] += sign * att
    members: dict[int, list[int]] = {}
    total = (
        MemberTally.objects.filter(organization_id=organization_id)
        .values_list("total", flat=True)
        .first()
    )
    if total:
        for ancestor, sign in [(pk, -1) for pk in old_up] + [(pk, 1) for pk in new_up]:
            members.setdefault(ancestor, [0, 0])[1] += sign * total
    _apply(
        {k: (a, b, c, d) for k, (a, b, c, d) in study.items()},
        {k: (a, b) for k, (a, b) in members.items()},
    )


def session_documents(session_id: int) -> list[int]:
    return list(
        StudySession.documents.through.objects.filter(studysession_id=session_id).values_list(
            "document_id", flat=True
        )
    )


def members_on_session(session: StudySession, members: Iterable[Member]) -> None:
    """A few members joined or left a session's list."""
    orgs = {m.organization_id for m in members}
    docs = session_documents(session.pk)
    if orgs and docs:
        changed(orgs, docs, members=False)
