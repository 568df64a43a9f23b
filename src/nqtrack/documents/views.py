"""Registry pages: list, register (with pre-fill from a file), detail, edit, relations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from nqtrack.core.audit import audit_rows
from nqtrack.core.downloads import file_response
from nqtrack.core.exports import xlsx_response
from nqtrack.core.forms import apply_errors
from nqtrack.core.query import BadQuery
from nqtrack.documents import selectors, services
from nqtrack.documents.calendar_views import review_calendar, review_calendar_feed
from nqtrack.documents.exports import document_table
from nqtrack.documents.filters import DocumentFilter
from nqtrack.documents.forms import DocumentForm, RelationForm
from nqtrack.documents.models import (
    INVERSE_RELATION_LABELS,
    Attachment,
    Field,
    Relation,
)
from nqtrack.documents.textparse import parse_document_text
from nqtrack.organizations.models import Organization

__all__ = ["review_calendar", "review_calendar_feed"]

SORTS = {
    "signed": "signed_on",
    "-signed": "-signed_on",
    "symbol": "symbol",
    "-symbol": "-symbol",
    "registered": "created_at",
    "-registered": "-created_at",
}
STAGE_SALT = "nqtrack.documents.stage"


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    base = selectors.documents_visible_to(user).prefetch_related("fields")  # type: ignore[arg-type]
    filterset = DocumentFilter(request.GET, queryset=base)
    if not filterset.is_valid():
        raise BadQuery({n: [str(m) for m in e] for n, e in filterset.errors.items()})
    qs = filterset.qs
    sort = request.GET.get("sort", "")
    if sort in SORTS:
        qs = qs.order_by(SORTS[sort], "-id")
    if request.GET.get("export") == "xlsx":
        headers, rows = document_table(qs[:20000])
        return xlsx_response("van-ban.xlsx", _("Documents"), headers, rows)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    issuers = (
        Organization.objects.filter(pk__in=base.values("issuer_id"))
        .order_by("path")
        .only("code", "name")
    )
    context = {
        "filter": filterset,
        "page_obj": page,
        "documents": page.object_list,
        "sort": sort,
        "issuers": issuers,
        "fields": Field.objects.all(),
        "doc_types": sorted(set(base.values_list("doc_type", flat=True))),
        "can_register": user.can_manage_documents,  # type: ignore[union-attr]
    }
    return render(request, "documents/list.html", context)


def _staged(request: HttpRequest, token: str) -> Attachment | None:
    if not token:
        return None
    try:
        attachment_id = signing.loads(token, salt=STAGE_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    return Attachment.objects.filter(
        pk=attachment_id, document__isnull=True, uploaded_by=request.user
    ).first()


def _prefill_from(attachment: Attachment, user: Any) -> dict[str, Any]:
    """Initial form values read from an uploaded file's header."""
    header, _citations = parse_document_text(attachment.extracted_text)
    initial: dict[str, Any] = {"full_text": attachment.extracted_text}
    if header is None:
        return initial
    initial.update(
        {
            "symbol": header.symbol,
            "type_name": header.type_name or "",
            "title": header.title or "",
            "signed_on": header.signed_on,
        }
    )
    issuer = selectors.organizations_matching_abbreviation(user, header.issuer)
    if issuer is not None:
        initial["issuer"] = issuer
    return initial


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can_manage_documents:  # type: ignore[union-attr]
        raise PermissionDenied
    staged: Attachment | None = None
    similar: list[selectors.CloseDocument] = []
    if request.method == "POST" and request.POST.get("action") == "prefill":
        upload = request.FILES.get("file")
        form = DocumentForm(user=user)  # type: ignore[arg-type]
        if upload is None:
            messages.error(request, _("Choose a PDF or DOCX file to read."))
        else:
            try:
                staged = services.attachment_stage(by=user, upload=upload)  # type: ignore[arg-type]
            except ValidationError as exc:
                # The form is not bound yet: the file's refusal is shown like a missing file.
                messages.error(request, " ".join(exc.messages))
            else:
                initial = _prefill_from(staged, user)
                initial["upload_token"] = signing.dumps(staged.pk, salt=STAGE_SALT)
                form = DocumentForm(initial=initial, user=user)  # type: ignore[arg-type]
                if "symbol" in initial:
                    messages.success(
                        request,
                        _(
                            "The form was filled from the file's header. "
                            "Check every value before saving."
                        ),
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "No document header was found in the file; "
                            "its text was kept. Fill in the form."
                        ),
                    )
                similar = selectors.similar_documents(
                    user,
                    title=initial.get("title", ""),
                    text=initial.get("full_text", ""),  # type: ignore[arg-type]
                    issuer=initial.get("issuer"),
                )
    elif request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, user=user)  # type: ignore[arg-type]
        staged = _staged(request, request.POST.get("upload_token", ""))
        if form.is_valid():
            try:
                attachments = [staged] if staged else []
                upload = form.cleaned_data.get("file")
                if upload:
                    attachments.append(services.attachment_stage(by=user, upload=upload))  # type: ignore[arg-type]
                document = services.document_register(
                    by=user, attachments=attachments, **form.service_values()
                )  # type: ignore[arg-type]
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Document %(symbol)s was registered.") % {"symbol": document.symbol}
                )
                return redirect("documents:detail", pk=document.pk)
        if form.data.get("title"):
            similar = selectors.similar_documents(
                user,
                title=form.data.get("title", ""),
                text=form.data.get("full_text", ""),  # type: ignore[arg-type]
                issuer=form.cleaned_data.get("issuer") if hasattr(form, "cleaned_data") else None,
            )
    else:
        form = DocumentForm(
            user=user,
            initial={
                "security_level": "normal",  # type: ignore[arg-type]
                "urgency": "normal",
            },
        )
    return render(
        request,
        "documents/form.html",
        {"form": form, "staged": staged, "similar": similar, "creating": True},
    )


