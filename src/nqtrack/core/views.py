"""The home page: a user's scope at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nqtrack.documents import selectors
from nqtrack.documents.calendar import anniversary, months_before


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    six_months = months_before(anniversary(today, 1), 6)
    user = request.user
    in_force = selectors.documents_in_force(user)  # type: ignore[arg-type]
    context = {
        "today": today,
        "horizon": six_months,
        "in_force_count": in_force.count(),
        "recent": in_force.order_by("-signed_on", "-id")[:8],
        "due_soon": selectors.review_calendar(user, start=today, end=six_months)[:50],  # type: ignore[arg-type]
        "overdue_plans": selectors.overdue_plans(user, today=today)[:50],  # type: ignore[arg-type]
        "overdue_reviews_count": selectors.overdue_reviews(user, today=today).count(),  # type: ignore[arg-type]
    }
    return render(request, "core/home.html", context)
