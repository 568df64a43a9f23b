from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.organizations.models import Level, Organization, OrganizationKind, User
from nqtrack.organizations.selectors import organizations_managed_by

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class OrgChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "— " * obj.depth + obj.name


class OrganizationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    abbreviation = forms.CharField(
        label=_("Abbreviation in symbols"),
        max_length=40,
        required=False,
        help_text=_("E.g. TU, ĐU; defaults to the code."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.all())
    parent = OrgChoice(label=_("Parent organization"), queryset=Organization.objects.none())
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organizations_managed_by(user).filter(
            valid_to__isnull=True
        )
        self.fields["parent"].required = not user.is_superuser
        if editing:
            del self.fields["parent"]


class MoveForm(forms.Form):
    parent = OrgChoice(label=_("New parent organization"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, user: User, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (
            organizations_managed_by(user)
            .filter(valid_to__isnull=True)
            .exclude(path__startswith=organization.path)
        )


class MergeForm(forms.Form):
    into = OrgChoice(label=_("Merged into (successor)"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("Dissolved on"), input_formats=DATE_FORMATS, widget=DATE_WIDGET)
    move_children = forms.BooleanField(
        label=_("Move its active subordinates under the successor"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: User, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            organizations_managed_by(user)
            .filter(valid_to__isnull=True)
            .exclude(path__startswith=organization.path)
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))
