"""Oversight pages: the rounds, one round (findings, conclusion, remediation, verification),
creating and editing, closing and reopening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from nqtrack.assignments.selectors import status_of as task_status_of
from nqtrack.assignments.status import STATUS_LABELS as TASK_STATUS_LABELS
from nqtrack.core.audit import audit_rows
from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.documents.models import DocumentStatus
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.oversight import selectors, services
from nqtrack.oversight.forms import (
    ConclusionForm,
    FilterForm,
    FindingForm,
    RemediationForm,
    ReopenForm,
    RoundForm,
    TeamFormSet,
    VerifyForm,
)
from nqtrack.oversight.models import (
    Finding,
    FindingKind,
    OversightRound,
    RemediationItem,
    Verification,
)
from nqtrack.oversight.status import CLOSED, STATUS_LABELS

ROUNDS_PER_PAGE = 25


def _period(rnd: OversightRound) -> str:
    return f"{rnd.period_start:%d/%m/%Y} – {rnd.period_end:%d/%m/%Y}"


def list_headers() -> list[str]:
    return [
        _("Oversight round"),
        _("Kind of round"),
        _("Conducted by"),
        _("Period"),
        _("Documents covered"),
        _("Target organizations"),
        _("Round status"),
    ]


def _filtered(request: HttpRequest, user: User) -> tuple[FilterForm, QuerySet[OversightRound]]:
    today = timezone.localdate()
    qs = selectors.with_status(selectors.rounds_visible_to(user), today=today)
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(title__icontains=data["q"].strip())
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["target"]:
            qs = qs.filter(
                id__in=OversightRound.objects.filter(targets__code=data["target"].strip()).values(
                    "id"
                )
            )
        if data["document"]:
            symbol = data["document"].strip()
            qs = qs.filter(
                id__in=OversightRound.objects.filter(
                    Q(documents__symbol__iexact=symbol) | Q(conclusion__symbol__iexact=symbol),
                    Q(documents__in=documents_visible_to(user))
                    | Q(conclusion__in=documents_visible_to(user)),
                ).values("id")
            )
    # Only the documents the user may know are named (secrecy policy).
    qs = qs.prefetch_related(
        Prefetch("documents", queryset=documents_visible_to(user)), "targets"
    ).order_by("-period_start", "-id")
    return form, qs


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form, qs = _filtered(request, user)
    if request.GET.get("export") == "xlsx":
        rows = [
            [
                rnd.title,
                rnd.get_kind_display(),
                rnd.conductor.name,
                _period(rnd),
                ", ".join(d.symbol for d in rnd.documents.all()),
                ", ".join(t.code for t in rnd.targets.all()),
                str(STATUS_LABELS[rnd.status]),  # type: ignore[attr-defined]
            ]
            for rnd in qs
        ]
        return xlsx_response("giam-sat-kiem-tra.xlsx", _("Oversight rounds"), list_headers(), rows)
    page = Paginator(qs, ROUNDS_PER_PAGE).get_page(request.GET.get("page"))
    org = user.organization
    return render(
        request,
        "oversight/list.html",
        {
            "form": form,
            "page_obj": page,
            "rounds": page.object_list,
            "status_labels": {k: str(v) for k, v in STATUS_LABELS.items()},
            "can_create": org is not None and services.can_conduct(user, org),
        },
    )


def _form_choices(user: User, rnd: OversightRound | None) -> dict[str, Any]:
    org = user.organization
    assert org is not None
    scope = selectors.committee_path(org)
    conductors = Organization.objects.filter(
        path__startswith=org.path, valid_to__isnull=True
    ).order_by("path")
    targets = (
        Organization.objects.filter(path__startswith=scope, valid_to__isnull=True)
        .exclude(path=scope)
        .order_by("path")
    )
    documents = documents_visible_to(user).filter(status=DocumentStatus.IN_FORCE)
    if rnd is not None:  # keep what the round has, even if no longer in force or active
        targets = targets | Organization.objects.filter(pk__in=rnd.targets.values("pk"))
        documents = documents | documents_visible_to(user).filter(pk__in=rnd.documents.values("pk"))
        conductors = conductors | Organization.objects.filter(pk=rnd.conductor_id)
    return {
        "conductors": conductors.distinct().order_by("path"),
        "targets": targets.distinct().order_by("path"),
        "documents": documents.distinct().order_by("-signed_on", "-id"),
    }


def _save_round(request: HttpRequest, user: User, rnd: OversightRound | None) -> HttpResponse:
    choices = _form_choices(user, rnd)
    if request.method == "POST":
        form = RoundForm(request.POST, **choices)
        team = TeamFormSet(request.POST, prefix="team")
        if form.is_valid() and team.is_valid():
            members = [
                services.Member(
                    name=row["name"], role=row["role"], post=row["post"], user=row["username"]
                )
                for row in team.cleaned_data
                if row and row.get("name", "").strip()
            ]
            try:
                if rnd is None:
                    saved = services.round_create(by=user, team=members, **form.cleaned_data)
                else:
                    saved = services.round_update(
                        by=user,
                        round=rnd,
                        team=members,
                        conclusion=rnd.conclusion,
                        **form.cleaned_data,
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                text = (
                    _("Oversight round “%(title)s” was created.")
                    if rnd is None
                    else _("Oversight round “%(title)s” was saved.")
                )
                messages.success(request, text % {"title": saved.title})
                return redirect("oversight:detail", pk=saved.pk)
    elif rnd is None:
        form = RoundForm(initial={"conductor": user.organization}, **choices)
        team = TeamFormSet(prefix="team")
    else:
        form = RoundForm(
            initial={
                "kind": rnd.kind,
                "title": rnd.title,
                "conductor": rnd.conductor,
                "period_start": rnd.period_start,
                "period_end": rnd.period_end,
                "remediation_due_on": rnd.remediation_due_on,
                "documents": list(rnd.documents.all()),
                "targets": list(rnd.targets.all()),
            },
            **choices,
        )
        team = TeamFormSet(
            prefix="team",
            initial=[
                {
                    "name": m.name,
                    "post": m.post,
                    "role": m.role,
                    "username": m.user.username if m.user else "",
                }
                for m in rnd.team.select_related("user")
            ],
        )
    return render(
        request,
        "oversight/form.html",
        {"form": form, "team": team, "round": rnd},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    org = user.organization
    if org is None or not services.can_conduct(user, org):
        raise PermissionDenied(_("You may not run oversight rounds for this organization."))
    return _save_round(request, user, None)


def _conducted(request: HttpRequest, pk: int) -> tuple[User, OversightRound]:
    """The round, for a user of the conducting office; 404 when hidden, 403 when read-only."""
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    if not services.can_conduct(user, rnd.conductor):
        raise PermissionDenied(_("Only the office of the conducting organization may do this."))
    return user, rnd


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    return _save_round(request, user, rnd)


@dataclass
class ItemLine:
    item: RemediationItem
    task_status: str
    task_status_label: str
    task_visible: bool
    form: VerifyForm | None


@dataclass
class TargetBlock:
    plan: selectors.TargetPlan
    findings: list[Finding]
    items: list[ItemLine]
    finding_form: FindingForm | None
    remediation_form: RemediationForm | None


@require_safe
@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rnd = selectors.access_round_by_id(user, pk)
    return _detail_page(request, user, rnd)


def _detail_page(
    request: HttpRequest,
    user: User,
    rnd: OversightRound,
    *,
    bound: dict[str, Any] | None = None,
) -> HttpResponse:
    """The round's page; `bound` carries a form with errors back into place (key → form)."""
    bound = bound or {}
    today = timezone.localdate()
    status = selectors.status_of(rnd, today=today)
    office = services.can_conduct(user, rnd.conductor)
    writable = office and status != CLOSED
    round_docs = rnd.documents.order_by("signed_on")
    visible_docs = documents_visible_to(user).filter(pk__in=round_docs.values("pk"))
    targets = list(selectors.targets_visible_in(rnd, user))
    findings = list(selectors.findings_visible_in(rnd, user))
    items = list(selectors.items_visible_in(rnd, user))
    conclusion_visible = (
        rnd.conclusion_id is not None
        and documents_visible_to(user).filter(pk=rnd.conclusion_id).exists()
    )
    blocks = []
    for plan in selectors.target_plans(rnd, today=today, targets=targets):
        code = plan.target.code
        mine = [f for f in findings if f.target_id == plan.target.pk]
        lines = []
        for item in (i for i in items if i.target_id == plan.target.pk):
            task_status = task_status_of(item.task, today=today)
            lines.append(
                ItemLine(
                    item=item,
                    task_status=task_status,
                    task_status_label=str(TASK_STATUS_LABELS.get(task_status, task_status)),
                    task_visible=conclusion_visible,
                    form=bound.get(f"verify-{item.pk}")
                    or (
                        VerifyForm(prefix=f"item-{item.pk}")
                        if writable and rnd.conclusion_id
                        else None
                    ),
                )
            )
        blocks.append(
            TargetBlock(
                plan=plan,
                findings=mine,
                items=lines,
                finding_form=bound.get(f"finding-{code}")
                or (FindingForm(prefix=f"f-{code}", documents=visible_docs) if writable else None),
                remediation_form=bound.get(f"remediation-{code}")
                or (
                    RemediationForm(
                        prefix=f"r-{code}",
                        findings=Finding.objects.filter(
                            round=rnd,
                            target=plan.target,
                            kind__in=[FindingKind.SHORTCOMING, FindingKind.VIOLATION],
                        ),
                    )
                    if writable and rnd.conclusion_id
                    else None
                ),
            )
        )
    conclusion_choices = documents_visible_to(user).filter(signed_on__gte=rnd.period_start)
    context = {
        "round": rnd,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "office": office,
        "writable": writable,
        "documents": visible_docs.order_by("signed_on"),
        "hidden_documents": round_docs.count() - visible_docs.count(),
        "conclusion_visible": conclusion_visible,
        "team": rnd.team.select_related("user"),
        "blocks": blocks,
        "whole": selectors.sees_whole_round(user, rnd),
        "blockers": selectors.closing_blockers(rnd) if office and status != CLOSED else [],
        "conclusion_form": bound.get("conclusion")
        or (ConclusionForm(documents=conclusion_choices) if writable else None),
        "reopen_form": bound.get("reopen")
        or (ReopenForm() if office and status == CLOSED else None),
        "verification_labels": dict(Verification.choices),
        "audit": audit_rows(rnd, reader=user) if selectors.sees_whole_round(user, rnd) else None,
    }
    return render(request, "oversight/detail.html", context, status=400 if bound else 200)


