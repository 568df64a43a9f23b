"""The quantitative appendix of a review report, from the data as it stood on one day.

Each table is built from the same selectors as the pages that show those figures (the task
roll-up of the statistics page, the programme cascade, the reporting round's rates), so the
numbers in the Word report equal what the dashboards show for the same day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from nqtrack.analytics.selectors import STATUSES, task_rollup
from nqtrack.assignments.models import Target
from nqtrack.assignments.selectors import programme_cascade
from nqtrack.assignments.status import STATUS_LABELS
from nqtrack.assignments.targets import on_track
from nqtrack.documents.selectors import implementing_documents
from nqtrack.organizations.models import User
from nqtrack.reporting.selectors import local_date, round_stats
from nqtrack.reviews.models import Review


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    summary: str = ""
    notes: list[str] = field(default_factory=list)


def as_of_day(review: Review, today: datetime.date) -> datetime.date:
    """The figures are taken up to the review's due date (or today, if that is earlier)."""
    return min(review.due_on, today)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}".replace(".", ",")


def programmes_table(review: Review, as_of: datetime.date) -> Table:
    cascade = programme_cascade(review.document, today=as_of)
    rows = []
    issued = on_time = 0
    for n, row in enumerate(cascade.rows, start=1):
        programme = row.programme if row.programme and row.programme.signed_on <= as_of else None
        if programme is None:
            state = _("not issued, overdue") if as_of > row.requirement.due_on else _("not issued")
        elif programme.signed_on <= row.requirement.due_on:
            state, issued, on_time = _("on time"), issued + 1, on_time + 1
        else:
            state, issued = _("late"), issued + 1
        rows.append(
            [
                n,
                row.requirement.organization.name,
                row.requirement.due_on,
                programme.symbol if programme else "",
                programme.signed_on if programme else None,
                state,
            ]
        )
    return Table(
        key="programmes",
        title=_("Action programmes and plans of the committees and bodies"),
        headers=[
            _("No."),
            _("Unit"),
            _("Due on"),
            _("Programme or plan"),
            _("Issued on"),
            _("State"),
        ],
        rows=rows,
        summary=_("%(issued)s of %(expected)s issued, %(on_time)s on time.")
        % {"issued": issued, "expected": len(rows), "on_time": on_time},
    )


def tasks_table(review: Review, user: User, as_of: datetime.date) -> Table:
    rollup = task_rollup(
        user, review.committee, today=as_of, documents=implementing_documents(review.document)
    )
    rows: list[list[Any]] = []
    for n, r in enumerate(rollup.by_unit, start=1):
        rows.append([n, r.label, r.total, *[r.counts[s] for s in STATUSES], _pct(r.on_time_rate)])
    t = rollup.total
    rows.append(["", _("Total"), t.total, *[t.counts[s] for s in STATUSES], _pct(t.on_time_rate)])
    return Table(
        key="tasks",
        title=_("Tasks by status and lead unit"),
        headers=[
            _("No."),
            _("Unit"),
            _("Total"),
            *[str(STATUS_LABELS[s]) for s in STATUSES],
            _("On-time rate (%)"),
        ],
        rows=rows,
        summary=_("%(total)s tasks; %(late)s overdue or carried over; on-time rate %(rate)s%%.")
        % {"total": t.total, "late": t.late, "rate": _pct(t.on_time_rate)},
    )


def targets_table(review: Review, as_of: datetime.date) -> Table:
    targets = Target.objects.filter(
        programme_id__in=implementing_documents(review.document)
    ).prefetch_related("measurements")
    rows = []
    met = 0
    for n, t in enumerate(targets, start=1):
        latest = next(
            (m for m in reversed(list(t.measurements.all())) if m.measured_on <= as_of), None
        )
        good = (
            None
            if latest is None
            else on_track(
                baseline=t.baseline,
                baseline_on=t.baseline_on,
                target=t.target_value,
                target_year=t.target_year,
                measured=latest.value,
                measured_on=latest.measured_on,
            )
        )
        met += bool(good)
        rows.append(
            [
                n,
                t.name,
                t.unit,
                _num(t.baseline),
                f"{_num(t.target_value)} ({t.target_year})",
                _num(latest.value) if latest else "",
                latest.measured_on if latest else None,
                "" if good is None else (_("on track") if good else _("off track")),
            ]
        )
    return Table(
        key="targets",
        title=_("Targets against their latest values"),
        headers=[
            _("No."),
            _("Target"),
            _("Unit of measure"),
            _("Baseline"),
            _("Target (year)"),
            _("Latest value"),
            _("Measured on"),
            _("Assessment"),
        ],
        rows=rows,
        summary=_("%(met)s of %(n)s targets on track.") % {"met": met, "n": len(rows)},
    )


def _num(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def reports_table(review: Review, as_of: datetime.date) -> Table:
    if review.round is None:
        return Table(
            key="reports",
            title=_("Reports of the units in scope"),
            headers=[_("No."), _("Unit")],
            rows=[],
            summary=_("The units' reports have not been requested."),
        )
    stats = round_stats(review.round, today=as_of)
    states = {
        "submitted": _("submitted"),
        "returned": _("returned for correction"),
        "draft": _("not submitted"),
        "missing": _("not submitted"),
    }
    rows = [
        [
            n,
            u.name,
            states.get(u.state, u.state),
            local_date(u.submitted_at) if u.submitted_at else None,
            _("yes") if u.on_time else "",
            _("yes") if u.generic else "",
        ]
        for n, u in enumerate(stats.units, start=1)
    ]
    return Table(
        key="reports",
        title=_("Reports of the units in scope"),
        headers=[_("No."), _("Unit"), _("State"), _("Sent on"), _("On time"), _("Generic")],
        rows=rows,
        summary=_(
            "%(submitted)s of %(expected)s units reported (completeness %(c)s%%), %(on_time)s on "
            "time (timeliness %(t)s%%), %(generic)s generic."
        )
        % {
            "submitted": stats.submitted,
            "expected": stats.expected,
            "c": _pct(stats.completeness),
            "on_time": stats.on_time,
            "t": _pct(stats.timeliness),
            "generic": stats.generic,
        },
    )


def appendix_tables(review: Review, user: User, *, today: datetime.date) -> list[Table]:
    """Every appendix table, in the order the report numbers them."""
    as_of = as_of_day(review, today)
    tables = []
    if apps.is_installed("nqtrack.dissemination"):
        from nqtrack.reviews.appendix_extra import study_tables

        tables += study_tables(review, user, as_of)
    tables += [
        programmes_table(review, as_of),
        tasks_table(review, user, as_of),
        targets_table(review, as_of),
        reports_table(review, as_of),
    ]
    if apps.is_installed("nqtrack.oversight"):
        from nqtrack.reviews.appendix_extra import oversight_tables

        tables += oversight_tables(review, user, as_of)
    return tables
