"""Pages for the cascade of action programmes of a document, and a programme's targets."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nqtrack.assignments import services
from nqtrack.assignments.forms import DATE_FORMATS, DATE_WIDGET
from nqtrack.assignments.selectors import programme_cascade
from nqtrack.assignments.targets import expected_value, on_track
from nqtrack.core.forms import apply_errors
from nqtrack.documents.selectors import access_document_by_id
from nqtrack.organizations.models import Organization


class RequireForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organizations that must issue a programme"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(
        label=gettext_lazy("Programmes due on"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )


class TargetForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Target"), max_length=300)
    unit = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=40, required=False)
    baseline = forms.DecimalField(
        label=gettext_lazy("Baseline"), max_digits=14, decimal_places=2, localize=True
    )
    baseline_on = forms.DateField(
        label=gettext_lazy("Baseline date"), input_formats=DATE_FORMATS, widget=DATE_WIDGET
    )
    target_value = forms.DecimalField(
        label=gettext_lazy("Target value"), max_digits=14, decimal_places=2, localize=True
    )
    target_year = forms.IntegerField(
        label=gettext_lazy("Target year"), min_value=1990, max_value=2100
    )


@login_required
def cascade(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document_by_id(request.user, pk)  # type: ignore[arg-type]
    today = timezone.localdate()
    can_assign = services.can_assign(request.user, document.owner)  # type: ignore[arg-type]
    form = RequireForm(request.POST or None)
    form.fields["organizations"].queryset = Organization.objects.filter(
        parent=document.owner, valid_to__isnull=True
    ).order_by("kind", "name")
    if request.method == "POST":
        if not can_assign:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.programme_require(
                    by=request.user,
                    document=document,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The required programmes were recorded."))
                return redirect("assignments:cascade", pk=pk)
    return render(
        request,
        "assignments/cascade.html",
        {
            "document": document,
            "cascade": programme_cascade(document, today=today),
            "form": form,
            "can_assign": can_assign,
            "today": today,
        },
    )


@login_required
@require_POST
def cascade_remind(request: HttpRequest, pk: int) -> HttpResponse:
    document = access_document_by_id(request.user, pk)  # type: ignore[arg-type]
    sent = services.programme_remind_missing(
        by=request.user,
        document=document,  # type: ignore[arg-type]
        today=timezone.localdate(),
    )
    messages.success(request, _("%(n)s reminders were sent.") % {"n": sent})
    return redirect("assignments:cascade", pk=pk)


@login_required
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access_document_by_id(request.user, pk)  # type: ignore[arg-type]
    today = timezone.localdate()
    can_edit = services.can_assign(request.user, programme.owner)  # type: ignore[arg-type]
    form = (
        TargetForm(request.POST or None) if request.POST.get("step") == "target" else TargetForm()
    )
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    if request.POST.get("step") == "target" and form.is_valid():
        try:
            services.target_create(by=request.user, programme=programme, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The target was added."))
            return redirect("assignments:targets", pk=pk)
    if request.POST.get("step") == "measure":
        target = programme.targets.filter(pk=request.POST.get("target")).first()
        try:
            value = Decimal(request.POST.get("value", "").replace(",", "."))
            measured_on = forms.DateField(input_formats=DATE_FORMATS).clean(
                request.POST.get("measured_on")
            )
            if target is None:
                raise ValidationError(_("Choose a target."))
            services.target_measure(
                by=request.user,
                target=target,
                measured_on=measured_on,  # type: ignore[arg-type]
                value=value,
                note=request.POST.get("note", ""),
            )
        except (InvalidOperation, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [_("Enter a number.")])))
        else:
            messages.success(request, _("The value was recorded."))
        return redirect("assignments:targets", pk=pk)
    rows = []
    for target in programme.targets.prefetch_related("measurements"):
        last = list(target.measurements.all())[-1:] or [None]
        latest = last[0]
        values = {
            "baseline": target.baseline,
            "baseline_on": target.baseline_on,
            "target": target.target_value,
            "target_year": target.target_year,
        }
        rows.append(
            {
                "target": target,
                "latest": latest,
                "expected_now": expected_value(**values, on=today),
                "on_track": None
                if latest is None
                else on_track(**values, measured=latest.value, measured_on=latest.measured_on),
            }
        )
    return render(
        request,
        "assignments/targets.html",
        {"programme": programme, "rows": rows, "form": form, "can_edit": can_edit},
    )
