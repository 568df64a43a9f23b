"""The query parameters of the organization and user pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nqtrack.core.query import ChoiceOrEmptyField, PageField, SearchField
from nqtrack.organizations.models import Role


class TreeQuery(forms.Form):
    q = SearchField(label=_("Search"))
    dissolved = ChoiceOrEmptyField(choices=[("1", "1"), ("0", "0")])


class UserListQuery(forms.Form):
    q = SearchField(label=_("Search"))
    role = ChoiceOrEmptyField(label=_("Role"), choices=Role.choices)
    page = PageField()
