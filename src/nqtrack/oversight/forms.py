"""Forms of the oversight pages. Services check the rules; forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nqtrack.documents.models import Document
from nqtrack.organizations.models import Organization, User
from nqtrack.oversight.models import Finding, FindingKind, RoundKind, TeamRole
from nqtrack.oversight.status import STATUS_LABELS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})


class DocumentChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.symbol} ({obj.signed_on:%d/%m/%Y}) — {obj.title[:90]}"


class SingleDocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.symbol} ({obj.signed_on:%d/%m/%Y}) — {obj.title[:90]}"


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of round"), choices=RoundKind.choices)
    title = forms.CharField(
        label=_("Title of the round"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"size": 70, "placeholder": _("e.g. Supervision of Resolution 10-NQ/TU")}
        ),
    )
    conductor = forms.ModelChoiceField(
        label=_("Conducted by"), queryset=Organization.objects.none(), to_field_name="code"
    )
    period_start = forms.DateField(
        label=_("Oversight period from"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    period_end = forms.DateField(
        label=_("Oversight period to"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    remediation_due_on = forms.DateField(
        label=_("Remediation plans due on"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DATE_WIDGET,
    )
    documents = DocumentChoice(
        label=_("Documents covered"),
        queryset=Document.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Several documents make an integrated round (Ctrl+click to choose more)."),
        error_messages={"required": _("Choose the documents the round covers.")},
    )
    targets = forms.ModelMultipleChoiceField(
        label=_("Target organizations"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the organizations the round oversees.")},
    )

    def __init__(
        self,
        *args: Any,
        conductors: QuerySet[Organization],
        targets: QuerySet[Organization],
        documents: QuerySet[Document],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conductor"].queryset = conductors  # type: ignore[attr-defined]
        self.fields["targets"].queryset = targets  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    post = forms.CharField(label=_("Post"), max_length=255, required=False)
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)
    username = forms.CharField(
        label=_("User (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"size": 12}),
    )

    def clean_username(self) -> User | None:
        username = self.cleaned_data.get("username", "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No such user: %(name)s.") % {"name": username})
        return user


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=3)


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of round"), required=False, choices=[("", _("All")), *RoundKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Round status"),
        required=False,
        choices=[("", _("All")), *((k, v) for k, v in STATUS_LABELS.items())],
    )
    target = forms.CharField(label=_("Target code"), required=False)
    document = forms.CharField(label=_("Document symbol"), required=False)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    text = forms.CharField(
        label=_("Finding"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 2})
    )
    document = SingleDocumentChoice(
        label=_("Document concerned"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("— none in particular —"),
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]


class ConclusionForm(forms.Form):
    conclusion = SingleDocumentChoice(
        label=_("Conclusion notice"),
        queryset=Document.objects.none(),
        empty_label=_("— choose a registered document —"),
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["conclusion"].queryset = documents  # type: ignore[attr-defined]


class RemediationForm(forms.Form):
    """A target's plan as the office types it: one item a line, "what | by when"."""

    items = forms.CharField(
        label=_("Items of the remediation plan"),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _(
                    "One item a line: what to do | deadline (e.g. trong quý III/2026)"
                ),
            }
        ),
        error_messages={"required": _("Give at least one item of the remediation plan.")},
    )
    finding = forms.ModelChoiceField(
        label=_("Finding remedied"),
        queryset=Finding.objects.none(),
        required=False,
        empty_label=_("— none in particular —"),
    )

    def __init__(self, *args: Any, findings: QuerySet[Finding], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = findings  # type: ignore[attr-defined]

    def lines(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            text, _sep, deadline = line.partition("|")
            if text.strip():
                rows.append((text.strip(), deadline.strip()))
        return rows


class VerifyForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verification"),
        choices=[
            ("done", _("verified done")),
            ("not_done", _("verified not done")),
            ("carried_over", _("carried over to a later round")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment or reason"),
        max_length=5_000,
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=5_000,
        required=False,
        widget=forms.TextInput(attrs={"size": 30, "placeholder": _("documents, figures, links")}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=5_000,
        widget=forms.TextInput(attrs={"size": 50}),
        error_messages={"required": _("Give the reason for reopening the round.")},
    )
