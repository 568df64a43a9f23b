"""Forms of the study and dissemination pages. Services check the rules; forms only parse input
and offer the choices a user may pick (units they may write for, documents they may see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nqtrack.dissemination.access import units_managed_by
from nqtrack.dissemination.models import (
    OutreachChannel,
    SessionFormat,
    Sex,
    StudyKind,
    StudyPlan,
)
from nqtrack.dissemination.rules import STORED_EXEMPTIONS, Exemption
from nqtrack.dissemination.selectors import (
    audience_groups,
    plans_visible_to,
    speakers_visible_to,
)
from nqtrack.dissemination.services import PlanTarget
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Level, Organization, User

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})
TARGET_ROWS = 4


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = obj.title if len(obj.title) <= 70 else obj.title[:69] + "…"
        return f"{obj.symbol} – {title}"


class DocumentsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return DocumentChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


def visible_documents(user: User) -> QuerySet[Document]:
    return documents_visible_to(user).order_by("-signed_on", "-id")


def _unit_field(user: User, label: Any, **kwargs: Any) -> UnitChoiceField:
    return UnitChoiceField(
        label=label,
        queryset=units_managed_by(user).order_by("path"),
        to_field_name="code",
        empty_label=_("— choose a unit —"),
        **kwargs,
    )


def _document_field(user: User, **kwargs: Any) -> DocumentChoiceField:
    return DocumentChoiceField(
        label=_("Document"),
        queryset=visible_documents(user),
        empty_label=_("— choose a document —"),
        **kwargs,
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))


# Members ---------------------------------------------------------------------------------


class MemberForm(forms.Form):
    code = forms.CharField(label=_("Member code"), max_length=40)
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"size": 40})
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    posts = forms.CharField(
        label=_("Posts held"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    exemptions = forms.MultipleChoiceField(
        label=_("Exempt from essays because of"),
        required=False,
        choices=[(str(e.value), e.label) for e in STORED_EXEMPTIONS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members over the age threshold are exempt without a tick."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _unit_field(user, _("Party cell or organization"))
        self.order_fields(["code", "full_name", "organization", "sex", "birth_date"])


EXEMPTION_FILTERS = [
    ("", _("Everyone")),
    ("mandatory", _("Must write essays")),
    ("exempt", _("Exempt from essays (any reason)")),
    *[(str(e.value), e.label) for e in STORED_EXEMPTIONS],
    (str(Exemption.OVER_AGE.value), Exemption.OVER_AGE.label),
]


# Speakers --------------------------------------------------------------------------------


class SpeakerForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"size": 40})
    )
    title = forms.CharField(
        label=_("Title or post"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _unit_field(user, _("Organization"))
        self.order_fields(["full_name", "title", "organization"])


# Study plans -----------------------------------------------------------------------------


@dataclass
class TargetRow:
    level: forms.BoundField
    organization: forms.BoundField
    due_on: forms.BoundField


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of study"), choices=StudyKind.choices)
    title = forms.CharField(
        label=_("Plan name"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    due_on = forms.DateField(
        label=_("Sessions held by"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    outline = forms.CharField(
        label=_("Outline"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self, *args: Any, user: User, plan: StudyPlan | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is None:
            self.fields["document"] = _document_field(user)
            self.fields["owner"] = _unit_field(user, _("Issuing committee"))
            self.order_fields(["document", "owner", "kind"])
        self.fields["audiences"] = forms.ModelMultipleChoiceField(
            label=_("Audience groups"),
            queryset=audience_groups(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["speakers"] = forms.ModelMultipleChoiceField(
            label=_("Speakers"),
            queryset=speakers_visible_to(user),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        owner_path = (
            plan.owner.path if plan else (user.organization.path if user.organization else "")
        )
        units = Organization.objects.filter(
            path__startswith=owner_path, valid_to__isnull=True
        ).order_by("path")
        existing = list(plan.targets.all()) if plan else []
        self.target_count = max(TARGET_ROWS, len(existing) + 2)
        for i in range(self.target_count):
            before = existing[i] if i < len(existing) else None
            self.fields[f"target_level_{i}"] = forms.ModelChoiceField(
                label=_("Level"),
                queryset=Level.objects.order_by("rank"),
                required=False,
                empty_label="—",
                initial=before.level_id if before else None,
            )
            self.fields[f"target_org_{i}"] = UnitChoiceField(
                label=_("or organization"),
                queryset=units,
                required=False,
                to_field_name="code",
                empty_label="—",
                initial=before.organization.code if before and before.organization else None,
            )
            self.fields[f"target_due_{i}"] = forms.DateField(
                label=_("held by"),
                required=False,
                input_formats=DATE_FORMATS,
                widget=DATE_WIDGET,
                initial=before.due_on if before else None,
            )

    def target_rows(self) -> list[TargetRow]:
        return [
            TargetRow(self[f"target_level_{i}"], self[f"target_org_{i}"], self[f"target_due_{i}"])
            for i in range(self.target_count)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(self.target_count):
            level, org = data.get(f"target_level_{i}"), data.get(f"target_org_{i}")
            if level and org:
                self.add_error(f"target_org_{i}", _("Choose a level or an organization, not both."))
            elif data.get(f"target_due_{i}") and not (level or org):
                self.add_error(f"target_level_{i}", _("Choose a level or an organization."))
        return data

    def targets(self) -> list[PlanTarget]:
        data = self.cleaned_data
        return [
            PlanTarget(
                level=data.get(f"target_level_{i}"),
                organization=data.get(f"target_org_{i}"),
                due_on=data.get(f"target_due_{i}"),
            )
            for i in range(self.target_count)
            if data.get(f"target_level_{i}") or data.get(f"target_org_{i}")
        ]


class MaterialForm(forms.Form):
    title = forms.CharField(
        label=_("Material name"), max_length=255, widget=forms.TextInput(attrs={"size": 50})
    )
    text = forms.CharField(
        label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File (PDF, DOCX)"), required=False)


# Sessions --------------------------------------------------------------------------------


class SessionForm(forms.Form):
    title = forms.CharField(
        label=_("Session name"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    held_on = forms.DateField(label=_("Held on"), input_formats=DATE_FORMATS, widget=DATE_WIDGET)
    format = forms.ChoiceField(
        label=_("Format"), choices=SessionFormat.choices, initial=SessionFormat.IN_PERSON
    )
    connection_points = forms.IntegerField(
        label=_("Connection points"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"style": "width:7rem"}),
    )
    connection_point_names = forms.CharField(
        label=_("Connection point names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizer"] = _unit_field(user, _("Organizer"))
        self.fields["documents"] = DocumentsChoiceField(
            label=_("Documents studied"),
            queryset=visible_documents(user),
            widget=forms.SelectMultiple(attrs={"size": 5}),
            error_messages={"required": _("Choose the documents the session covers.")},
        )
        self.fields["plan"] = forms.ModelChoiceField(
            label=_("Study plan"),
            queryset=plans_visible_to(user).order_by("-due_on"),
            required=False,
            empty_label=_("— none —"),
        )
        self.fields["audience"] = forms.ModelChoiceField(
            label=_("Audience group"),
            queryset=audience_groups(),
            required=False,
            empty_label=_("— none —"),
        )
        self.fields["speakers"] = forms.ModelMultipleChoiceField(
            label=_("Speakers"),
            queryset=speakers_visible_to(user),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["organizer", "documents", "plan", "title", "held_on", "format"])

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        names = [n for n in (data.pop("connection_point_names") or "").splitlines() if n.strip()]
        data["connection_point_names"] = names
        data["documents"] = list(data["documents"])
        data["speakers"] = list(data["speakers"])
        if data["format"] == SessionFormat.IN_PERSON and not data["connection_points"]:
            data["connection_points"] = None
        return data


class CodesForm(forms.Form):
    codes = forms.CharField(
        label=_("Member codes"),
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("codes separated by spaces")}),
    )

    def code_list(self) -> list[str]:
        return [c for c in self.cleaned_data["codes"].replace(",", " ").split() if c]


# Essays and outreach ---------------------------------------------------------------------


class CellDocumentForm(forms.Form):
    """Which cell and document a bulk entry or import is for (GET)."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _unit_field(user, _("Party cell"))
        self.fields["van-ban"] = _document_field(user)

    @property
    def document_field(self) -> forms.BoundField:
        return self["van-ban"]


class OutreachForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=OutreachChannel.choices)
    count = forms.IntegerField(label=_("Number of times"), min_value=1, initial=1)
    held_on = forms.DateField(label=_("Date"), input_formats=DATE_FORMATS, widget=DATE_WIDGET)
    reach = forms.IntegerField(label=_("People reached"), min_value=0, initial=0, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _unit_field(user, _("Organization"))
        self.fields["document"] = _document_field(user)
        self.order_fields(["organization", "document", "channel"])


class EssayQuestionForm(forms.Form):
    """A question (or essay form) of a document, for a unit's subtree, optionally one level."""

    text = forms.CharField(
        label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"] = _unit_field(user, _("Set by"))
        self.fields["document"] = _document_field(user)
        self.fields["level"] = forms.ModelChoiceField(
            label=_("Only for the level"),
            queryset=Level.objects.order_by("rank"),
            required=False,
            empty_label=_("— every level —"),
        )
        self.order_fields(["document", "organization", "level", "text"])
