"""Pages of the review rules: the national defaults and the rules committees hold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.core.audit import audit_rows
from nqtrack.core.forms import apply_errors
from nqtrack.documents import review_rules
from nqtrack.documents.forms import ReviewRuleForm
from nqtrack.documents.models import ReviewRule
from nqtrack.organizations.models import Level, Organization
from nqtrack.organizations.selectors import organizations_managed_by


def _values(form: forms.Form) -> dict[str, Any]:
    return {k: form.cleaned_data[k] for k in review_rules.RULE_FIELDS}


def _saved(request: HttpRequest, count: int) -> HttpResponse:
    messages.success(
        request,
        _("The rule was saved and %(count)s documents were rescheduled.") % {"count": count},
    )
    return redirect("documents:rules")


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    rules = [
        (rule, review_rules.rule_manageable_by(user, rule))  # type: ignore[arg-type]
        for rule in review_rules.rules_visible_to(user)  # type: ignore[arg-type]
    ]
    can_add = (
        review_rules.local_rules_allowed()
        and user.can_administer  # type: ignore[union-attr]
        and organizations_managed_by(user).exists()  # type: ignore[arg-type]
    )
    return render(request, "documents/rules.html", {"rules": rules, "can_add": can_add})


def _edit(request: HttpRequest, rule: ReviewRule) -> HttpResponse:
    if not review_rules.rule_manageable_by(request.user, rule):  # type: ignore[arg-type]
        raise PermissionDenied
    form = ReviewRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        values = _values(form)
        rule.refresh_from_db()
        try:
            count = review_rules.review_rule_update(by=request.user, rule=rule, **values)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _saved(request, count)
    return render(
        request,
        "documents/rule_form.html",
        {"form": form, "rule": rule, "audit": audit_rows(rule, reader=request.user)},
    )


@login_required
def rule_edit(request: HttpRequest, level: str) -> HttpResponse:
    """The national default of a level."""
    return _edit(request, review_rules.access_rule(request.user, level=level))  # type: ignore[arg-type]


def _local_rule(request: HttpRequest, pk: int) -> ReviewRule:
    rule = (
        review_rules.rules_visible_to(request.user)  # type: ignore[arg-type]
        .filter(pk=pk, owner__isnull=False)
        .first()
    )
    if rule is None:
        raise Http404(_("No such review rule."))
    return rule


@login_required
def local_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _local_rule(request, pk))


class LocalRuleForm(ReviewRuleForm):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Committee"), queryset=Organization.objects.none(), to_field_name="code"
    )
    level = forms.ModelChoiceField(
        label=gettext_lazy("Documents issued at the level"),
        queryset=Level.objects.all(),
        to_field_name="slug",
    )
    field_order = ["owner", "level"]


@login_required
def local_rule_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can_administer or not review_rules.local_rules_allowed():  # type: ignore[union-attr]
        raise PermissionDenied
    # The form starts from the national rule of the administrator's own level.
    national = ReviewRule.objects.filter(
        owner__isnull=True, level_id=user.organization.level_id  # type: ignore[union-attr]
    ).first() or ReviewRule(reviewed_types=[])
    form = LocalRuleForm(request.POST or None, instance=national)
    form.fields["owner"].queryset = organizations_managed_by(user).filter(  # type: ignore[attr-defined,arg-type]
        kind="committee"
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule, count = review_rules.review_rule_create(
                by=user,  # type: ignore[arg-type]
                owner=form.cleaned_data["owner"],
                level=form.cleaned_data["level"],
                **_values(form),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _saved(request, count)
    return render(request, "documents/rule_form.html", {"form": form, "rule": None})


@login_required
def local_rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _local_rule(request, pk)
    if not review_rules.rule_manageable_by(request.user, rule):  # type: ignore[arg-type]
        raise PermissionDenied
    if request.method == "POST":
        count = review_rules.review_rule_delete(by=request.user, rule=rule)  # type: ignore[arg-type]
        messages.success(
            request,
            _("The rule was deleted and %(count)s documents follow the rule above again.")
            % {"count": count},
        )
        return redirect("documents:rules")
    return render(request, "documents/rule_confirm_delete.html", {"rule": rule})
