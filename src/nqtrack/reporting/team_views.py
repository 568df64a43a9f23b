"""Pages of the review teams: list, create, and one team's notices, tasks and late units."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nqtrack.assignments.services import can_assign
from nqtrack.assignments.status import STATUS_LABELS
from nqtrack.documents.models import Field
from nqtrack.reporting import teams


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    fields = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Fields"),
        required=False,
        queryset=Field.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    org = user.organization  # type: ignore[union-attr]
    can_create = org is not None and can_assign(user, org)  # type: ignore[arg-type]
    form = TeamForm(request.POST or None)
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            try:
                team = teams.team_create(by=user, owner=org, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("teams:detail", pk=team.pk)
    return render(
        request,
        "reporting/teams.html",
        {"teams": teams.teams_visible_to(user), "form": form, "can_create": can_create},
    )  # type: ignore[arg-type]


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = teams.access_team_by_id(request.user, pk)  # type: ignore[arg-type]
    view = teams.team_overview(request.user, team, today=timezone.localdate())  # type: ignore[arg-type]
    return render(
        request,
        "reporting/team.html",
        {
            "team": team,
            "view": view,
            "labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "unassigned": teams.unassigned_notices_for(team)[:50],
            "can_edit": can_assign(request.user, team.owner),
        },
    )  # type: ignore[arg-type]


@login_required
@require_POST
def team_follow(request: HttpRequest, pk: int) -> HttpResponse:
    team = teams.access_team_by_id(request.user, pk)  # type: ignore[arg-type]
    ids = [int(i) for i in request.POST.getlist("documents") if i.isdigit()]
    documents = list(teams.unassigned_notices_for(team).filter(pk__in=ids))
    count = teams.team_follow(by=request.user, team=team, documents=documents)  # type: ignore[arg-type]
    messages.success(request, _("The team now follows %(n)s more notices.") % {"n": count})
    return redirect("teams:detail", pk=pk)
