"""Importing organizations from a table: a dry run that lists every bad row, then all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from nqtrack.core.errors import ValidationError
from nqtrack.core.tabular import parse_iso_or_vn_date, read_table
from nqtrack.core.text import fold
from nqtrack.organizations import services
from nqtrack.organizations.models import Level, Organization, OrganizationKind, User
from nqtrack.organizations.selectors import organizations_managed_by

HEADER_ALIASES = {
    "ma": "code",
    "ma don vi": "code",
    "ma to chuc": "code",
    "code": "code",
    "ten": "name",
    "ten don vi": "name",
    "ten to chuc": "name",
    "name": "name",
    "ten ngan": "short_name",
    "ten goi tat": "short_name",
    "short name": "short_name",
    "ma cap tren": "parent_code",
    "cap tren": "parent_code",
    "parent": "parent_code",
    "parent code": "parent_code",
    "loai": "kind",
    "loai hinh": "kind",
    "kind": "kind",
    "cap": "level",
    "level": "level",
    "ky hieu": "abbreviation",
    "viet tat": "abbreviation",
    "abbreviation": "abbreviation",
    "hieu luc tu": "valid_from",
    "valid from": "valid_from",
    "hieu luc den": "valid_to",
    "valid to": "valid_to",
}


@dataclass
class RowResult:
    line: int
    code: str
    action: str  # "create" or "update"
    errors: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list[RowResult]
    file_errors: list[str] = field(default_factory=list)
    columns: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")


def _choice_lookup(pairs: list[tuple[str, str]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in pairs:
        lookup[fold(value)] = value
        lookup[fold(str(label))] = value
    return lookup


def organizations_import_check(*, by: User, upload: IO[bytes], filename: str) -> ImportReport:
    """Validate every row without writing anything."""
    try:
        table = read_table(upload, filename, HEADER_ALIASES)
    except ValidationError as exc:
        return ImportReport(rows=[], file_errors=[m for m in exc.messages])
    missing = {"code", "name", "kind", "level"} - set(table[0][1]) if table else set()
    if not table:
        return ImportReport(rows=[], file_errors=[_("The file has no data rows.")])
    if missing:
        return ImportReport(
            rows=[],
            file_errors=[
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(missing))}
            ],
        )

    kinds = _choice_lookup([(c.value, str(c.label)) for c in OrganizationKind])
    levels = {
        **{fold(lv.slug): lv for lv in Level.objects.all()},
        **{fold(lv.name): lv for lv in Level.objects.all()},
    }
    managed = {o.code: o for o in organizations_managed_by(by)}
    existing_codes = set(Organization.objects.values_list("code", flat=True))
    file_codes: dict[str, int] = {}
    results: list[RowResult] = []
    for line, row in table:
        code = row.get("code", "").strip()
        result = RowResult(
            line=line, code=code, action="update" if code in existing_codes else "create"
        )
        errors = result.errors
        if not code:
            errors.append(_("The code is empty."))
        elif code in file_codes:
            errors.append(
                _("The code %(code)s is repeated (first on line %(line)s).")
                % {"code": code, "line": file_codes[code]}
            )
        else:
            file_codes[code] = line
        if code in existing_codes and code not in managed:
            errors.append(
                _("The code %(code)s belongs to an organization outside your scope.")
                % {"code": code}
            )
        if not row.get("name", "").strip():
            errors.append(_("The name is empty."))
        kind = kinds.get(fold(row.get("kind", "")))
        if kind is None:
            errors.append(_("Unknown kind “%(value)s”.") % {"value": row.get("kind", "")})
        level = levels.get(fold(row.get("level", "")))
        if level is None:
            errors.append(_("Unknown level “%(value)s”.") % {"value": row.get("level", "")})
        dates = {}
        for key in ("valid_from", "valid_to"):
            try:
                dates[key] = parse_iso_or_vn_date(row.get(key, ""))
            except ValueError:
                errors.append(
                    _("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": row.get(key, "")}
                )
        result.values = {
            "name": row.get("name", "").strip(),
            "short_name": row.get("short_name", "").strip(),
            "abbreviation": row.get("abbreviation", "").strip() or code,
            "kind": kind,
            "level": level,
            "parent_code": row.get("parent_code", "").strip(),
            **dates,
        }
        results.append(result)

    for result in results:
        parent_code = str(result.values["parent_code"])
        if not parent_code:
            if not by.is_superuser and result.action == "create":
                result.errors.append(_("A parent code is required."))
        elif parent_code == result.code:
            result.errors.append(_("An organization cannot be its own parent."))
        elif parent_code not in managed and parent_code not in file_codes:
            result.errors.append(
                _("The parent %(code)s is neither in the file nor in your scope.")
                % {"code": parent_code}
            )
    _check_cycles(results)
    _check_existing_descendants(results)
    return ImportReport(rows=results, columns=frozenset(table[0][1]))


def _check_cycles(results: list[RowResult]) -> None:
    parent_of: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for r in results:  # a repeated code is reported as such; follow its first row only
        parent_of.setdefault(r.code, str(r.values.get("parent_code", "")))
        first_line.setdefault(r.code, r.line)
    for result in results:
        if first_line[result.code] != result.line:
            continue
        seen = {result.code}
        current = parent_of.get(result.code, "")
        while current in parent_of:
            if current in seen:
                result.errors.append(_("The parent codes form a cycle."))
                break
            seen.add(current)
            current = parent_of[current]


def _check_existing_descendants(results: list[RowResult]) -> None:
    """A row may not hang an existing organization under one of its own subordinates."""
    by_code = {r.code: r for r in results}
    existing = {o.code: o for o in Organization.objects.filter(code__in=list(by_code))}
    for result in results:
        org = existing.get(result.code)
        if org is None or result.errors:
            continue
        current = str(result.values.get("parent_code", ""))
        seen = {result.code}
        while current in by_code and current not in seen:  # climb through the file's rows
            seen.add(current)
            current = str(by_code[current].values.get("parent_code", ""))
        if current in seen:
            continue  # a cycle inside the file, reported by _check_cycles
        anchor = Organization.objects.filter(code=current).only("path").first()
        if anchor is not None and anchor.path.startswith(org.path):
            result.errors.append(
                _("%(code)s cannot be placed under %(parent)s, one of its own subordinates.")
                % {"code": result.code, "parent": current}
            )


@transaction.atomic
def organizations_import_apply(*, by: User, upload: IO[bytes], filename: str) -> ImportReport:
    """Check again, then write every row or none."""
    report = organizations_import_check(by=by, upload=upload, filename=filename)
    if not report.ok:
        return report
    by_code = {r.code: r for r in report.rows}
    done: dict[str, Organization] = {}

    def ensure(code: str) -> Organization:
        if code in done:
            return done[code]
        row = by_code[code]
        values = dict(row.values)
        parent_code = str(values.pop("parent_code"))
        parent = None
        if parent_code:
            parent = (
                ensure(parent_code)
                if parent_code in by_code
                else Organization.objects.get(code=parent_code)
            )
        existing = Organization.objects.filter(code=code).first()
        if existing is None:
            org = services.organization_create(by=by, code=code, parent=parent, **values)  # type: ignore[arg-type]
        else:
            # Re-import changes only the columns the file has, and never revives a merged one.
            present = {k: v for k, v in values.items() if k in report.columns}
            if existing.successor_id is not None:
                present.pop("valid_to", None)
            org = services.organization_update(by=by, organization=existing, **present)
            moved = "parent_code" in report.columns and existing.parent_id != (
                parent.pk if parent else None
            )
            if moved:
                org = services.organization_move(by=by, organization=org, new_parent=parent)
        done[code] = org
        return org

    for row in report.rows:
        try:
            ensure(row.code)
        except ValidationError as exc:
            transaction.set_rollback(True)
            row.errors.extend(exc.messages)
            return report
    return report
