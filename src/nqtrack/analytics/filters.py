"""The query parameters of the statistics page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.core.query import CodeField, ExportField, IdField, VnDateField


class DashboardQuery(forms.Form):
    org = CodeField(label=_("Organization"))
    ngay = VnDateField(label=_("As of"))
    # "van-ban" is not an identifier: declared below.
    export = ExportField("units", "years", "fields", "late")


DashboardQuery.base_fields["van-ban"] = IdField(label=_("Document"))
