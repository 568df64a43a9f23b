"""Catalogue pages for the organization tree: browse, create, edit, move, merge, import."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from nqtrack.core.audit import audit_rows
from nqtrack.core.forms import apply_errors
from nqtrack.core.query import page_query
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations import importing, services
from nqtrack.organizations.filters import TreeQuery
from nqtrack.organizations.forms import ImportForm, MergeForm, MoveForm, OrganizationForm
from nqtrack.organizations.selectors import (
    access_managed_organization_by_code,
    access_organization_by_code,
    organizations_visible_to,
)


@login_required
def organization_tree(request: HttpRequest) -> HttpResponse:
    params = page_query(request, TreeQuery).cleaned_data
    show_dissolved = params["dissolved"] == "1"
    query = params["q"].strip()
    orgs = organizations_visible_to(request.user)  # type: ignore[arg-type]
    if not show_dissolved:
        orgs = orgs.filter(valid_to__isnull=True)
    if query:
        orgs = orgs.filter(name__icontains=query) | orgs.filter(code__icontains=query)
    rows = list(orgs.order_by("path"))
    base_depth = min((o.depth for o in rows), default=0)
    return render(
        request,
        "organizations/tree.html",
        {
            "rows": [(o, o.depth - base_depth) for o in rows],
            "show_dissolved": show_dissolved,
            "query": query,
            "can_admin": request.user.can_administer,  # type: ignore[union-attr]
        },
    )


@require_safe
@login_required
def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = access_organization_by_code(request.user, code)  # type: ignore[arg-type]
    visible = organizations_visible_to(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "organizations/detail.html",
        {
            "org": org,
            "children": visible.filter(parent=org).order_by("valid_to", "name"),
            "predecessors": visible.filter(successor=org),
            "documents": documents_visible_to(request.user).filter(issuer=org)[:20],  # type: ignore[arg-type]
            "audit": audit_rows(org, limit=50, reader=request.user),
            "can_manage": request.user.can_administer
            and (  # type: ignore[union-attr]
                request.user.is_superuser or org.path.startswith(request.user.organization.path)
            ),  # type: ignore[union-attr]
        },
    )


def _require_admin(request: HttpRequest) -> None:
    if not request.user.can_administer:  # type: ignore[union-attr]
        raise PermissionDenied


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = access_managed_organization_by_code(request.user, request.GET["parent"])  # type: ignore[arg-type]
    form = OrganizationForm(request.POST or None, user=request.user, initial=initial)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": org.name})
            return redirect("organizations:detail", code=org.code)
    return render(
        request, "organizations/form.html", {"form": form, "title": _("New organization")}
    )


@login_required
def organization_edit(request: HttpRequest, code: str) -> HttpResponse:
    _require_admin(request)
    org = access_managed_organization_by_code(request.user, code)  # type: ignore[arg-type]
    initial = {
        k: getattr(org, k)
        for k in ("code", "name", "short_name", "abbreviation", "kind", "level", "valid_from")
    }
    form = OrganizationForm(
        request.POST or None,
        user=request.user,
        editing=True,  # type: ignore[arg-type]
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_update(
                by=request.user,
                organization=org,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("organizations:detail", code=org.code)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "org": org, "title": _("Edit %(name)s") % {"name": org.name}},
    )


@login_required
def organization_move(request: HttpRequest, code: str) -> HttpResponse:
    _require_admin(request)
    org = access_managed_organization_by_code(request.user, code)  # type: ignore[arg-type]
    form = MoveForm(request.POST or None, user=request.user, organization=org)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(
                by=request.user,
                organization=org,  # type: ignore[arg-type]
                new_parent=form.cleaned_data["parent"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was moved.") % {"name": org.name})
            return redirect("organizations:detail", code=org.code)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "org": org, "title": _("Move %(name)s") % {"name": org.name}},
    )


@login_required
def organization_merge(request: HttpRequest, code: str) -> HttpResponse:
    _require_admin(request)
    org = access_managed_organization_by_code(request.user, code)  # type: ignore[arg-type]
    form = MergeForm(request.POST or None, user=request.user, organization=org)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_merge(
                by=request.user,
                sources=[org],  # type: ignore[arg-type]
                into=form.cleaned_data["into"],
                on=form.cleaned_data["on"],
                move_children=form.cleaned_data["move_children"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was merged into %(into)s.")
                % {"name": org.name, "into": form.cleaned_data["into"].name},
            )
            return redirect("organizations:detail", code=org.code)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "org": org,
            "confirm": True,
            "title": _("Merge %(name)s into a successor") % {"name": org.name},
        },
    )


def _pending_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def organization_import(request: HttpRequest) -> HttpResponse:
    """Step 1 uploads and checks (dry run); step 2 applies the same file, all or nothing."""
    _require_admin(request)
    report = None
    form = ImportForm()
    if request.method == "POST" and request.POST.get("step") == "apply":
        pending = request.session.get("org_import")
        if not pending:
            messages.error(request, _("The checked file has expired; upload it again."))
            return redirect("organizations:import")
        path = _pending_dir() / pending["key"]
        with path.open("rb") as handle:
            report = importing.organizations_import_apply(
                by=request.user, upload=handle, filename=pending["name"]
            )  # type: ignore[arg-type]
        if report.ok:
            path.unlink(missing_ok=True)
            del request.session["org_import"]
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated.")
                % {"created": report.created, "updated": report.updated},
            )
            return redirect("organizations:tree")
        messages.error(request, _("Nothing was imported: the file has errors."))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        request.session.pop("org_import", None)  # a new upload replaces any checked file
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            report = importing.organizations_import_check(
                by=request.user, upload=ContentFile(data), filename=upload.name
            )  # type: ignore[arg-type]
            if report.ok:
                key = uuid.uuid4().hex
                (_pending_dir() / key).write_bytes(data)
                request.session["org_import"] = {"key": key, "name": upload.name}
    return render(request, "organizations/import.html", {"form": form, "report": report})
