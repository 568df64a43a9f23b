"""Importing members, attendance and essay scores from XLSX/CSV tables.

Each import is a check that writes nothing and lists every bad row with its reason, then an
apply that writes all rows or none. Checks validate in Python against dictionaries of codes
loaded in one query; attendance is written with core.bulkload (COPY / executemany), so a
list of hundreds of thousands of rows takes seconds, not the hours row-by-row saves would.
Long imports run as jobs (jobs.py), which report progress through the `progress` callbacks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.core.audit import audit_record
from nqtrack.core.bulkload import bulk_load
from nqtrack.core.errors import ValidationError, field_error
from nqtrack.core.tabular import (
    _cell,
    _header_key,
    check_table,
    parse_iso_or_vn_date,
    within_row_limit,
)
from nqtrack.dissemination import conf, essays, tallies
from nqtrack.dissemination.access import require_unit, units_managed_by
from nqtrack.dissemination.models import (
    EXEMPTION_FIELDS,
    Attendance,
    AttendanceStatus,
    Member,
    StudySession,
)
from nqtrack.dissemination.rules import parse_attendance_status, parse_flag, parse_sex
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, User

Progress = Callable[[int], None]
PROGRESS_EVERY = 5_000

MEMBER_ALIASES = {
    "ma": "code",
    "ma dang vien": "code",
    "so the dang": "code",
    "so the dang vien": "code",
    "member code": "code",
    "code": "code",
    "ho va ten": "full_name",
    "ho ten": "full_name",
    "ten": "full_name",
    "full name": "full_name",
    "name": "full_name",
    "ma chi bo": "organization",
    "ma to chuc": "organization",
    "ma don vi": "organization",
    "chi bo": "organization",
    "to chuc": "organization",
    "organization": "organization",
    "ngay sinh": "birth_date",
    "birth date": "birth_date",
    "gioi tinh": "sex",
    "sex": "sex",
    "chuc vu": "posts",
    "chuc vu dam nhiem": "posts",
    "posts": "posts",
    "mien sinh hoat": "exempt_party_activities",
    "mien sinh hoat dang": "exempt_party_activities",
    "exempted from party activities": "exempt_party_activities",
    "om dau": "ill_health",
    "suc khoe yeu": "ill_health",
    "ill health": "ill_health",
    "nghi huu": "retired",
    "huu tri": "retired",
    "retired": "retired",
    "khong giu chuc vu": "rural_no_post",
    "khong giu chuc vu lanh dao": "rural_no_post",
    "no leadership post": "rural_no_post",
}
ATTENDANCE_ALIASES = {
    "ma": "code",
    "ma dang vien": "code",
    "so the dang": "code",
    "member code": "code",
    "code": "code",
    "member": "code",
    "tinh trang": "status",
    "trang thai": "status",
    "diem danh": "status",
    "tham du": "status",
    "status": "status",
    "attendance": "status",
}
SCORE_ALIASES = {
    "ma": "code",
    "ma dang vien": "code",
    "so the dang": "code",
    "member code": "code",
    "member": "code",
    "code": "code",
    "diem": "score",
    "diem so": "score",
    "score": "score",
}


COLUMN_LABELS = {
    "code": gettext_lazy("Member code"),
    "full_name": gettext_lazy("Full name"),
    "organization": gettext_lazy("Cell code"),
    "status": gettext_lazy("Attendance"),
    "score": gettext_lazy("Score"),
}


# Reading tables ------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    estimated_rows: int


def open_table(upload: IO[bytes], filename: str, aliases: Mapping[str, str]) -> Table:
    """Stream the data rows of an XLSX or CSV file as (line, {column: text}), skipping empty
    rows; a field error on `file` when it cannot be read. Unlike core.tabular.read_table it
    keeps one row in memory at a time."""
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise field_error("file", _("Choose an .xlsx or .csv table to import."))
    name = check_table(upload, filename)
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            raw = (
                [_cell(v) for v in row]
                for row in within_row_limit(sheet.iter_rows(values_only=True))
            )
            header = next(raw, None)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise field_error(
                "file", _("The Excel table cannot be read: %(error)s") % {"error": exc}
            ) from exc
        estimated = max((sheet.max_row or 1) - 1, 0)
    elif name.endswith(".csv"):
        data = upload.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise field_error("file", _("The CSV table must be saved in UTF-8.")) from exc
        dialect: Any = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        raw = ([c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect))
        header = next(raw, None)
        estimated = max(text.count("\n") - 1, 0)
    else:
        raise field_error("file", _("Choose an .xlsx or .csv table to import."))
    if not header or not any(header):
        raise field_error("file", _("The table is empty."))
    columns = [_header_key(h, aliases) for h in header]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, values in enumerate(raw, start=2):
            if not any(values):
                continue
            yield line, {c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)}

    return Table(columns=[c for c in columns if c], rows=rows(), estimated_rows=estimated)


@dataclass
class RowError:
    line: int
    code: str
    errors: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "errors": self.errors}


@dataclass
class ImportCheck:
    """What a dry run found: the rows' errors, the counts it would write, and (for apply) the
    validated values."""

    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    columns: frozenset[str] = frozenset()
    values: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors and self.total > 0


def _missing_columns(table: Table, required: set[str]) -> list[str]:
    missing = required - set(table.columns)
    if missing:
        return [
            _("The table lacks the columns: %(columns)s.")
            % {"columns": ", ".join(sorted(str(COLUMN_LABELS.get(c, c)) for c in missing))}
        ]
    return []


def _tick(progress: Progress | None, n: int) -> None:
    if progress is not None and n % PROGRESS_EVERY == 0:
        progress(n)


def _read(
    upload: IO[bytes], filename: str, aliases: Mapping[str, str], required: set[str]
) -> tuple[Table | None, ImportCheck]:
    try:
        table = open_table(upload, filename, aliases)
    except ValidationError as exc:
        return None, ImportCheck(file_errors=list(exc.messages))
    report = ImportCheck(file_errors=_missing_columns(table, required))
    report.columns = frozenset(table.columns)
    return (None if report.file_errors else table), report


def _finish(report: ImportCheck) -> ImportCheck:
    if report.total == 0 and not report.file_errors:
        report.file_errors.append(_("The table has no data rows."))
    return report


# Members -------------------------------------------------------------------------------


def members_import_check(
    *,
    by: User,
    scope: Organization,
    upload: IO[bytes],
    filename: str,
    progress: Progress | None = None,
) -> ImportCheck:
    """Validate a member register (code, full name, cell code; optional birth date, sex,
    posts and exemption flags) for units of `scope`'s subtree the user may write for."""
    require_unit(by, scope)
    table, report = _read(upload, filename, MEMBER_ALIASES, {"code", "full_name", "organization"})
    if table is None:
        return report
    units = {o.code: o for o in units_managed_by(by).filter(path__startswith=scope.path)}
    rows = list(table.rows)
    existing = _existing_members([row.get("code", "").strip() for _line, row in rows])
    seen: dict[str, int] = {}
    flags = [name for name in EXEMPTION_FIELDS.values() if name in table.columns]
    for line, row in rows:
        report.total += 1
        _tick(progress, report.total)
        errors: list[str] = []
        code = row.get("code", "").strip()
        if not code:
            errors.append(_("The member code is empty."))
        elif code in seen:
            errors.append(
                _("The member code %(code)s is repeated (first on line %(line)s).")
                % {"code": code, "line": seen[code]}
            )
        else:
            seen[code] = line
        if code in existing and not existing[code].startswith(scope.path):
            errors.append(
                _("The member code %(code)s belongs to a member outside your scope.")
                % {"code": code}
            )
        full_name = " ".join(row.get("full_name", "").split())
        if not full_name:
            errors.append(_("The full name is empty."))
        org_code = row.get("organization", "").strip()
        org = units.get(org_code)
        if org is None:
            errors.append(
                _("Unknown organization code “%(value)s” (or outside your scope).")
                % {"value": org_code}
            )
        values: dict[str, Any] = {"code": code, "full_name": full_name, "organization": org}
        if "birth_date" in table.columns:
            try:
                values["birth_date"] = parse_iso_or_vn_date(row.get("birth_date", ""))
            except ValueError:
                errors.append(
                    _("“%(value)s” is not a date in the form dd/mm/yyyy.")
                    % {"value": row["birth_date"]}
                )
        if "sex" in table.columns:
            values["sex"] = parse_sex(row.get("sex", ""))
            if values["sex"] is None:
                errors.append(
                    _("“%(value)s” is not a sex (Nam or Nữ).") % {"value": row.get("sex", "")}
                )
        if "posts" in table.columns:
            values["posts"] = row.get("posts", "").strip()
        for name in flags:
            values[name] = parse_flag(row.get(name, ""))
            if values[name] is None:
                errors.append(
                    _("“%(value)s” is not a yes/no value (x, có, không).")
                    % {"value": row.get(name, "")}
                )
        if errors:
            report.errors.append(RowError(line=line, code=code, errors=errors))
        else:
            report.values.append(values)
            key = "updated" if code in existing else "created"
            report.counts[key] = report.counts.get(key, 0) + 1
    return _finish(report)


