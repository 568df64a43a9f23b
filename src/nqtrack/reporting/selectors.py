"""Reads of reporting rounds: scoped lists, the tasks a unit must answer, reporting rates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.assignments.models import Task
from nqtrack.organizations.models import Organization, User
from nqtrack.reporting.models import (
    ReportingRound,
    RoundReopening,
    Submission,
    SubmissionStatus,
)


def rounds_visible_to(user: User) -> QuerySet[ReportingRound]:
    """Rounds run by the user's subtree, and rounds that expect a report from the subtree.

    A commune sees the province's round it must report to; a sibling province sees nothing.
    """
    qs = ReportingRound.objects.select_related("owner")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.none()
    mine = Q(owner__path__startswith=org.path) | Q(expected__path__startswith=org.path)
    return qs.filter(id__in=ReportingRound.objects.filter(mine).values("id"))


def access_round_by_id(user: User, round_id: int | str) -> ReportingRound:
    """The round if the user may see it; 404 both when missing and when hidden."""
    try:
        return rounds_visible_to(user).get(pk=int(round_id))
    except (ReportingRound.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such reporting round.")) from None


def sees_whole_round(user: User, round: ReportingRound) -> bool:
    """The running office's subtree (office, leaders, viewers) sees every unit's report and the
    statistics; a unit only sees its own subtree's reports."""
    if user.is_superuser:
        return True
    return user.organization is not None and round.owner.path.startswith(user.organization.path)


def submissions_visible_in(round: ReportingRound, user: User) -> QuerySet[Submission]:
    qs = (
        Submission.objects.filter(round=round)
        .select_related("organization", "submitted_by", "returned_by")
        .prefetch_related("items")
    )
    if sees_whole_round(user, round):
        return qs
    if user.organization is None:
        return qs.none()
    return qs.filter(organization__path__startswith=user.organization.path)


def access_submission(user: User, round: ReportingRound, organization_code: str) -> Submission:
    try:
        return submissions_visible_in(round, user).get(organization__code=organization_code)
    except Submission.DoesNotExist:
        raise Http404(_("No such submission.")) from None


def open_tasks_for(round: ReportingRound, organization: Organization) -> QuerySet[Task]:
    """The tasks a unit's report must answer in a round.

    - Led by the unit itself. Supporting units are not asked: what they did is part of the lead
      unit's answer, and asking them would make nearly every supporting unit's report generic.
      Tasks of the unit's sub-units are theirs to answer, when they are expected.
    - Assigned by the end of the period: the source document was signed on or before
      `period_end`.
    - Not cancelled, and not completed before the period started: a task finished during the
      period is reported on; one finished earlier is history.
    - Whatever the due date: a task due after the period is still under way and must be
      reported on, and one overdue for years (carried over) is what a self-review must face.
    Cancellation and completion are read as they are now, when the report is submitted.
    """
    return (
        Task.objects.filter(
            lead=organization,
            cancelled=False,
            source_document__signed_on__lte=round.period_end,
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gte=round.period_start))
        .order_by("due_on", "id")
    )


def reopened_until(
    round: ReportingRound, organization: Organization, *, today: datetime.date
) -> datetime.date | None:
    """The last day a reopening in force lets the unit submit, or None."""
    reopenings = RoundReopening.objects.filter(
        round=round, organization=organization, until__gte=today
    )
    return max(reopenings.values_list("until", flat=True), default=None)


def is_locked_for(
    round: ReportingRound, organization: Organization, *, today: datetime.date
) -> bool:
    """After the due date the round is closed to a unit, unless the office reopened it."""
    return today > round.due_on and reopened_until(round, organization, today=today) is None


