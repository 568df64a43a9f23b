"""Review pages: the list with each review's stage, the term/year plan, one review's page with
its stages and actions, the Word draft and appendix tables, and the survey form."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from nqtrack.core.audit import audit_rows
from nqtrack.core.downloads import bytes_response
from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.core.query import page_query
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.organizations.selectors import access_organization_by_code
from nqtrack.reporting.selectors import round_stats
from nqtrack.reviews import forms as review_forms
from nqtrack.reviews import selectors, services
from nqtrack.reviews.appendix import appendix_tables, as_of_day
from nqtrack.reviews.filters import ReviewListQuery
from nqtrack.reviews.labels import STAGE_LABELS, STATE_LABELS
from nqtrack.reviews.models import QuestionKind, Review
from nqtrack.reviews.report_docx import review_report_docx
from nqtrack.reviews.stages import STAGE_KEYS, current_stage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def stage_labels() -> dict[str, str]:
    return {k: str(v) for k, v in STAGE_LABELS.items()}


def state_labels() -> dict[str, str]:
    return {k: str(v) for k, v in STATE_LABELS.items()}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _document(user: User, ref: str) -> Document:
    ref = ref.strip()
    qs = documents_visible_to(user)
    found = qs.filter(pk=int(ref)).first() if ref.isdigit() else qs.filter(symbol=ref).first()
    if found is None:
        raise ValidationError({"document": [_("No such document: %(ref)s.") % {"ref": ref}]})
    return found


def _org(user: User, code: str) -> Organization | None:
    code = (code or "").strip()
    if not code:
        return None
    try:
        return access_organization_by_code(user, code)
    except Http404:
        raise ValidationError(
            {"lead_body": [_("No such organization: %(code)s.") % {"code": code}]}
        ) from None


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = timezone.localdate()
    query = page_query(request, ReviewListQuery).cleaned_data
    qs = selectors.reviews_visible_to(user).select_related("round")
    if query["kind"]:
        qs = qs.filter(milestone__kind=query["kind"])
    if query["year"]:
        qs = qs.filter(milestone__due_on__year=query["year"])
    if query["committee"]:
        qs = qs.filter(committee__code=query["committee"])
    rows = []
    for review in qs.prefetch_related("meetings", "questions")[:2000]:
        stage = current_stage(selectors.stages_of(review, today=today))
        rows.append((review, stage))
    if query["state"] == "late":
        rows = [(r, s) for r, s in rows if s is not None and s.late]
    labels, states = stage_labels(), state_labels()
    if query["export"] == "xlsx":
        return xlsx_response(
            "so-ket-tong-ket.xlsx",
            _("Reviews"),
            [_("Document"), _("Committee"), _("Kind"), _("Due on"), _("Stage"), _("State")],
            [
                [
                    r.document.symbol,
                    r.committee.name,
                    r.get_kind_display(),
                    r.due_on,
                    labels[s.key] if s else _("completed"),
                    states[s.state] if s else "",
                ]
                for r, s in rows
            ],
        )
    page = Paginator(rows, 50).get_page(query["page"])
    return render(
        request,
        "reviews/list.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "labels": labels,
            "states": states,
            "can_plan": user.can_manage_documents or user.is_superuser,
        },
    )


@login_required
def review_plan(request: HttpRequest) -> HttpResponse:
    """The term plan (every review due in a congress term) or the next year's plan."""
    user = _user(request)
    org = user.organization
    today = timezone.localdate()
    initial = {
        "committee": getattr(org, "code", ""),
        "start": datetime.date(today.year + 1, 1, 1),
        "end": datetime.date(today.year + 1, 12, 31),
    }
    form = review_forms.PlanForm(request.POST or request.GET or None, initial=initial)
    committee = None
    if form.is_bound and form.is_valid():
        try:
            committee = _org(user, form.cleaned_data["committee"])
            if request.method == "POST" and committee is not None:
                result = services.plan_generate(
                    by=user,
                    committee=committee,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    lead_body=_org(user, form.cleaned_data["lead_body"]),
                )
                messages.success(
                    request,
                    _("%(created)s review(s) added to the plan; %(existing)s were already in it.")
                    % {"created": len(result.created), "existing": len(result.existing)},
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    start = (
        form.cleaned_data.get("start") if form.is_bound and form.is_valid() else initial["start"]
    )
    end = form.cleaned_data.get("end") if form.is_bound and form.is_valid() else initial["end"]
    committee = committee or org
    reviews = (
        selectors.reviews_visible_to(user)
        .filter(committee=committee, milestone__due_on__gte=start, milestone__due_on__lte=end)
        .order_by("milestone__due_on")
        if committee
        else Review.objects.none()
    )
    milestones = (
        selectors.milestones_between(committee, start, end)
        .filter(document__in=documents_visible_to(user))
        .exclude(reviews__committee=committee)
        if committee
        else []
    )
    headers = [
        _("No."),
        _("Document"),
        _("Kind"),
        _("Review due on"),
        _("Plan due on"),
        _("Lead advisory body"),
    ]
    rows = [
        [
            n,
            f"{r.document.symbol} — {r.document.title}",
            r.get_kind_display(),
            r.due_on,
            r.plan_due_on,
            r.lead_body.name if r.lead_body else "",
        ]
        for n, r in enumerate(reviews, start=1)
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response("ke-hoach-so-ket-tong-ket.xlsx", _("Review plan"), headers, rows)
    if request.GET.get("export") == "docx" and committee is not None:
        from nqtrack.reviews.plan_docx import plan_docx

        data = plan_docx(committee, start, end, headers, rows, today=today)
        return bytes_response(data, "ke-hoach-so-ket-tong-ket.docx", DOCX)
    return render(
        request,
        "reviews/plan.html",
        {
            "form": form,
            "committee": committee,
            "reviews": reviews,
            "milestones": milestones,
            "start": start,
            "end": end,
            "can_run": committee is not None and services.can_run(user, committee),
        },
    )


@require_safe
@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    review = selectors.access_review(user, pk)
    today = timezone.localdate()
    stages = selectors.stages_of(review, today=today)
    count, results = selectors.survey_results(review)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "stages": stages,
            "current": current_stage(stages),
            "labels": stage_labels(),
            "states": state_labels(),
            "can_run": services.can_run(user, review.committee),
            "proposed": selectors.proposed_scope(review),
            "scope": {s.organization_id: s for s in review.scope.select_related("organization")},
            "stats": round_stats(review.round, today=today) if review.round else None,
            "meetings": review.meetings.all(),
            "questions": review.questions.all(),
            "responses": count,
            "results": results,
            "subordinates": selectors.subordinate_reviews(review, today=today),
            "tables": appendix_tables(review, user, today=today),
            "as_of": as_of_day(review, today),
            "forms": {
                "lead": review_forms.LeadForm(
                    initial={"lead_body": getattr(review.lead_body, "code", "")}
                ),
                "plan": review_forms.PlanDocumentForm(),
                "reports": review_forms.ReportsForm(initial={"due_on": review.due_on}),
                "meeting": review_forms.MeetingForm(),
                "approve": review_forms.ApproveForm(),
                "issue": review_forms.IssueForm(),
                "followup": review_forms.FollowUpForm(),
                "questions": review_forms.QuestionsForm(),
            },
            "stage_keys": STAGE_KEYS,
            "audit": audit_rows(review, reader=request.user),
        },
    )


