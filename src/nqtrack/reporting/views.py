"""Self-review reporting pages: the rounds, one round's units and rates, submitting, returning."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from nqtrack.assignments.selectors import tasks_visible_to, with_status
from nqtrack.assignments.status import STATUS_LABELS
from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.organizations.models import Organization, Role, User
from nqtrack.reporting import selectors, services
from nqtrack.reporting.forms import ReopenForm, ReturnForm, RoundForm, SubmitForm
from nqtrack.reporting.models import (
    ReportingRound,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)

ROUNDS_PER_PAGE = 25
UNITS_PER_PAGE = 50
ANSWERS_PER_PAGE = 50
EVENTS_PER_PAGE = 20

# A unit's standing in a round, as the round page and its export show it.
MISSING, ON_TIME, LATE, RETURNED, DRAFT = "missing", "on_time", "late", "returned", "draft"
UNIT_STATUS_LABELS = {
    MISSING: gettext_lazy("not reported"),
    ON_TIME: gettext_lazy("submitted on time"),
    LATE: gettext_lazy("submitted late"),
    RETURNED: gettext_lazy("returned for correction"),
    DRAFT: gettext_lazy("draft"),
}
EVENT_LABELS = {
    SubmissionEvent.Event.SUBMIT: gettext_lazy("submitted"),
    SubmissionEvent.Event.RETURN: gettext_lazy("returned for correction"),
}


def _percent(fraction: float) -> float:
    return round(fraction * 100, 1)


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _office(user: User, rnd: ReportingRound) -> bool:
    return services.can_run(user, rnd.owner)


def unit_status(row: selectors.UnitRow) -> str:
    if row.state == SubmissionStatus.SUBMITTED:
        return ON_TIME if row.on_time else LATE
    if row.state in (SubmissionStatus.RETURNED, SubmissionStatus.DRAFT):
        return str(row.state)
    return MISSING


@dataclass(frozen=True)
class UnitLine:
    """One row of the per-unit table; `cells` are exactly what the page and the XLSX show."""

    row: selectors.UnitRow
    status: str
    cells: list[str]
    report_visible: bool


def unit_headers() -> list[str]:
    return [
        _("Code"),
        _("Unit"),
        _("Report status"),
        _("Generic report"),
        _("Submitted at"),
        _("Paper report"),
        _("Reopened until"),
    ]


def _unit_lines(
    rnd: ReportingRound, user: User, stats: selectors.RoundStats, *, whole: bool
) -> list[UnitLine]:
    rows = stats.units
    if not whole:  # a unit sees the expected units of its own subtree
        org = user.organization
        mine = (
            set(rnd.expected.filter(path__startswith=org.path).values_list("code", flat=True))
            if org is not None
            else set()
        )
        rows = [r for r in rows if r.code in mine]
    visible = set(
        selectors.submissions_visible_in(rnd, user).values_list("organization__code", flat=True)
    )
    yes = _("Yes")
    lines = []
    for row in rows:
        status = unit_status(row)
        cells = [
            row.code,
            row.name,
            str(UNIT_STATUS_LABELS[status]),
            yes if row.generic else "",
            _local(row.submitted_at),
            yes if row.recorded_by_office else "",
            row.reopened_until.strftime("%d/%m/%Y") if row.reopened_until else "",
        ]
        lines.append(UnitLine(row, status, cells, row.code in visible))
    return lines


@dataclass(frozen=True)
class RoundLine:
    round: ReportingRound
    whole: bool
    expected: int
    submitted: int
    completeness: float | None
    timeliness: float | None
    locked: bool


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    qs = selectors.rounds_visible_to(user).order_by("-due_on", "-id")
    page = Paginator(qs, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    lines = []
    for rnd in page.object_list:
        whole = selectors.sees_whole_round(user, rnd)
        stats = selectors.round_stats(rnd, today=today)
        if whole:
            expected, submitted = stats.expected, stats.submitted
        else:
            mine = _unit_lines(rnd, user, stats, whole=False)
            expected = len(mine)
            submitted = sum(1 for line in mine if line.status in (ON_TIME, LATE))
        lines.append(
            RoundLine(
                round=rnd,
                whole=whole,
                expected=expected,
                submitted=submitted,
                completeness=_percent(stats.completeness) if whole else None,
                timeliness=_percent(stats.timeliness) if whole else None,
                locked=today > rnd.due_on,
            )
        )
    org = user.organization
    return render(
        request,
        "reporting/list.html",
        {
            "page_obj": page,
            "lines": lines,
            "can_create": org is not None and services.can_run(user, org),
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    owner = user.organization
    if owner is None or not services.can_run(user, owner):
        raise PermissionDenied(_("You may not run reporting rounds for this organization."))
    if request.method == "POST":
        form = RoundForm(request.POST, owner=owner)
        if form.is_valid():
            try:
                rnd = services.round_create(by=user, owner=owner, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Reporting round “%(title)s” was created.") % {"title": rnd.title}
                )
                return redirect("reporting:detail", pk=rnd.pk)
    else:
        form = RoundForm(owner=owner)
    return render(request, "reporting/form.html", {"form": form, "owner": owner})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    today = timezone.localdate()
    whole = selectors.sees_whole_round(user, rnd)
    office = _office(user, rnd)
    stats = selectors.round_stats(rnd, today=today)
    lines = _unit_lines(rnd, user, stats, whole=whole)
    status = request.GET.get("status", "")
    if status in UNIT_STATUS_LABELS:
        lines = [line for line in lines if line.status == status]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"bao-cao-ra-soat-{rnd.pk}.xlsx",
            _("Units"),
            unit_headers(),
            [line.cells for line in lines],
        )
    page = Paginator(lines, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    org = user.organization
    own_unit = None  # the user's own unit, when the user may send its report now
    if (
        org is not None
        and not office
        and user.role != Role.VIEWER
        and rnd.expected.filter(pk=org.pk).exists()
    ):
        returned = Submission.objects.filter(
            round=rnd, organization=org, status=SubmissionStatus.RETURNED
        ).exists()
        if returned or not selectors.is_locked_for(rnd, org, today=today):
            own_unit = org
    context = {
        "round": rnd,
        "whole": whole,
        "office": office,
        "stats": stats if whole else None,
        "completeness": _percent(stats.completeness),
        "timeliness": _percent(stats.timeliness),
        "locked": today > rnd.due_on,
        "page_obj": page,
        "lines": page.object_list,
        "headers": unit_headers(),
        "status": status,
        "status_labels": {k: str(v) for k, v in UNIT_STATUS_LABELS.items()},
        "own_unit": own_unit,
        "reopen_form": ReopenForm(units=rnd.expected.order_by("path")) if office else None,
        "reopenings": rnd.reopenings.select_related("organization", "by").order_by("-at")[:10]
        if office
        else [],
    }
    return render(request, "reporting/detail.html", context)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    if not _office(user, rnd):
        raise PermissionDenied(_("Only the office that runs the round may remind its units."))
    count = services.round_remind_missing(by=user, round=rnd, today=timezone.localdate())
    if count:
        messages.success(
            request,
            ngettext(
                "%(n)s unit that has not reported was reminded.",
                "%(n)s units that have not reported were reminded.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(
            request,
            _("Nobody was reminded: every unit has reported or was already reminded today."),
        )
    return redirect("reporting:detail", pk=rnd.pk)


@login_required
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    if not _office(user, rnd):
        raise PermissionDenied(_("Only the office that runs the round may reopen it."))
    form = ReopenForm(request.POST, units=rnd.expected.all())
    if not form.is_valid():
        messages.error(request, _("Choose a unit and the last day it may submit (dd/mm/yyyy)."))
        return redirect("reporting:detail", pk=rnd.pk)
    unit, until = form.cleaned_data["organization"], form.cleaned_data["until"]
    try:
        services.round_reopen_for(by=user, round=rnd, organization=unit, until=until)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(unit)s may submit its report until %(date)s.")
            % {"unit": unit.name, "date": until.strftime("%d/%m/%Y")},
        )
    return redirect("reporting:detail", pk=rnd.pk)


def _submitting_unit(
    request: HttpRequest, user: User, rnd: ReportingRound, office: bool
) -> Organization | None:
    """The unit whose report the page is for: the user's own, or the one the office chose."""
    if office:
        code = request.POST.get("don-vi") or request.GET.get("don-vi") or ""
        if not code:
            org = user.organization
            if org is not None and rnd.expected.filter(pk=org.pk).exists():
                return org
            return None
        unit = rnd.expected.filter(code=code).first()
        if unit is None:
            raise Http404(_("%(name)s is not expected to report in this round.") % {"name": code})
        return unit
    org = user.organization
    if org is None or user.role == Role.VIEWER or not rnd.expected.filter(pk=org.pk).exists():
        raise PermissionDenied(_("You may not submit a report for this unit."))
    return org


