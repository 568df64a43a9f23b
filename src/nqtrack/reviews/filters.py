"""The query parameters of the review pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.core.query import ChoiceOrEmptyField, CodeField, ExportField, PageField, YearField
from nqtrack.documents.models import ReviewKind


class ReviewListQuery(forms.Form):
    kind = ChoiceOrEmptyField(label=_("Kind"), choices=ReviewKind.choices)
    year = YearField(label=_("Year"))
    committee = CodeField(label=_("Committee"))
    state = ChoiceOrEmptyField(label=_("State"), choices=[("late", _("late"))])
    export = ExportField("xlsx")
    page = PageField()
