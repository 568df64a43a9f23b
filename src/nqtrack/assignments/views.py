"""Task pages: a unit's inbox, the task list, and one task with its actions and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nqtrack.assignments import services
from nqtrack.assignments.filters import SORTS, TaskListQuery
from nqtrack.assignments.forms import AssessmentForm, DecisionForm, EventForm, ExtensionForm
from nqtrack.assignments.models import Evidence, ExtensionDecision
from nqtrack.assignments.selectors import (
    access_task_by_id,
    open_on,
    task_list_count,
    tasks_led_within,
    tasks_visible_to,
    with_status,
)
from nqtrack.assignments.status import OPEN, STATUS_LABELS, TRANSITIONS
from nqtrack.core.downloads import file_response
from nqtrack.core.exports import xlsx_response
from nqtrack.core.query import KnownCountPaginator, page_query
from nqtrack.reporting.selectors import reports_due_from

EVENT_LABELS = {
    "complete": gettext_lazy("marked as done"),
    "reopen": gettext_lazy("reopened"),
    "cancel": gettext_lazy("cancelled"),
    "restore": gettext_lazy("restored"),
    "progress": gettext_lazy("progress reported"),
    "extension_requested": gettext_lazy("more time requested"),
    "extension_approved": gettext_lazy("extension approved"),
    "extension_refused": gettext_lazy("extension refused"),
    "assessed": gettext_lazy("quality assessed"),
}
# The inbox puts what needs attention first.
URGENCY = Case(
    When(status="overdue", then=Value(0)),
    When(status="carried_over", then=Value(1)),
    When(status="due_soon", then=Value(2)),
    When(status="not_due", then=Value(3)),
    When(status="continuous", then=Value(4)),
    default=Value(5),
    output_field=IntegerField(),
)


def _status_labels() -> dict[str, str]:
    return {key: str(label) for key, label in STATUS_LABELS.items()}


def _task_rows(query: dict[str, Any], qs: Any) -> Any:
    if query["status"]:
        qs = qs.filter(status=query["status"])
    if query["lead"]:
        qs = qs.filter(lead__code=query["lead"])
    if query["document"]:
        qs = qs.filter(source_document__symbol=query["document"])
    return qs


@login_required
def task_list(request: HttpRequest, inbox: bool = False) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    if inbox and user.organization is not None:  # type: ignore[union-attr]
        # The unit's own work: tasks led in its subtree, still open, most urgent first.
        led = open_on(tasks_led_within(user, user.organization), today)  # type: ignore[arg-type]
        qs = (
            with_status(led, today=today)
            .filter(status__in=OPEN)
            .order_by(URGENCY.asc(), "due_on", "id")
        )
    else:
        qs = with_status(tasks_visible_to(user), today=today)  # type: ignore[arg-type]
    qs = qs.select_related("lead", "source_document")
    query = page_query(request, TaskListQuery).cleaned_data
    qs = _task_rows(query, qs)
    sort = query["sort"]
    if sort:
        qs = qs.order_by(SORTS[sort], "id")
    labels = _status_labels()
    if query["export"] == "xlsx":
        headers = [
            _("Task"),
            _("Lead unit"),
            _("Source document"),
            _("Deadline"),
            _("Due on"),
            _("Status"),
            _("Completed on"),
        ]
        rows = [
            [
                t.text,
                t.lead.name,
                t.source_document.symbol,
                t.deadline_label,
                t.due_on,
                labels.get(t.status, t.status),
                t.completed_on,
            ]
            for t in qs[:50000]
        ]
        return xlsx_response("nhiem-vu.xlsx", _("Tasks"), headers, rows)
    count = None
    if not (query["lead"] or query["document"]):
        # Only the status filters the list: its size comes from the maintained counts.
        led = inbox and user.organization is not None  # type: ignore[union-attr]
        statuses = [query["status"]] if query["status"] else None
        if led:
            statuses = [s for s in statuses or OPEN if s in OPEN]
        count = task_list_count(
            user,  # type: ignore[arg-type]
            today=today,
            statuses=statuses,
            led_only=led,
        )
    page = KnownCountPaginator(qs, 50, count=count).get_page(query["page"])
    return render(
        request,
        "assignments/list.html",
        {
            "page_obj": page,
            "tasks": page.object_list,
            "inbox": inbox,
            "reports_due": reports_due_from(user.organization, today=today)  # type: ignore[union-attr]
            if inbox and user.organization is not None  # type: ignore[union-attr]
            else [],
            "labels": labels,
            "sort": sort,
            "today": today,
        },
    )


@login_required
def task_inbox(request: HttpRequest) -> HttpResponse:
    return task_list(request, inbox=True)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = access_task_by_id(user, pk)  # type: ignore[arg-type]
    task = with_status(type(task).objects.filter(pk=task.pk), today=timezone.localdate()).get()
    can_assign = services.can_assign(user, task.assigned_by)  # type: ignore[arg-type]
    can_report = services.can_report(user, task)  # type: ignore[arg-type]
    return render(
        request,
        "assignments/detail.html",
        {
            "task": task,
            "label": _status_labels().get(task.status, task.status),
            "events": TRANSITIONS.get(task.status, frozenset()),
            "updates": task.updates.select_related("by").prefetch_related("evidence"),
            "report_evidence": task.evidence.filter(update__isnull=True).select_related(
                "uploaded_by"
            ),
            "extensions": task.extensions.select_related("requested_by", "decided_by"),
            "pending": task.extensions.filter(decision=ExtensionDecision.PENDING).first(),
            "can_assign": can_assign,
            "can_report": can_report,
            "event_labels": EVENT_LABELS,
            "event_form": EventForm(),
            "extension_form": ExtensionForm(),
            "decision_form": DecisionForm(),
            "assessment_form": AssessmentForm(),
        },
    )


def _version(request: HttpRequest) -> int | None:
    """The task version the page's form was rendered at (a stale one is refused)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _done(request: HttpRequest, pk: int, action: Any) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, _("Saved."))
    return redirect("assignments:detail", pk=pk)


