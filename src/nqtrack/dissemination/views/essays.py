"""Essays (bulk score entry for one cell and document, score import) and outreach."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.core.query import page_query
from nqtrack.dissemination import essays, importing, services
from nqtrack.dissemination.access import can_manage_unit
from nqtrack.dissemination.filters import DocumentQuery
from nqtrack.dissemination.forms import (
    CellDocumentForm,
    EssayQuestionForm,
    ImportForm,
    OutreachForm,
)
from nqtrack.dissemination.models import Essay, Member, OutreachChannel
from nqtrack.dissemination.selectors import (
    access_outreach_by_id,
    essay_questions_visible_to,
    member_exemptions,
    outreach_visible_to,
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
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import access_document_by_id
from nqtrack.organizations.models import Organization

# Bulk score entry ------------------------------------------------------------------------


def _cell_and_document(request: HttpRequest) -> tuple[CellDocumentForm, Any, Any]:
    user = user_of(request)
    form = CellDocumentForm(request.GET or None, user=user)
    if request.GET and form.is_valid():
        return form, form.cleaned_data["org"], form.cleaned_data["van-ban"]
    return form, None, None


def score_rows(org: Organization, document: Document, today: Any) -> list[dict[str, Any]]:
    """One row per member registered in the cell: mandatory or not, and the latest attempt."""
    members = list(Member.objects.filter(organization=org).order_by("full_name", "code"))
    latest = {
        e.member_id: e
        for e in Essay.objects.filter(document=document, is_latest=True, member__in=members)
    }
    return [
        {
            "member": m,
            "mandatory": not member_exemptions(m, on=today),
            "latest": latest.get(m.pk),
        }
        for m in members
    ]


@login_required
def essay_entry(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    form, org, document = _cell_and_document(request)
    context: dict[str, Any] = {"form": form, "org": org, "document": document}
    if org is None or document is None:
        return render(request, "dissemination/essays.html", context)
    today = timezone.localdate()
    rows = score_rows(org, document, today)
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        for row in rows:
            code = row["member"].code
            value = request.POST.get(f"score-{code}", "").strip()
            if value:
                values[code] = value
        if not values:
            messages.info(request, _("Nothing to save: enter at least one score."))
        else:
            try:
                entry = essays.essay_scores_enter(
                    by=user, organization=org, document=document, scores=list(values.items())
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(
                    request, _("Nothing was saved: %(error)s") % {"error": error_text(exc)}
                )
            else:
                if entry.written:
                    messages.success(
                        request,
                        _(
                            "Scores saved: %(first)s first essays, %(rewrite)s rewrites, "
                            "%(unchanged)s unchanged."
                        )
                        % {
                            "first": entry.count("first"),
                            "rewrite": entry.count("rewrite"),
                            "unchanged": entry.count("unchanged"),
                        },
                    )
                    return redirect(request.get_full_path())
                for bad in entry.bad_rows:
                    errors[bad.code] = bad.errors
                messages.error(
                    request,
                    _("Nothing was saved: correct the rows marked in red."),
                )
    for row in rows:
        code = row["member"].code
        row["value"] = values.get(code, "")
        row["errors"] = errors.get(code, [])
    context.update(
        {
            "rows": rows,
            "can_edit": can_manage_unit(user, org),
            "counts": {
                "members": len(rows),
                "mandatory": sum(1 for r in rows if r["mandatory"]),
                "written": sum(1 for r in rows if r["latest"]),
                "rewrite": sum(1 for r in rows if r["latest"] and r["latest"].rewrite_required),
            },
        }
    )
    return render(request, "dissemination/essays.html", context)


PENDING_SCORES = "study_scores_import"


def score_summary(report: importing.ImportCheck | None) -> str:
    if report is None or not report.ok:
        return ""
    return _("%(first)s first essays, %(rewrite)s rewrites, %(unchanged)s unchanged.") % {
        "first": report.counts.get("first", 0),
        "rewrite": report.counts.get("rewrite", 0),
        "unchanged": report.counts.get("unchanged", 0),
    }


@login_required
def scores_import(request: HttpRequest) -> HttpResponse:
    """Step 1 checks a table of (member code, score) for a cell and document; step 2 writes
    the same file, every row or none."""
    user = user_of(request)
    require_writer(user)
    choice, org, document = _cell_and_document(request)
    report = None
    form = ImportForm()
    if org is not None and document is not None and request.method == "POST":
        if request.POST.get("step") == "apply":
            found = pending(request, PENDING_SCORES)
            if (
                found is None
                or found[0].get("org") != org.code
                or found[0].get("doc") != document.pk
            ):
                messages.error(request, _("The checked file has expired; upload it again."))
                return redirect(request.get_full_path())
            info, path = found
            try:
                with path.open("rb") as handle:
                    report, entry = importing.scores_import_check(
                        by=user,
                        organization=org,
                        document=document,
                        upload=handle,
                        filename=info["name"],
                    )
                if entry is not None and report.ok:
                    importing.scores_import_apply(by=user, entry=entry)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(
                    request, _("Nothing was imported: %(error)s") % {"error": error_text(exc)}
                )
            else:
                if report.ok:
                    drop_pending(request, PENDING_SCORES)
                    messages.success(
                        request,
                        _("Scores imported: %(summary)s") % {"summary": score_summary(report)},
                    )
                    return redirect(f"{_entry_url()}?{request.GET.urlencode()}")
                messages.error(request, _("Nothing was imported: the file has errors."))
        else:
            form = ImportForm(request.POST, request.FILES)
            drop_pending(request, PENDING_SCORES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                try:
                    report, _entry = importing.scores_import_check(
                        by=user,
                        organization=org,
                        document=document,
                        upload=ContentFile(data),
                        filename=upload.name,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, error_text(exc))
                else:
                    if report.ok:
                        keep_pending(
                            request,
                            PENDING_SCORES,
                            data,
                            upload.name,
                            org=org.code,
                            doc=document.pk,
                        )
    return render(
        request,
        "dissemination/scores_import.html",
        {
            "choice": choice,
            "org": org,
            "document": document,
            "form": form,
            "report": report,
            "summary": score_summary(report),
        },
    )


def _entry_url() -> str:
    from django.urls import reverse

    return reverse("dissemination:essays")


# Outreach --------------------------------------------------------------------------------

CHANNEL_LABELS = {str(c.value): str(c.label) for c in OutreachChannel}


@login_required
def outreach_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    qs = outreach_visible_to(user)
    document = None
    if request.GET.get("van-ban"):
        document = access_document_by_id(user, request.GET["van-ban"])
        qs = qs.filter(document=document)
    channel = request.GET.get("kenh", "")
    if channel in CHANNEL_LABELS:
        qs = qs.filter(channel=channel)
    qs = qs.order_by("-held_on", "-id")
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "tuyen-truyen.xlsx",
            _("Outreach"),
            [
                _("Date"),
                _("Organization"),
                _("Document"),
                _("Channel"),
                _("Number of times"),
                _("People reached"),
                _("Notes"),
            ],
            (
                [
                    a.held_on,
                    a.organization.name,
                    a.document.symbol,
                    CHANNEL_LABELS[a.channel],
                    a.count,
                    a.reach,
                    a.notes,
                ]
                for a in qs
            ),
        )
    page = paginate(request, qs)
    return render(
        request,
        "dissemination/outreach.html",
        {
            "page_obj": page,
            "document": document,
            "channel": channel,
            "channels": CHANNEL_LABELS,
            "can_write": can_write(user),
            "managed": {a.pk for a in page if can_manage_unit(user, a.organization)},
        },
    )


@login_required
def outreach_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_writer(user)
    if request.method == "POST":
        form = OutreachForm(request.POST, user=user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["reach"] = data.get("reach") or 0
            try:
                services.outreach_record(by=user, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The outreach activity was recorded."))
                return redirect("dissemination:outreach")
    else:
        initial: dict[str, Any] = {"held_on": timezone.localdate()}
        if user.organization is not None:
            initial["organization"] = user.organization.code
        if request.GET.get("van-ban"):
            initial["document"] = request.GET["van-ban"]
        form = OutreachForm(user=user, initial=initial)
    return render(
        request,
        "dissemination/outreach_form.html",
        {"form": form, "title": _("Record outreach")},
    )


@login_required
def outreach_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the channel, count, date, reach or notes; the unit and document stay."""
    user = user_of(request)
    require_writer(user)
    activity = access_outreach_by_id(user, pk)
    initial = {
        "organization": activity.organization.code,
        "document": activity.document_id,
        "channel": activity.channel,
        "count": activity.count,
        "held_on": activity.held_on,
        "reach": activity.reach,
        "notes": activity.notes,
    }
    form = OutreachForm(request.POST or None, user=user, initial=initial)
    form.fields["organization"].disabled = True
    form.fields["document"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("channel", "count", "held_on", "reach", "notes")}
        data["reach"] = data["reach"] or 0
        try:
            services.outreach_update(by=user, activity=activity, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The outreach activity was saved."))
            return redirect("dissemination:outreach")
    return render(
        request,
        "dissemination/outreach_form.html",
        {"form": form, "title": _("Edit the outreach activity")},
    )


@login_required
@require_POST
def outreach_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    activity = access_outreach_by_id(user, pk)
    try:
        services.outreach_delete(by=user, activity=activity)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The outreach activity was deleted."))
    return redirect("dissemination:outreach")


# Essay questions -------------------------------------------------------------------------


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    """The questions (essay forms) of each document, by level; the office adds new ones."""
    user = user_of(request)
    qs = essay_questions_visible_to(user).order_by(
        "-document__signed_on", "organization__path", "id"
    )
    document_id = page_query(request, DocumentQuery).cleaned_data["van-ban"]
    if document_id:
        qs = qs.filter(document_id=document_id)
    form = None
    if can_write(user):
        form = EssayQuestionForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            try:
                essays.essay_question_create(by=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The question was added."))
                return redirect("dissemination:questions")
    return render(
        request,
        "dissemination/questions.html",
        {"page_obj": paginate(request, qs), "form": form},
    )
