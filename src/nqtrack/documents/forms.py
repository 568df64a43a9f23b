"""Forms of the registry pages. They validate shapes; services own the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.documents.models import Field, RelationKind, ReviewRule, Urgency
from nqtrack.documents.symbols import TYPE_NAMES
from nqtrack.organizations.models import Organization, SecurityLevel, User
from nqtrack.organizations.selectors import organizations_visible_to

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
)
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


def _date_field(label: Any, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, widget=DATE_WIDGET, **kwargs
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.name} ({obj.abbreviation})"


class DocumentForm(forms.Form):
    symbol = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        help_text=_("As printed, e.g. 05-CT/TW or Số 10-NQ/TU."),
    )
    type_name = forms.CharField(
        label=_("Type name as printed"),
        max_length=60,
        required=False,
        help_text=_("E.g. Quy định: the printed name decides the type."),
    )
    issuer = OrgChoiceField(label=_("Issuing body"), queryset=Organization.objects.none())
    signed_on = _date_field(_("Signing date"), required=True)
    title = forms.CharField(label=_("Title (trích yếu)"), widget=forms.Textarea(attrs={"rows": 2}))
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    security_level = forms.ChoiceField(label=_("Security level"), choices=SecurityLevel.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    valid_until = _date_field(_("Valid until"))
    interim_1 = _date_field(_("Interim review 1 fixed by the document"))
    interim_2 = _date_field(_("Interim review 2 fixed by the document"))
    final_1 = _date_field(_("Final review fixed by the document"))
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(label=_("Attachment (PDF, DOCX, DOC)"), required=False)
    # The version the form was opened at: a save against an older one is refused (editing only).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    upload_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = organizations_visible_to(user).order_by("path")
        allowed = (
            SecurityLevel.up_to(user.clearance) if not user.is_superuser else SecurityLevel.values
        )
        self.fields["security_level"].choices = [
            c for c in SecurityLevel.choices if c[0] in allowed
        ]
        self.type_names = sorted({name for name in TYPE_NAMES})

    def overrides(self) -> list[tuple[str, int, Any]]:
        data = self.cleaned_data
        pairs = [
            ("interim", 1, data.get("interim_1")),
            ("interim", 2, data.get("interim_2")),
            ("final", 1, data.get("final_1")),
        ]
        return [(k, s, d) for k, s, d in pairs if d]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "symbol": data["symbol"],
            "type_name": data["type_name"],
            "issuer": data["issuer"],
            "signed_on": data["signed_on"],
            "title": data["title"],
            "fields": [f.slug for f in data["fields"]],
            "security_level": data["security_level"],
            "urgency": data["urgency"],
            "valid_until": data["valid_until"],
            "full_text": data["full_text"],
            "review_overrides": self.overrides(),
        }


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=RelationKind.choices)
    target = forms.CharField(
        label=_("Related document"),
        max_length=60,
        help_text=_("Its number and symbol, e.g. 05-CT/TW."),
    )


class ReviewRuleForm(forms.ModelForm):
    reviewed_types = forms.CharField(
        label=_("Document types that are reviewed"),
        help_text=_("Type codes separated by commas, e.g. NQ, CT, KL."),
    )

    class Meta:
        model = ReviewRule
        fields = ["interim_years", "final_years", "plan_lead_months", "finalize_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["reviewed_types"] = ", ".join(self.instance.reviewed_types)

    def clean_reviewed_types(self) -> list[str]:
        raw = self.cleaned_data["reviewed_types"]
        return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


class CalendarForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"))
    issuer = forms.CharField(label=_("Issuer code"), required=False)
    field = forms.ModelChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, to_field_name="slug"
    )
