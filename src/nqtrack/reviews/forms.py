"""Forms of the review pages: shapes only; the rules are in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.reviews.models import FollowUp, MeetingFormat, MeetingKind, QuestionKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})


def date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )


class PlanForm(forms.Form):
    committee = forms.CharField(label=_("Committee (code)"), max_length=40)
    start = date_field(_("From"))
    end = date_field(_("To"))
    lead_body = forms.CharField(label=_("Default lead body (code)"), max_length=40, required=False)


class LeadForm(forms.Form):
    lead_body = forms.CharField(label=_("Lead advisory body (code)"), max_length=40, required=False)


class DocumentRefForm(forms.Form):
    """A registered document, by its id or its exact symbol."""

    document = forms.CharField(label=_("Document (id or symbol)"), max_length=60)


class PlanDocumentForm(DocumentRefForm):
    issued_on = date_field(_("Issued on"), required=False)


class ReportsForm(forms.Form):
    due_on = date_field(_("Reports due on"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    held_on = date_field(_("Held on"))
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    connection_points = forms.IntegerField(label=_("Connection points"), min_value=0, initial=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ApproveForm(forms.Form):
    approved_on = date_field(_("Approved on"))


class IssueForm(forms.Form):
    symbol = forms.CharField(label=_("Number and symbol"), max_length=60)
    signed_on = date_field(_("Signing date"))
    title = forms.CharField(label=_("Title"), max_length=1000)
    file = forms.FileField(label=_("Signed file (PDF, DOCX)"), required=False)


class FollowUpForm(DocumentRefForm):
    followup = forms.ChoiceField(label=_("Follow-up"), choices=FollowUp.choices)


class QuestionsForm(forms.Form):
    """One question a line: "kind | question | option 1; option 2; …"."""

    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90}),
        help_text=_(
            "One question a line: kind | question | options separated by “;”. Kinds: "
            "single, multiple, scale (1–5), text."
        ),
    )

    def parsed(self) -> list[tuple[str, str, list[str]]]:
        rows = []
        for line in self.cleaned_data["questions"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            kind = parts[0].lower()
            if kind not in QuestionKind.values or len(parts) < 2:
                raise forms.ValidationError(
                    _("Cannot read the line “%(line)s”: write kind | question | options.")
                    % {"line": line.strip()}
                )
            options = [o.strip() for o in parts[2].split(";")] if len(parts) > 2 else []
            rows.append((kind, parts[1], options))
        return rows