def local_date(moment: datetime.datetime) -> datetime.date:
    """The calendar day in Asia/Ho_Chi_Minh (the project's time zone) of an aware datetime."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def rate(part: int, whole: int) -> float:
    """part / whole as a fraction 0–1 rounded to 4 places; 0 when nothing is expected."""
    return round(part / whole, 4) if whole else 0.0


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    state: str  # "submitted", "returned", "draft" or "missing"
    submitted_at: datetime.datetime | None
    on_time: bool
    generic: bool
    recorded_by_office: bool
    overdue: bool  # nothing counted and the due date has passed
    reopened_until: datetime.date | None


@dataclass(frozen=True)
class RoundStats:
    expected: int
    submitted: int
    on_time: int
    completeness: float
    timeliness: float
    missing: list[str]
    generic: int
    units: list[UnitRow]


def round_stats(round: ReportingRound, *, today: datetime.date) -> RoundStats:
    """Reporting rates as DHIS2 defines them, over the round's expected units.

    submitted = expected units whose report stands (a returned report does not, until it is
    resubmitted); on time = submitted whose `submitted_at`, as a local date, is on or before
    `due_on` (a reopening lets a unit submit, it does not make the report on time);
    completeness = submitted / expected, timeliness = on time / expected; missing = expected
    units with no standing report, by code; generic = standing reports that left an open task
    unanswered.
    """
    units = sorted(round.expected.all(), key=lambda org: org.code)
    reports = {s.organization_id: s for s in Submission.objects.filter(round=round)}
    reopened: dict[int, datetime.date] = {}
    for org_id, until in RoundReopening.objects.filter(round=round, until__gte=today).values_list(
        "organization_id", "until"
    ):
        reopened[org_id] = max(until, reopened.get(org_id, until))
    rows = []
    for org in units:
        report = reports.get(org.pk)
        standing = report is not None and report.status == SubmissionStatus.SUBMITTED
        at = report.submitted_at if report is not None else None
        on_time = standing and at is not None and local_date(at) <= round.due_on
        rows.append(
            UnitRow(
                code=org.code,
                name=org.name,
                state=report.status if report is not None else "missing",
                submitted_at=at,
                on_time=on_time,
                generic=standing and report is not None and report.generic,
                recorded_by_office=report is not None and report.recorded_by_office,
                overdue=not standing and today > round.due_on,
                reopened_until=reopened.get(org.pk),
            )
        )
    submitted = sum(1 for row in rows if row.state == SubmissionStatus.SUBMITTED)
    on_time_count = sum(1 for row in rows if row.on_time)
    return RoundStats(
        expected=len(rows),
        submitted=submitted,
        on_time=on_time_count,
        completeness=rate(submitted, len(rows)),
        timeliness=rate(on_time_count, len(rows)),
        missing=[row.code for row in rows if row.state != SubmissionStatus.SUBMITTED],
        generic=sum(1 for row in rows if row.generic),
        units=rows,
    )


@dataclass(frozen=True)
class ReportDue:
    """A report a unit still owes: not sent yet, or returned for correction."""

    round: ReportingRound
    returned: bool
    locked: bool
    overdue: bool


def reports_due_from(
    organization: Organization, *, today: datetime.date, limit: int = 10
) -> list[ReportDue]:
    """The rounds expecting a report from this unit that it has not (validly) sent, soonest
    due first: what the unit must report next."""
    sent = Submission.objects.filter(
        organization=organization, status=SubmissionStatus.SUBMITTED
    ).values("round_id")
    returned = set(
        Submission.objects.filter(
            organization=organization, status=SubmissionStatus.RETURNED
        ).values_list("round_id", flat=True)
    )
    rounds = (
        ReportingRound.objects.filter(expected=organization, period_start__lte=today)
        .exclude(id__in=sent)
        .select_related("owner")
        .order_by("due_on", "id")[:limit]
    )
    return [
        ReportDue(
            round=r,
            returned=r.pk in returned,
            locked=r.pk not in returned and is_locked_for(r, organization, today=today),
            overdue=today > r.due_on,
        )
        for r in rounds
    ]
