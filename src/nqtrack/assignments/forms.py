from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.assignments.models import Quality

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class EventForm(forms.Form):
    on = forms.DateField(
        label=_("Date"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    proposed_due_on = forms.DateField(
        label=_("Proposed deadline"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
    )
    new_due_on = forms.DateField(
        label=_("New deadline"), required=False, input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessmentForm(forms.Form):
    quality = forms.ChoiceField(label=_("Quality"), choices=Quality.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
