"""Forms of the reporting-round pages. Services check the rules; forms only parse input."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nqtrack.assignments.models import Task
from nqtrack.organizations.models import Level, Organization
from nqtrack.reporting.models import ItemStatus

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})


def candidate_units(owner: Organization) -> QuerySet[Organization]:
    """Active organizations under the office's own, highest level first, in tree order."""
    return (
        Organization.objects.filter(path__startswith=owner.path, valid_to__isnull=True)
        .exclude(pk=owner.pk)
        .select_related("level", "parent")
        .order_by("level__rank", "path")
    )


@dataclass
class UnitGroup:
    level: Level
    units: list[Organization]


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Round title"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"size": 60, "placeholder": _("e.g. Self-review of the first half of 2026")}
        ),
    )
    period_start = forms.DateField(
        label=_("Period from"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    period_end = forms.DateField(
        label=_("Period to"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    due_on = forms.DateField(
        label=_("Reports due on"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    expected = forms.ModelMultipleChoiceField(
        label=_("Units expected to report"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the units expected to report.")},
    )

    def __init__(self, *args: Any, owner: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["expected"].queryset = candidate_units(owner)  # type: ignore[attr-defined]

    def unit_groups(self) -> list[UnitGroup]:
        groups: list[UnitGroup] = []
        for unit in self.fields["expected"].queryset:  # type: ignore[attr-defined]
            if not groups or groups[-1].level.pk != unit.level_id:
                groups.append(UnitGroup(level=unit.level, units=[]))
            groups[-1].units.append(unit)
        return groups

    def chosen_codes(self) -> set[str]:
        """The units ticked, as sent (so a form with errors keeps the ticks)."""
        if self.is_bound:
            return set(self.data.getlist("expected"))  # type: ignore[attr-defined]
        return {getattr(u, "code", u) for u in self.initial.get("expected", [])}


class SubmitForm(forms.Form):
    """One row per open task (progress + what was done + evidence); a row left empty is an
    unanswered task, which makes the report generic. The office also gives the arrival time."""

    submitted_at = forms.DateTimeField(
        label=_("Paper report arrived on"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy HH:MM", "size": 16}
        ),
        help_text=_("Leave empty for a report sent now. dd/mm/yyyy HH:MM or dd/mm/yyyy."),
    )

    def __init__(
        self,
        *args: Any,
        tasks: Sequence[Task],
        office: bool,
        previous: dict[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = list(tasks)
        if not office:
            del self.fields["submitted_at"]
        previous = previous or {}
        choices = [("", _("— not answered —")), *ItemStatus.choices]
        for task in self.tasks:
            before = previous.get(task.pk)
            self.fields[f"status_{task.pk}"] = forms.ChoiceField(
                label=_("Progress"),
                choices=choices,
                required=False,
                initial=getattr(before, "status", ""),
            )
            self.fields[f"narrative_{task.pk}"] = forms.CharField(
                label=_("What was done"),
                required=False,
                max_length=20_000,
                initial=getattr(before, "narrative", ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"evidence_{task.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=5_000,
                initial=getattr(before, "evidence", ""),
                widget=forms.TextInput(
                    attrs={"size": 50, "placeholder": _("documents, figures, links")}
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for task in self.tasks:
            status = data.get(f"status_{task.pk}", "")
            narrative = (data.get(f"narrative_{task.pk}") or "").strip()
            evidence = (data.get(f"evidence_{task.pk}") or "").strip()
            if not status and (narrative or evidence):
                self.add_error(f"status_{task.pk}", _("Choose the progress of this task."))
            elif status and not narrative:
                self.add_error(f"narrative_{task.pk}", _("Write what was done on this task."))
        return data

    def rows(self) -> Iterable[tuple[Task, forms.BoundField, forms.BoundField, forms.BoundField]]:
        for task in self.tasks:
            yield (
                task,
                self[f"status_{task.pk}"],
                self[f"narrative_{task.pk}"],
                self[f"evidence_{task.pk}"],
            )

    def answers(self) -> list[tuple[Task, str, str, str, list[Any]]]:
        """(task, status, narrative, evidence text, evidence files) of each answered task."""
        data = self.cleaned_data
        return [
            (
                task,
                data[f"status_{task.pk}"],
                data[f"narrative_{task.pk}"],
                data.get(f"evidence_{task.pk}", ""),
                self.files.getlist(f"files_{task.pk}") if self.files else [],
            )
            for task in self.tasks
            if data.get(f"status_{task.pk}")
        ]

    def unanswered(self) -> list[Task]:
        return [t for t in self.tasks if not self.cleaned_data.get(f"status_{t.pk}")]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what must be corrected.")},
    )


class ReopenForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Organization.objects.none(),
        to_field_name="code",
        empty_label=_("— choose a unit —"),
    )
    until = forms.DateField(label=_("Open until"), input_formats=DATE_FORMATS, widget=DATE_WIDGET)

    def __init__(self, *args: Any, units: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units  # type: ignore[attr-defined]
