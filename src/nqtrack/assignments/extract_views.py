"""Paste or upload a conclusion notice or programme; confirm the tasks NQTrack proposes."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.assignments import services
from nqtrack.assignments.extraction import ProposedTask, extract_tasks, extract_tasks_from_table
from nqtrack.assignments.selectors import known_organizations, public_holidays
from nqtrack.core import uploads
from nqtrack.documents.selectors import access_document_by_id
from nqtrack.organizations.models import Organization
from nqtrack.organizations.selectors import organizations_visible_to


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """Every table of a Word file as rows of cell texts (appendix tables of programmes)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return [
        [[cell.text.strip() for cell in row.cells] for row in table.rows]
        for table in document.tables
    ]


def propose(
    user: Any, document: Any, text: str, tables: list[list[list[str]]]
) -> list[ProposedTask]:
    known = known_organizations(user)
    reference = document.signed_on
    holidays = public_holidays(start=reference, end=reference.replace(year=reference.year + 3))
    proposals = extract_tasks(text, reference, known, holidays=holidays) if text.strip() else []
    for table in tables:
        proposals += extract_tasks_from_table(table, reference, known, holidays=holidays)
    return proposals


class SourceForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text of the notice or programme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or a Word file with an appendix table"), required=False
    )


class ProposalForm(forms.Form):
    keep = forms.BooleanField(label=gettext_lazy("Keep"), required=False, initial=True)
    text = forms.CharField(label=gettext_lazy("Task"), widget=forms.Textarea(attrs={"rows": 2}))
    lead = forms.ModelChoiceField(
        label=gettext_lazy("Lead unit"), required=False, queryset=Organization.objects.none()
    )
    lead_as_written = forms.CharField(required=False, widget=forms.HiddenInput)
    supporting = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Supporting units"),
        required=False,
        queryset=Organization.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )
    deadline = forms.CharField(label=gettext_lazy("Deadline"), required=False, max_length=255)
    product = forms.CharField(
        label=gettext_lazy("Expected product"), required=False, max_length=255
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = orgs
        self.fields["supporting"].queryset = orgs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") and not data.get("lead"):
            self.add_error(
                "lead",
                _("Choose the lead unit (written: “%(name)s”).")
                % {"name": data.get("lead_as_written") or "—"},
            )
        return data


ProposalFormSet = forms.formset_factory(ProposalForm, extra=0)


def _initial(proposals: list[ProposedTask], orgs: Any) -> list[dict[str, Any]]:
    by_code = {o.code: o for o in orgs}
    rows = []
    for p in proposals:
        rows.append(
            {
                "keep": True,
                "text": p.text,
                "lead": by_code.get(p.lead_code or ""),
                "lead_as_written": p.lead or "",
                "supporting": [by_code[c] for c in p.supporting_codes if c in by_code],
                "deadline": p.deadline.label if p.deadline.kind != "none" else "",
                "product": p.product or "",
            }
        )
    return rows


@login_required
def extract(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document_by_id(request.user, pk)  # type: ignore[arg-type]
    if not services.can_assign(request.user, document.owner):  # type: ignore[arg-type]
        raise PermissionDenied
    orgs = (
        organizations_visible_to(request.user)
        .filter(  # type: ignore[arg-type]
            valid_to__isnull=True
        )
        .order_by("path")
    )
    source = SourceForm(initial={"text": document.full_text})
    formset = None
    if request.method == "POST" and request.POST.get("step") == "propose":
        source = SourceForm(request.POST, request.FILES)
        if source.is_valid():
            upload = source.cleaned_data.get("file")
            tables = []
            if upload is not None:
                try:  # a zip bomb or a renamed file never reaches python-docx
                    uploads.check_upload(upload, accept=uploads.WORD_FILES)
                except ValidationError as exc:
                    source.add_error("file", exc.message_dict["file"])
                else:
                    try:
                        tables = docx_tables(upload.read())
                    except Exception:  # python-docx raises many kinds on a damaged file
                        source.add_error("file", _("The Word file cannot be read."))
            if not source.errors:
                proposals = propose(request.user, document, source.cleaned_data["text"], tables)
                if not proposals:
                    messages.warning(
                        request,
                        _(
                            "No task was found. Check that the text "
                            "assigns tasks (“Giao …”, “Đề nghị …”)."
                        ),
                    )
                formset = ProposalFormSet(
                    initial=_initial(proposals, orgs), form_kwargs={"orgs": orgs}
                )
    elif request.method == "POST" and request.POST.get("step") == "confirm":
        formset = ProposalFormSet(request.POST, form_kwargs={"orgs": orgs})
        if formset.is_valid():
            drafts = [
                services.TaskDraft(
                    text=f.cleaned_data["text"],
                    lead=f.cleaned_data["lead"],
                    supporting=list(f.cleaned_data["supporting"]),
                    deadline=f.cleaned_data["deadline"],
                    product=f.cleaned_data["product"],
                )
                for f in formset.forms
                if f.cleaned_data.get("keep")
            ]
            try:
                created = services.tasks_create_many(
                    by=request.user,
                    source_document=document,  # type: ignore[arg-type]
                    drafts=drafts,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("%(n)s tasks were saved.") % {"n": len(created)})
                return redirect(f"/nhiem-vu/tat-ca/?document={document.symbol}")
    return render(
        request,
        "assignments/extract.html",
        {"document": document, "source": source, "formset": formset},
    )
