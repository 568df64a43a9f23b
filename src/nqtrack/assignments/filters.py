"""The query parameters of the task lists."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.assignments.status import STATUS_LABELS
from nqtrack.core.query import ChoiceOrEmptyField, CodeField, ExportField, PageField

SORTS = {"due": "due_on", "-due": "-due_on", "lead": "lead__name", "created": "created_at"}


class TaskListQuery(forms.Form):
    status = ChoiceOrEmptyField(label=_("Status"), choices=list(STATUS_LABELS.items()))
    lead = CodeField(label=_("Lead unit"))
    document = CodeField(label=_("Source document"))  # a symbol, e.g. 05-CT/TW
    sort = ChoiceOrEmptyField(choices=[(key, key) for key in SORTS])
    export = ExportField("xlsx")
    page = PageField()
