"""Statistics page: task roll-ups with drill-down by level, bars, and XLSX of every table."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.analytics.filters import DashboardQuery
from nqtrack.analytics.selectors import STATUSES, Row, task_rollup
from nqtrack.assignments.status import STATUS_LABELS
from nqtrack.core.exports import xlsx_response
from nqtrack.core.query import page_query
from nqtrack.documents.selectors import access_document_by_id, implementing_documents
from nqtrack.organizations.selectors import access_organization_by_code


def _table(rows: list[Row], first: str) -> tuple[list[str], list[list[object]]]:
    headers = [first, _("Total"), *[str(STATUS_LABELS[s]) for s in STATUSES], _("On-time rate (%)")]
    body = [
        [
            r.label,
            r.total,
            *[r.counts[s] for s in STATUSES],
            round(100 * r.on_time_rate, 1) if r.on_time_rate is not None else None,
        ]
        for r in rows
    ]
    return headers, body


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.organization is None:  # type: ignore[union-attr]
        raise Http404
    query = page_query(request, DashboardQuery).cleaned_data
    code = query["org"] or user.organization.code  # type: ignore[union-attr]
    root = access_organization_by_code(user, code)  # type: ignore[arg-type]
    if not root.path.startswith(user.organization.path) and not user.is_superuser:  # type: ignore[union-attr]
        raise Http404  # ancestors are visible as context, not as statistics
    today = timezone.localdate()
    as_of = query["ngay"] or today
    if as_of > today:
        as_of = today
    document = None
    documents = None
    if query["van-ban"]:
        document = access_document_by_id(user, query["van-ban"])  # type: ignore[arg-type]
        documents = implementing_documents(document)
    rollup = task_rollup(user, root, today=as_of, documents=documents)  # type: ignore[arg-type]
    tables = {
        "units": (rollup.by_unit, _("Unit")),
        "years": (rollup.by_year, _("Year due")),
        "fields": (rollup.by_field, _("Field")),
        "late": (rollup.late_by_lead, _("Lead unit")),
    }
    export = query["export"]
    if export in tables:
        rows, first = tables[export]
        headers, body = _table(rows, first)
        return xlsx_response(f"thong-ke-{export}-{root.code}.xlsx", _("Statistics"), headers, body)
    return render(
        request,
        "analytics/dashboard.html",
        {
            "rollup": rollup,
            "root": root,
            "as_of": as_of,
            "today": today,
            "document": document,
            "statuses": STATUSES,
            "labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "parent": root.parent
            if root.parent and root.parent.path.startswith(user.organization.path)
            else None,  # type: ignore[union-attr]
        },
    )