@login_required
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    office = _office(user, rnd)
    unit = _submitting_unit(request, user, rnd, office)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "round": rnd,
        "office": office,
        "unit": unit,
        "units": rnd.expected.order_by("path") if office else [],
        "reports": {s.organization_id: s for s in Submission.objects.filter(round=rnd)}
        if office
        else {},
    }
    if unit is None:
        return render(request, "reporting/submit.html", context)
    report = Submission.objects.filter(round=rnd, organization=unit).first()
    returned = report is not None and report.status == SubmissionStatus.RETURNED
    locked = not office and not returned and selectors.is_locked_for(rnd, unit, today=today)
    open_tasks = selectors.open_tasks_for(rnd, unit)
    tasks = list(
        with_status(
            open_tasks.filter(pk__in=tasks_visible_to(user).values("pk")), today=today
        ).select_related("source_document")
    )
    previous = (
        {item.task_id: item for item in report.items.prefetch_related("files")} if report else {}
    )
    if request.method == "POST" and not locked:
        form = SubmitForm(
            request.POST, request.FILES, tasks=tasks, office=office, previous=previous
        )
        if form.is_valid():
            try:
                report = services.submission_submit(
                    by=user,
                    round=rnd,
                    organization=unit,
                    items=[services.Answer(*answer) for answer in form.answers()],
                    submitted_at=form.cleaned_data.get("submitted_at"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("The report of %(unit)s was sent.") % {"unit": unit.name}
                )
                if report.generic:
                    n = len(report.unanswered)
                    messages.warning(
                        request,
                        ngettext(
                            "It leaves %(n)s open task unanswered, so it is flagged as generic "
                            "(chung chung).",
                            "It leaves %(n)s open tasks unanswered, so it is flagged as generic "
                            "(chung chung).",
                            n,
                        )
                        % {"n": n},
                    )
                return redirect("reporting:detail", pk=rnd.pk)
    else:
        form = SubmitForm(tasks=tasks, office=office, previous=previous)
    context.update(
        {
            "form": form,
            "report": report,
            "previous": previous,
            "returned": returned,
            "locked": locked,
            "reopened_until": selectors.reopened_until(rnd, unit, today=today),
            "hidden_tasks": open_tasks.count() - len(tasks),
            "task_labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "due_message": _(
                "Reports were due on %(date)s; ask the office to reopen the round for your unit."
            )
            % {"date": rnd.due_on.strftime("%d/%m/%Y")},
        }
    )
    return render(request, "reporting/submit.html", context)


