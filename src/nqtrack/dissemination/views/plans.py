"""Study plans (list, form, detail with the units' follow-up and materials) and speakers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from nqtrack.core.downloads import file_response
from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.core.uploads import KINDS
from nqtrack.dissemination import rollups, services
from nqtrack.dissemination.access import can_manage_unit
from nqtrack.dissemination.forms import MaterialForm, PlanForm, SpeakerForm
from nqtrack.dissemination.selectors import (
    access_plan_by_id,
    access_speaker_by_id,
    plans_visible_to,
    speakers_visible_to,
)
from nqtrack.dissemination.views.common import (
    can_write,
    ddmmyyyy,
    error_text,
    paginate,
    require_writer,
    user_of,
)
from nqtrack.dissemination.views.overview import PLAN_STATE_LABELS

# Study plans -----------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    qs = plans_visible_to(user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(document__symbol__icontains=q) | qs.filter(title__icontains=q)
    page = paginate(request, qs.order_by("-due_on", "-id"))
    return render(
        request,
        "dissemination/plans.html",
        {"page_obj": page, "q": q, "can_write": can_write(user)},
    )


def _plan_kwargs(form: PlanForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "title": data["title"],
        "outline": data["outline"],
        "due_on": data["due_on"],
        "targets": form.targets(),
        "audiences": list(data["audiences"]),
        "speakers": list(data["speakers"]),
    }


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    if request.method == "POST":
        form = PlanForm(request.POST, user=user)
        if form.is_valid():
            try:
                plan = services.study_plan_create(
                    by=user,
                    document=form.cleaned_data["document"],
                    owner=form.cleaned_data["owner"],
                    **_plan_kwargs(form),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The study plan was created."))
                return redirect("dissemination:plan", pk=plan.pk)
    else:
        initial = {"owner": user.organization.code} if user.organization else {}
        if request.GET.get("van-ban"):
            initial["document"] = request.GET["van-ban"]
        form = PlanForm(user=user, initial=initial)
    return render(
        request,
        "dissemination/plan_form.html",
        {"form": form, "title": _("New study plan")},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = access_plan_by_id(user, pk)
    if not can_manage_unit(user, plan.owner):
        raise PermissionDenied(_("You may only read study and dissemination."))
    if request.method == "POST":
        form = PlanForm(request.POST, user=user, plan=plan)
        if form.is_valid():
            try:
                services.study_plan_update(by=user, plan=plan, **_plan_kwargs(form))
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The study plan was saved."))
                return redirect("dissemination:plan", pk=plan.pk)
    else:
        form = PlanForm(
            user=user,
            plan=plan,
            initial={
                "kind": plan.kind,
                "title": plan.title,
                "due_on": plan.due_on,
                "outline": plan.outline,
                "audiences": list(plan.audiences.all()),
                "speakers": list(plan.speakers.all()),
            },
        )
    return render(
        request,
        "dissemination/plan_form.html",
        {"form": form, "plan": plan, "title": _("Edit the study plan")},
    )


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = access_plan_by_id(user, pk)
    today = timezone.localdate()
    root = None
    if not user.is_superuser and user.organization is not None:
        if not plan.owner.path.startswith(user.organization.path):
            root = user.organization  # a plan from above: the user's own units
    units = rollups.plan_units(plan, today=today, root=root)
    state = request.GET.get("state", "")
    counts = {key: sum(1 for u in units if u.state == key) for key in PLAN_STATE_LABELS}
    if state in PLAN_STATE_LABELS:
        units = [u for u in units if u.state == state]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"ke-hoach-{plan.pk}.xlsx",
            _("Study plan"),
            [_("Code"), _("Unit"), _("Session held by"), _("Held on"), _("State")],
            (
                [
                    u.organization.code,
                    u.organization.name,
                    ddmmyyyy(u.due_on),
                    ddmmyyyy(u.held_on),
                    str(PLAN_STATE_LABELS[u.state]),
                ]
                for u in units
            ),
        )
    can_edit = can_manage_unit(user, plan.owner)
    return render(
        request,
        "dissemination/plan.html",
        {
            "plan": plan,
            "page_obj": paginate(request, units),
            "state": state,
            "state_labels": {k: str(v) for k, v in PLAN_STATE_LABELS.items()},
            "counts": counts,
            "can_edit": can_edit,
            "material_form": MaterialForm() if can_edit else None,
            "materials": plan.materials.all(),
        },
    )


@require_safe
@login_required
def plan_material_download(request: HttpRequest, pk: int, material_id: int) -> HttpResponse:
    """A plan's material file, for whoever may see the plan."""
    plan = access_plan_by_id(user_of(request), pk)
    material = get_object_or_404(plan.materials.exclude(file=""), pk=material_id)
    name = material.original_name or material.file.name
    kind = KINDS.get("." + name.rpartition(".")[2].lower())
    content_type = kind.content_type if kind else "application/octet-stream"
    return file_response(request, material.file, name, content_type)


@login_required
@require_POST
def plan_material(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = access_plan_by_id(user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the material a title."))
        return redirect("dissemination:plan", pk=plan.pk)
    try:
        services.study_material_add(
            by=user,
            plan=plan,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            file=form.cleaned_data["file"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The material was attached."))
    return redirect("dissemination:plan", pk=plan.pk)


@login_required
@require_POST
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    plan = access_plan_by_id(user, pk)
    try:
        services.study_plan_delete(by=user, plan=plan)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("dissemination:plan", pk=plan.pk)
    messages.success(request, _("The study plan was deleted."))
    return redirect("dissemination:plans")


# Speakers --------------------------------------------------------------------------------


@login_required
def speaker_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    qs = speakers_visible_to(user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(full_name__icontains=q) | qs.filter(title__icontains=q)
    return render(
        request,
        "dissemination/speakers.html",
        {
            "page_obj": paginate(request, qs.order_by("full_name", "id")),
            "q": q,
            "can_write": can_write(user),
        },
    )


@login_required
def speaker_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    speaker = access_speaker_by_id(user, pk) if pk is not None else None
    if speaker is not None and not can_manage_unit(user, speaker.organization):
        raise PermissionDenied(_("You may only read study and dissemination."))
    if request.method == "POST":
        form = SpeakerForm(request.POST, user=user)
        if form.is_valid():
            try:
                if speaker is None:
                    services.speaker_create(by=user, **form.cleaned_data)
                else:
                    services.speaker_update(by=user, speaker=speaker, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The speaker was saved."))
                return redirect("dissemination:speakers")
    elif speaker is not None:
        form = SpeakerForm(
            user=user,
            initial={
                "full_name": speaker.full_name,
                "title": speaker.title,
                "organization": speaker.organization.code,
                "phone": speaker.phone,
                "notes": speaker.notes,
            },
        )
    else:
        form = SpeakerForm(
            user=user, initial={"organization": getattr(user.organization, "code", None)}
        )
    title = (
        _("New speaker") if speaker is None else _("Edit %(name)s") % {"name": speaker.full_name}
    )
    return render(request, "dissemination/speaker_form.html", {"form": form, "title": title})
