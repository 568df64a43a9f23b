"""The query parameters of the study and dissemination pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.core.query import (
    CodeField,
    ExportField,
    IdField,
    PageField,
    SearchField,
)
from nqtrack.dissemination.forms import EXEMPTION_FILTERS


class DocumentQuery(forms.Form):
    """`?van-ban=<document id>&page=`."""

    page = PageField()


DocumentQuery.base_fields["van-ban"] = IdField(label=_("Document"))


class MemberListQuery(forms.Form):
    q = SearchField(label=_("Search"))
    org = CodeField(label=_("Organization"))
    mien = forms.ChoiceField(required=False, choices=EXEMPTION_FILTERS)  # the page's own menu
    export = ExportField("xlsx")
    page = PageField()
