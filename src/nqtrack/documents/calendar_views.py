"""The "Lịch sơ kết, tổng kết" page, its XLSX export and its iCalendar feed."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.exports import xlsx_response
from nqtrack.documents import selectors
from nqtrack.documents.calendar import anniversary
from nqtrack.documents.exports import calendar_ical, calendar_table
from nqtrack.documents.forms import CalendarForm
from nqtrack.organizations.services import user_calendar_token
from nqtrack.oversight.selectors import oversight_gaps


@login_required
def review_calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    form = CalendarForm(request.GET or None)
    start, end, issuer, field = today, anniversary(today, 1), None, None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or anniversary(start, 1)
        issuer = form.cleaned_data["issuer"] or None
        field = form.cleaned_data["field"].slug if form.cleaned_data["field"] else None
    if end < start:
        form.add_error("end", _("The end of the window is before its start."))
        end = start
    milestones = selectors.review_calendar(
        user,
        start=start,
        end=end,  # type: ignore[arg-type]
        issuer=issuer,
        field=field,
    )
    if request.GET.get("export") == "xlsx":
        headers, rows = calendar_table(milestones)
        return xlsx_response("lich-so-ket-tong-ket.xlsx", _("Review calendar"), headers, rows)
    months = [
        (key, list(items))
        for key, items in groupby(milestones, key=lambda m: m.due_on.replace(day=1))
    ]
    # Reviews with no supervision (interim) or inspection (final) before them get a badge.
    gaps = oversight_gaps(m for _key, items in months for m in items)
    token = user_calendar_token(user=user)  # type: ignore[arg-type]
    return render(
        request,
        "documents/calendar.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "months": months,
            "today": today,
            "count": sum(len(items) for _key, items in months),
            "overdue_plans": selectors.overdue_plans(user, today=today),  # type: ignore[arg-type]
            "oversight_gaps": gaps,
            "feed_url": request.build_absolute_uri(f"/van-ban/lich-so-ket-tong-ket/{token}.ics"),
        },
    )


def review_calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's reviews for the past year and the next five, for Outlook or a phone."""
    if len(token) < 20:
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    today = timezone.localdate()
    milestones = selectors.review_calendar(
        user, start=anniversary(today, -1), end=anniversary(today, 5)
    )
    body = calendar_ical(
        milestones,
        name=_("NQTrack review calendar"),
        host=request.get_host().split(":")[0],
        link_base=request.build_absolute_uri("/").rstrip("/"),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