def _existing_members(codes: list[str]) -> dict[str, str]:
    """Code → organization path of the registered members among `codes`."""
    found: dict[str, str] = {}
    for start in range(0, len(codes), 5_000):
        chunk = [c for c in codes[start : start + 5_000] if c]
        found.update(
            Member.objects.filter(code__in=chunk).values_list("code", "organization__path")
        )
    return found


@transaction.atomic
def members_import_apply(
    *, by: User, scope: Organization, report: ImportCheck, progress: Progress | None = None
) -> ImportCheck:
    """Create new members and update existing ones (only the columns the file has); all or
    nothing. One audit event on `scope` summarizes the import."""
    if not report.ok:
        return report
    require_unit(by, scope)
    codes = [v["code"] for v in report.values]
    existing: dict[str, Member] = {}
    for start in range(0, len(codes), 5_000):
        chunk = Member.objects.filter(code__in=codes[start : start + 5_000])
        existing.update((m.code, m) for m in chunk.select_related("organization"))
    new: list[Member] = []
    changed: list[Member] = []
    units: set[int] = set()  # registers whose counts change
    fields = sorted({k for v in report.values for k in v} - {"code"} | {"updated_at"})
    now = timezone.now()
    for values in report.values:
        member = existing.get(values["code"])
        if member is None:
            new.append(Member(**values))
            continue
        if not member.organization.path.startswith(scope.path):
            raise ValidationError(_("The register changed during the import; check it again."))
        if any(getattr(member, k) != v for k, v in values.items()):
            units.add(member.organization_id)
            for k, v in values.items():
                setattr(member, k, v)
            member.updated_at = now
            changed.append(member)
    with tallies.deferred():
        Member.objects.bulk_create(new, batch_size=1000)
        if changed:
            Member.objects.bulk_update(changed, fields, batch_size=1000)
        units |= {m.organization_id for m in changed}
        tallies.changed(units)
    if progress is not None:
        progress(len(report.values))
    audit_record(
        actor=by,
        action="import_members",
        obj=scope,
        organization=scope,
        changes={"created": [None, len(new)], "updated": [None, len(changed)]},
    )
    report.counts = {"created": len(new), "updated": len(changed)}
    return report


