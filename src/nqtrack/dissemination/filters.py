"""The query parameters of the study and dissemination pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.core.query import IdField, PageField


class DocumentQuery(forms.Form):
    """`?van-ban=<document id>&page=`."""

    page = PageField()


DocumentQuery.base_fields["van-ban"] = IdField(label=_("Document"))