def _submission_page(
    request: HttpRequest,
    rnd: ReportingRound,
    report: Submission,
    return_form: ReturnForm | None = None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    office = _office(user, rnd)
    items = (
        report.items.select_related("task", "task__source_document")
        .prefetch_related("files")
        .order_by("task_id")
    )
    answers = Paginator(items, ANSWERS_PER_PAGE).get_page(request.GET.get("page"))
    events = Paginator(
        report.events.select_related("by").order_by("-at", "-id"), EVENTS_PER_PAGE
    ).get_page(request.GET.get("history"))
    visible = set(
        tasks_visible_to(user)
        .filter(pk__in=[*(i.task_id for i in answers), *report.unanswered])
        .values_list("pk", flat=True)
    )
    unanswered = list(
        tasks_visible_to(user)
        .filter(pk__in=report.unanswered)
        .order_by("due_on", "id")
        .select_related("source_document")
    )
    org = user.organization
    can_resubmit = (
        not office
        and org is not None
        and org.pk == report.organization_id
        and user.role != Role.VIEWER
    )
    return render(
        request,
        "reporting/submission.html",
        {
            "round": rnd,
            "report": report,
            "office": office,
            "page_obj": answers,
            "answers": answers.object_list,
            "events": events,
            "event_labels": {k: str(v) for k, v in EVENT_LABELS.items()},
            "visible_tasks": visible,
            "unanswered": unanswered,
            "hidden_unanswered": len(report.unanswered) - len(unanswered),
            "late": report.submitted_at is not None
            and selectors.local_date(report.submitted_at) > rnd.due_on,
            "can_return": office and report.status == SubmissionStatus.SUBMITTED,
            "can_resubmit": can_resubmit,
            "return_form": return_form or ReturnForm(),
        },
        status=400 if return_form is not None and return_form.errors else 200,
    )


@login_required
def submission_detail(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    report = selectors.access_submission(user, rnd, code)
    return _submission_page(request, rnd, report)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    report = selectors.access_submission(user, rnd, code)
    if not _office(user, rnd):
        raise PermissionDenied(_("Only the office that runs the round may return a report."))
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _submission_page(request, rnd, report, form)
    try:
        services.submission_return(by=user, submission=report, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The report of %(unit)s was returned for correction.")
            % {"unit": report.organization.name},
        )
    return redirect("reporting:submission", pk=rnd.pk, code=report.organization.code)