# Attendance ----------------------------------------------------------------------------


def attendance_import_check(
    *,
    by: User,
    session: StudySession,
    upload: IO[bytes],
    filename: str,
    progress: Progress | None = None,
) -> ImportCheck:
    """Validate an attendance list (member code; status: có mặt / vắng có lý do / vắng, with
    or without diacritics, or present / excused / absent) for members of the organizer's
    subtree. `values` holds (member id, status) pairs for apply."""
    require_unit(by, session.organizer)
    table, report = _read(upload, filename, ATTENDANCE_ALIASES, {"code", "status"})
    if table is None:
        return report
    rows = list(table.rows)  # the file's rows; the members are looked up for these codes only
    ids = _member_ids(
        session.organizer, {row.get("code", "").strip() for _line, row in rows} - {""}
    )
    seen: dict[str, int] = {}
    counts = dict.fromkeys(
        (
            AttendanceStatus.PRESENT.value,
            AttendanceStatus.EXCUSED.value,
            AttendanceStatus.ABSENT.value,
        ),
        0,
    )
    unknown: list[tuple[RowError, str]] = []
    for line, row in rows:
        report.total += 1
        _tick(progress, report.total)
        code = row.get("code", "").strip()
        errors: list[str] = []
        member_id = ids.get(code)
        if not code:
            errors.append(_("The member code is empty."))
        elif code in seen:
            errors.append(
                _("The member code %(code)s is repeated (first on line %(line)s).")
                % {"code": code, "line": seen[code]}
            )
        else:
            seen[code] = line
        status = parse_attendance_status(row.get("status", ""))
        if status is None:
            errors.append(
                _("“%(value)s” is not an attendance status (có mặt, vắng có lý do, vắng).")
                % {"value": row.get("status", "")}
            )
        if code and member_id is None:
            error = RowError(line=line, code=code, errors=errors)
            unknown.append((error, code))
            report.errors.append(error)
        elif errors:
            report.errors.append(RowError(line=line, code=code, errors=errors))
        elif member_id is not None and status is not None:
            report.values.append((member_id, status))
            counts[status] += 1
    _explain_unknown(unknown, session.organizer)
    report.counts = counts
    return _finish(report)