ACTIONS: dict[str, tuple[type[forms.Form] | None, Callable[..., Any]]] = {}


def action(name: str, form: type[forms.Form] | None) -> Callable[[Callable[..., Any]], Any]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        ACTIONS[name] = (form, fn)
        return fn

    return register


@action("lead", review_forms.LeadForm)
def _lead(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_set_lead(by=user, review=review, lead_body=_org(user, data["lead_body"]))
    return _("The lead body was saved.")


@action("plan", review_forms.PlanDocumentForm)
def _plan(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_record_plan(
        by=user,
        review=review,
        plan_document=_document(user, data["document"]),
        issued_on=data.get("issued_on"),
    )
    return _("The review plan was recorded.")


@action("scope", None)
def _scope(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    codes = request.POST.getlist("include")
    units = list(Organization.objects.filter(code__in=codes))
    excluded = {}
    for proposal in selectors.proposed_scope(review):
        unit = proposal.organization
        if unit.code not in codes:
            excluded[unit] = request.POST.get(f"reason_{unit.code}", "")
    services.review_set_scope(by=user, review=review, included=units, excluded=excluded)
    return _("The scope was saved.")


@action("reports", review_forms.ReportsForm)
def _reports(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_request_reports(
        by=user, review=review, due_on=data["due_on"], title=data.get("title", "")
    )
    return _("The units in scope were asked for their reports.")


@action("meeting", review_forms.MeetingForm)
def _meeting(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_add_meeting(by=user, review=review, **data)
    return _("The meeting was recorded.")


@action("approve", review_forms.ApproveForm)
def _approve(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_approve(by=user, review=review, approved_on=data["approved_on"])
    return _("The approval was recorded.")


@action("issue", review_forms.IssueForm)
def _issue(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_issue_report(
        by=user,
        review=review,
        symbol=data["symbol"],
        signed_on=data["signed_on"],
        title=data["title"],
        upload=data.get("file"),
    )
    return _("The review report was registered and linked to the document.")


@action("followup", review_forms.FollowUpForm)
def _followup(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    services.review_follow_up(
        by=user,
        review=review,
        followup=data["followup"],
        document=_document(user, data["document"]),
    )
    return _("The follow-up was recorded.")


@action("questions", review_forms.QuestionsForm)
def _questions(user: User, review: Review, data: dict[str, Any], request: HttpRequest) -> str:
    form = review_forms.QuestionsForm(request.POST)
    form.is_valid()
    questions = [services.Question(k, t, o) for k, t, o in form.parsed()]
    services.survey_set_questions(by=user, review=review, questions=questions)
    return _("The survey questions were saved.")


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = _user(request)
    review = selectors.access_review(user, pk)
    if name not in ACTIONS:
        raise Http404
    form_class, fn = ACTIONS[name]
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            errors = [
                f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                for f, e in form.errors.items()
            ]
            messages.error(request, " ".join(errors))
            return redirect("reviews:detail", pk=pk)
        data = form.cleaned_data
    try:
        message = fn(user, review, data, request)
    except forms.ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        messages.success(request, message)
    return redirect("reviews:detail", pk=pk)


@require_safe
@login_required
def review_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft report as a Word file (marks the draft stage done for the office)."""
    user = _user(request)
    review = selectors.access_review(user, pk)
    today = timezone.localdate()
    data = review_report_docx(review, user, today=today)
    if services.can_run(user, review.committee):
        services.review_mark_draft(by=user, review=review)
    return bytes_response(
        data, f"du-thao-bao-cao-{review.kind}-{review.document.number}.docx", DOCX
    )


@require_safe
@login_required
def review_table(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One appendix table as XLSX."""
    user = _user(request)
    review = selectors.access_review(user, pk)
    for table in appendix_tables(review, user, today=timezone.localdate()):
        if table.key == key:
            return xlsx_response(f"phu-luc-{key}.xlsx", table.title[:31], table.headers, table.rows)
    raise Http404


@login_required
def review_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the survey online, or (office) enter a paper form."""
    user = _user(request)
    review = selectors.access_review(user, pk)
    questions = list(review.questions.all())
    office = services.can_run(user, review.committee)
    units = [
        s.organization for s in review.scope.filter(included=True).select_related("organization")
    ]
    if not office and user.organization is not None:
        units = [u for u in units if u.path.startswith(user.organization.path)]
    if request.method == "POST":
        answers: dict[int, Any] = {}
        for q in questions:
            key = f"q_{q.pk}"
            answers[q.pk] = (
                request.POST.getlist(key)
                if q.kind == QuestionKind.MULTIPLE
                else request.POST.get(key)
            )
        unit = next((u for u in units if u.code == request.POST.get("unit")), None)
        try:
            if unit is None:
                raise ValidationError(_("Choose your unit."))
            services.survey_respond(
                by=user,
                review=review,
                organization=unit,
                answers=answers,
                respondent=request.POST.get("respondent", ""),
                from_paper=office and request.POST.get("from_paper") == "1",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: the answers were recorded."))
            return redirect("reviews:survey", pk=pk)
    return render(
        request,
        "reviews/survey.html",
        {"review": review, "questions": questions, "units": units, "office": office},
    )
