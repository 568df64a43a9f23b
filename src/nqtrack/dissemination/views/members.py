"""Member register pages: list with search and filters, form, detail with essay attempts,
import (dry run, then all or nothing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.core.query import page_query
from nqtrack.dissemination import importing, jobs, services
from nqtrack.dissemination.access import can_manage_unit, units_managed_by
from nqtrack.dissemination.filters import MemberListQuery
from nqtrack.dissemination.forms import EXEMPTION_FILTERS, ImportForm, MemberForm
from nqtrack.dissemination.models import EXEMPTION_FIELDS, Exemption, ImportKind, Sex
from nqtrack.dissemination.selectors import (
    access_member_by_code,
    access_rollup_root,
    essays_visible_to,
    mandatory_q,
    member_exemptions,
    members_visible_to,
    over_age_q,
    sessions_visible_to,
)
from nqtrack.dissemination.views.common import (
    can_write,
    drop_pending,
    error_text,
    keep_pending,
    paginate,
    pending,
    require_writer,
    user_of,
)

EXEMPTION_LABELS = {str(e.value): str(e.label) for e in Exemption}
SEX_LABELS = {str(s.value): str(s.label) for s in Sex}


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    qs = members_visible_to(user)
    params = page_query(request, MemberListQuery).cleaned_data
    q = params["q"].strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(full_name__icontains=q))
    unit = params["org"].strip()
    if unit:
        qs = qs.filter(organization__path__startswith=access_rollup_root(user, unit).path)
    exemption = params["mien"]
    if exemption == "mandatory":
        qs = qs.filter(mandatory_q(today))
    elif exemption == "exempt":
        qs = qs.exclude(mandatory_q(today))
    elif exemption == Exemption.OVER_AGE:
        qs = qs.filter(over_age_q(today))
    elif exemption in EXEMPTION_FIELDS:
        qs = qs.filter(**{EXEMPTION_FIELDS[exemption]: True})  # type: ignore[index]
    if params["export"] == "xlsx":
        return xlsx_response(
            "dang-vien.xlsx",
            _("Party members"),
            [
                _("Member code"),
                _("Full name"),
                _("Cell code"),
                _("Unit"),
                _("Birth date"),
                _("Sex"),
                _("Posts held"),
                _("Exempt from essays because of"),
            ],
            (
                [
                    m.code,
                    m.full_name,
                    m.organization.code,
                    m.organization.name,
                    m.birth_date,
                    SEX_LABELS.get(m.sex, m.sex),
                    m.posts,
                    ", ".join(EXEMPTION_LABELS[e] for e in member_exemptions(m, on=today)),
                ]
                for m in qs.iterator()
            ),
        )
    page = paginate(request, qs)
    rows = [(m, [EXEMPTION_LABELS[e] for e in member_exemptions(m, on=today)]) for m in page]
    return render(
        request,
        "dissemination/members.html",
        {
            "page_obj": page,
            "rows": rows,
            "q": q,
            "unit": unit,
            "exemption": exemption,
            "exemption_filters": EXEMPTION_FILTERS,
            "can_write": can_write(user),
        },
    )


def _member_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": data["code"],
        "full_name": data["full_name"],
        "organization": data["organization"],
        "birth_date": data["birth_date"],
        "sex": data["sex"],
        "posts": data["posts"],
        "exemptions": data["exemptions"],
    }


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    if request.method == "POST":
        form = MemberForm(request.POST, user=user)
        if form.is_valid():
            try:
                member = services.member_create(by=user, **_member_kwargs(form.cleaned_data))
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request, _("%(name)s was added to the register.") % {"name": member.full_name}
                )
                return redirect("dissemination:member", code=member.code)
    else:
        initial: dict[str, Any] = {"sex": Sex.MALE}
        if user.organization is not None:
            initial["organization"] = user.organization.code
        form = MemberForm(user=user, initial=initial)
    return render(
        request, "dissemination/member_form.html", {"form": form, "title": _("New party member")}
    )


@login_required
def member_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    member = access_member_by_code(user, code)
    if not can_manage_unit(user, member.organization):
        raise PermissionDenied(_("You may only read study and dissemination."))
    if request.method == "POST":
        form = MemberForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.member_update(by=user, member=member, **_member_kwargs(form.cleaned_data))
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The member's record was saved."))
                return redirect("dissemination:member", code=member.code)
    else:
        form = MemberForm(
            user=user,
            initial={
                "code": member.code,
                "full_name": member.full_name,
                "organization": member.organization.code,
                "sex": member.sex,
                "birth_date": member.birth_date,
                "posts": member.posts,
                "exemptions": member.stored_exemptions,
            },
        )
    return render(
        request,
        "dissemination/member_form.html",
        {"form": form, "member": member, "title": _("Edit %(name)s") % {"name": member.full_name}},
    )


@login_required
def member_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    member = access_member_by_code(user, code)
    today = timezone.localdate()
    attempts = (
        essays_visible_to(user)
        .filter(member=member)
        .order_by("document__signed_on", "document_id", "attempt")
    )
    by_document: dict[Any, list[Any]] = {}
    for essay in attempts:
        by_document.setdefault(essay.document, []).append(essay)
    attendance = member.attendance.filter(session__in=sessions_visible_to(user)).select_related(
        "session", "session__organizer"
    )
    return render(
        request,
        "dissemination/member.html",
        {
            "member": member,
            "exemptions": [EXEMPTION_LABELS[e] for e in member_exemptions(member, on=today)],
            "essays": by_document.items(),
            "attendance": attendance.order_by("-session__held_on")[:50],
            "can_edit": can_manage_unit(user, member.organization),
        },
    )


@login_required
@require_POST
def member_delete(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    member = access_member_by_code(user, code)
    try:
        services.member_delete(by=user, member=member)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
        return redirect("dissemination:member", code=member.code)
    messages.success(
        request, _("%(name)s was removed from the register.") % {"name": member.full_name}
    )
    return redirect("dissemination:members")


PENDING_MEMBERS = "study_member_import"


@login_required
def member_import(request: HttpRequest) -> HttpResponse:
    """Step 1 uploads and checks (dry run); step 2 applies the same file, all or nothing."""
    user = user_of(request)
    require_writer(user)
    units = units_managed_by(user).order_by("path")
    scope = user.organization if user.organization is not None else units.first()
    if scope is None or not can_manage_unit(user, scope):
        scope = units.first()
    if scope is None:
        raise PermissionDenied(_("You may only read study and dissemination."))
    report = None
    form = ImportForm()
    if request.method == "POST" and request.POST.get("step") == "apply":
        found = pending(request, PENDING_MEMBERS)
        if found is None:
            messages.error(request, _("The checked file has expired; upload it again."))
            return redirect("dissemination:member-import")
        info, path = found
        try:  # a register of 300,000 members is written by a background job, all or nothing
            with path.open("rb") as handle:
                job = jobs.start_import_job(
                    by=user,
                    kind=ImportKind.MEMBERS,
                    organization=scope,
                    upload=ContentFile(handle.read()),
                    filename=info["name"],
                )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, _("Nothing was imported: %(error)s") % {"error": error_text(exc)}
            )
            return redirect("dissemination:member-import")
        drop_pending(request, PENDING_MEMBERS)
        return redirect("dissemination:job", pk=job.pk)
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        drop_pending(request, PENDING_MEMBERS)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                report = importing.members_import_check(
                    by=user, scope=scope, upload=ContentFile(data), filename=upload.name
                )
            except PermissionDenied as exc:
                messages.error(request, error_text(exc))
            else:
                if report.ok:
                    keep_pending(request, PENDING_MEMBERS, data, upload.name)
    return render(
        request,
        "dissemination/member_import.html",
        {"form": form, "report": report, "scope": scope, "summary": member_summary(report)},
    )


def member_summary(report: importing.ImportCheck | None) -> str:
    if report is None or not report.ok:
        return ""
    return _("%(created)s to create, %(updated)s to update.") % {
        "created": report.counts.get("created", 0),
        "updated": report.counts.get("updated", 0),
    }