LOOKUP_CHUNK = 5_000


def _member_ids(organization: Organization, codes: set[str]) -> dict[str, int]:
    """Member id by code, for the codes of a file, among the members of the subtree.

    A small subtree is read whole (one query); a large one (a province or the country holds
    millions of members) is asked only for the file's codes, in chunks, so memory follows the
    file, not the register."""
    members = Member.objects.filter(organization__path__startswith=organization.path)
    if members.count() <= 2 * len(codes) + LOOKUP_CHUNK:
        return dict(members.values_list("code", "pk"))
    ordered = sorted(codes)
    ids: dict[str, int] = {}
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        ids.update(members.filter(code__in=chunk).values_list("code", "pk"))
    return ids


def _explain_unknown(unknown: list[tuple[RowError, str]], org: Organization) -> None:
    """Unknown codes: tell a member of another unit from a code that does not exist."""
    elsewhere: set[str] = set()
    codes = [code for _error, code in unknown]
    for start in range(0, len(codes), 5_000):
        chunk = codes[start : start + 5_000]
        elsewhere |= set(Member.objects.filter(code__in=chunk).values_list("code", flat=True))
    for error, code in unknown:
        if code in elsewhere:
            message = _("The member %(code)s is not in %(organization)s.") % {
                "code": code,
                "organization": org.name,
            }
        else:
            message = _("No party member has the code %(code)s.") % {"code": code}
        error.errors.insert(0, message)


@transaction.atomic
def attendance_import_apply(
    *, by: User, session: StudySession, report: ImportCheck, progress: Progress | None = None
) -> ImportCheck:
    """Replace the session's attendance with the file's, all or nothing.

    Members in the file are invited with their status; members invited before but absent
    from the file stay invited with no status recorded. One audit event on the session.
    """
    if not report.ok:
        return report
    require_unit(by, session.organizer)
    listed = {member_id for member_id, _status in report.values}
    kept = [
        pk
        for pk in Attendance.objects.filter(session=session).values_list("member_id", flat=True)
        if pk not in listed
    ]
    rows = [(session.pk, member_id, status) for member_id, status in report.values]
    rows += [(session.pk, pk, AttendanceStatus.UNRECORDED.value) for pk in kept]
    listed_rows = len(report.values)  # progress counts the file's rows, written first
    with tallies.sessions_changing([session.pk]):
        Attendance.objects.filter(session=session).delete()
        bulk_load(
            Attendance,
            ["session_id", "member_id", "status"],
            rows,
            progress=(lambda n: progress(min(n, listed_rows))) if progress else None,
            every=conf.import_progress_every(),
        )
    audit_record(
        actor=by,
        action="import_attendance",
        obj=session,
        organization=session.organizer,
        changes={
            **{k: [None, v] for k, v in report.counts.items()},
            "unrecorded": [None, len(kept)],
        },
    )
    return report


# Essay scores --------------------------------------------------------------------------


def scores_import_check(
    *,
    by: User,
    organization: Organization,
    document: Document,
    upload: IO[bytes],
    filename: str,
    progress: Progress | None = None,
) -> tuple[ImportCheck, essays.ScoreEntry | None]:
    """Validate a table of (member code, score) for essays on a document; the entry it
    returns is what scores_import_apply writes."""
    table, report = _read(upload, filename, SCORE_ALIASES, {"code", "score"})
    if table is None:
        return report, None
    rows = []
    for line, row in table.rows:
        report.total += 1
        _tick(progress, report.total)
        rows.append((line, row.get("code", ""), row.get("score", "")))
    entry = essays.essay_scores_check(
        by=by, organization=organization, document=document, scores=rows
    )
    report.errors = [RowError(line=r.line, code=r.code, errors=r.errors) for r in entry.bad_rows]
    report.counts = {a: entry.count(a) for a in ("first", "rewrite", "unchanged")}
    return _finish(report), entry


def scores_import_apply(*, by: User, entry: essays.ScoreEntry) -> essays.ScoreEntry:
    """Write the checked scores: all rows or none."""
    return essays.essay_scores_apply(by=by, entry=entry)