def _target(rnd: OversightRound, code: str) -> Organization:
    target = rnd.targets.filter(code=code).first()
    if target is None:
        raise Http404(_("No such organization."))
    return target


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    target = _target(rnd, code)
    form = FindingForm(
        request.POST,
        prefix=f"f-{code}",
        documents=documents_visible_to(user).filter(pk__in=rnd.documents.values("pk")),
    )
    if form.is_valid():
        try:
            services.finding_add(by=user, round=rnd, target=target, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The finding at %(unit)s was recorded.") % {"unit": target.name}
            )
            return redirect("oversight:detail", pk=rnd.pk)
    return _detail_page(request, user, rnd, bound={f"finding-{code}": form})


@login_required
@require_POST
def conclusion_set(request: HttpRequest, pk: int) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    form = ConclusionForm(request.POST, documents=documents_visible_to(user))
    if form.is_valid():
        try:
            services.round_set_conclusion(
                by=user, round=rnd, conclusion=form.cleaned_data["conclusion"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The conclusion notice was linked to the round."))
            return redirect("oversight:detail", pk=rnd.pk)
    return _detail_page(request, user, rnd, bound={"conclusion": form})


@login_required
@require_POST
def remediation_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    target = _target(rnd, code)
    form = RemediationForm(
        request.POST, prefix=f"r-{code}", findings=Finding.objects.filter(round=rnd, target=target)
    )
    if form.is_valid():
        finding = form.cleaned_data["finding"]
        drafts = [
            services.RemediationDraft(text=text, deadline=deadline, finding=finding)
            for text, deadline in form.lines()
        ]
        try:
            created = services.remediation_add(by=user, round=rnd, target=target, items=drafts)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s remediation task was assigned to %(unit)s.",
                    "%(n)s remediation tasks were assigned to %(unit)s.",
                    len(created),
                )
                % {"n": len(created), "unit": target.name},
            )
            return redirect("oversight:detail", pk=rnd.pk)
    return _detail_page(request, user, rnd, bound={f"remediation-{code}": form})


@login_required
@require_POST
def remediation_verify(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    item = selectors.items_visible_in(rnd, user).filter(pk=item_id).first()
    if item is None:
        raise Http404(_("No such remediation item."))
    form = VerifyForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["verdict"] == "carried_over":
                services.remediation_carry_over(by=user, item=item, reason=data["comment"])
            else:
                services.remediation_verify(
                    by=user,
                    item=item,
                    done=data["verdict"] == "done",
                    comment=data["comment"],
                    evidence=data["evidence"],
                    files=request.FILES.getlist(f"item-{item.pk}-files"),
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The verification was recorded."))
            return redirect("oversight:detail", pk=rnd.pk)
    return _detail_page(request, user, rnd, bound={f"verify-{item.pk}": form})


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    try:
        services.round_close(by=user, round=rnd)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The round was closed."))
    return redirect("oversight:detail", pk=rnd.pk)


@login_required
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user, rnd = _conducted(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.round_reopen(by=user, round=rnd, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The round was reopened."))
            return redirect("oversight:detail", pk=rnd.pk)
    return _detail_page(request, user, rnd, bound={"reopen": form})