@require_safe
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    document = selectors.access_document_by_id(user, pk)  # type: ignore[arg-type]
    visible = selectors.documents_visible_to(user)  # type: ignore[arg-type]
    outgoing = document.outgoing.filter(target__in=visible).select_related("target")
    incoming = document.incoming.filter(source__in=visible).select_related("source")
    can_manage = selectors.documents_managed_by(user).filter(pk=document.pk).exists()  # type: ignore[arg-type]
    context = {
        "document": document,
        "fields": document.fields.all(),
        "attachments": document.attachments.all(),
        "outgoing": outgoing,
        "incoming": [(r, INVERSE_RELATION_LABELS[r.kind]) for r in incoming],
        "milestones": document.milestones.annotate(held=selectors._held()).all(),
        "rule": services.review_rule_for(document.issuer),
        "similar": selectors.similar_documents(
            user,
            title=document.title,
            text=document.full_text,  # type: ignore[arg-type]
            issuer=document.issuer,
            exclude_id=document.pk,
        ),
        "audit": audit_rows(document, reader=request.user),
        "can_manage": can_manage,
        "relation_form": RelationForm(),
        "today": timezone.localdate(),
    }
    return render(request, "documents/detail.html", context)


def _managed(request: HttpRequest, pk: int) -> Any:
    document = selectors.access_document_by_id(request.user, pk)  # type: ignore[arg-type]
    if not selectors.documents_managed_by(request.user).filter(pk=pk).exists():  # type: ignore[arg-type]
        raise PermissionDenied
    return document


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = _managed(request, pk)
    user = request.user
    overrides = {(o.kind, o.sequence): o.due_on for o in document.overrides.all()}
    initial = {
        "symbol": document.symbol,
        "type_name": document.type_name,
        "issuer": document.issuer,
        "signed_on": document.signed_on,
        "title": document.title,
        "fields": document.fields.all(),
        "security_level": document.security_level,
        "urgency": document.urgency,
        "valid_until": document.valid_until,
        "full_text": document.full_text,
        "interim_1": overrides.get(("interim", 1)),
        "interim_2": overrides.get(("interim", 2)),
        "final_1": overrides.get(("final", 1)),
        "version": document.version,
    }
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, user=user, initial=initial)  # type: ignore[arg-type]
        if form.is_valid():
            values = form.service_values()
            try:
                services.document_update(
                    by=user,  # type: ignore[arg-type]
                    document=document,
                    expected_version=form.cleaned_data.get("version"),
                    **values,
                )
                if form.cleaned_data.get("file"):
                    services.attachment_add(
                        by=user,
                        document=document,  # type: ignore[arg-type]
                        upload=form.cleaned_data["file"],
                    )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("documents:detail", pk=document.pk)
    else:
        form = DocumentForm(initial=initial, user=user)  # type: ignore[arg-type]
    return render(request, "documents/form.html", {"form": form, "document": document})


@login_required
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _managed(request, pk)
    if request.method == "POST":
        try:
            services.document_delete(by=request.user, document=document)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("documents:detail", pk=pk)
        messages.success(
            request, _("Document %(symbol)s was deleted.") % {"symbol": document.symbol}
        )
        return redirect("documents:list")
    return render(request, "documents/confirm_delete.html", {"document": document})


@login_required
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _managed(request, pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        targets = selectors.documents_by_symbol(request.user, form.cleaned_data["target"])  # type: ignore[arg-type]
        if not targets:
            messages.error(
                request,
                _("No visible document has the symbol %(symbol)s.")
                % {"symbol": form.cleaned_data["target"]},
            )
        elif len(targets) > 1 and not request.POST.get("target_id"):
            messages.error(
                request,
                _(
                    "Several documents have the symbol %(symbol)s; open the "
                    "one you mean and relate from there."
                )
                % {"symbol": form.cleaned_data["target"]},
            )
        else:
            try:
                services.document_relate(
                    by=request.user,
                    source=document,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"],
                    target=targets[0],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The relation was recorded."))
    else:
        messages.error(request, _("Choose a relation and a document symbol."))
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def relation_delete(request: HttpRequest, pk: int, relation_id: int) -> HttpResponse:
    document = _managed(request, pk)
    relation = get_object_or_404(Relation, pk=relation_id, source=document)
    services.document_unrelate(by=request.user, relation=relation)  # type: ignore[arg-type]
    messages.success(request, _("The relation was removed."))
    return redirect("documents:detail", pk=pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    document = _managed(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.attachment_add(by=request.user, document=document, upload=upload)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was attached."))
    return redirect("documents:detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = Attachment.objects.filter(pk=attachment_id, document__isnull=False).first()
    if attachment is None:
        raise Http404
    selectors.access_document_by_id(request.user, attachment.document_id)  # type: ignore[arg-type]
    return file_response(
        request, attachment.file, attachment.original_name, attachment.content_type
    )