@login_required
@require_POST
def task_event(request: HttpRequest, pk: int, event: str) -> HttpResponse:
    task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
    form = EventForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the date (dd/mm/yyyy)."))
        return redirect("assignments:detail", pk=pk)
    if event == "progress":
        return _done(
            request,
            pk,
            lambda: services.task_report_progress(
                by=request.user,
                task=task,
                note=form.cleaned_data["note"],
                files=request.FILES.getlist("files"),
                expected_version=_version(request),
            ),
        )
    return _done(
        request,
        pk,
        lambda: services.task_transition(
            by=request.user,
            task=task,
            event=event,
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            expected_version=_version(request),
        ),
    )


@login_required
@require_POST
def task_extension(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a proposed deadline (dd/mm/yyyy) and a reason."))
        return redirect("assignments:detail", pk=pk)
    return _done(
        request,
        pk,
        lambda: services.extension_request(by=request.user, task=task, **form.cleaned_data),
    )


@login_required
@require_POST
def task_decide(request: HttpRequest, pk: int, extension_id: int) -> HttpResponse:
    task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
    extension = get_object_or_404(task.extensions, pk=extension_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the decision and the date (dd/mm/yyyy)."))
        return redirect("assignments:detail", pk=pk)
    return _done(
        request,
        pk,
        lambda: services.extension_decide(
            by=request.user,
            request=extension,
            expected_version=_version(request),
            **form.cleaned_data,
        ),
    )


@login_required
@require_POST
def task_assess(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose met or not met."))
        return redirect("assignments:detail", pk=pk)
    return _done(
        request,
        pk,
        lambda: services.task_assess(
            by=request.user, task=task, expected_version=_version(request), **form.cleaned_data
        ),
    )


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """An evidence file, for whoever may see its task."""
    evidence = get_object_or_404(Evidence, pk=evidence_id)
    access_task_by_id(request.user, evidence.task_id)  # type: ignore[arg-type]
    return file_response(request, evidence.file, evidence.original_name, evidence.content_type)
