"""Query parameters are validated by a form, on pages and in the API alike.

A page whose query string does not validate answers 400 with a page that lists each bad
parameter and its message (`BadQuery`, rendered by `BadQueryMiddleware`); an API endpoint
answers 400 with `{"parameter": ["message"]}`. Either way nothing below the view sees a value
it cannot use, so a bad date, id or code is never a 500.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter

from nqtrack.core.tabular import parse_iso_or_vn_date

F = TypeVar("F", bound=forms.Form)

# A query value longer than this is refused on every URL (a `next` address included); the
# fields of the query forms are shorter still.
MAX_PARAMETER_LENGTH = 1000
MAX_SEARCH_LENGTH = 200
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class BadQuery(Exception):
    """The query string of a page does not validate; `errors` is `{parameter: [messages]}`."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _errors(form: forms.Form) -> dict[str, list[str]]:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _single_values(request: HttpRequest, data: Any) -> dict[str, list[str]]:
    """A parameter given twice is refused rather than silently read as its last value."""
    return {
        name: [str(_("Give this parameter only once."))]
        for name in data
        if len(data.getlist(name)) > 1
    }


def page_query(request: HttpRequest, form_class: type[F], **kwargs: Any) -> F:
    """The bound, valid form of the page's query string; `BadQuery` (→ 400) otherwise."""
    form = form_class(request.GET, **kwargs)
    repeated = {n: e for n, e in _single_values(request, request.GET).items() if n in form.fields}
    if repeated or not form.is_valid():
        raise BadQuery({**(_errors(form) if form.is_bound and form.errors else {}), **repeated})
    return form


def api_query(request: Any, form_class: type[F], **kwargs: Any) -> F:
    """The same for an API endpoint: a DRF ValidationError (→ 400 `{"parameter": [...]}`)."""
    params = request.query_params
    form = form_class(params, **kwargs)
    repeated = {n: e for n, e in _single_values(request, params).items() if n in form.fields}
    if repeated or not form.is_valid():
        raise exceptions.ValidationError({**_errors(form), **repeated})
    return form


class CodeField(forms.CharField):
    """An organization or member code: a short text without NUL characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)


class SearchField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_SEARCH_LENGTH)
        super().__init__(**kwargs)


class IdField(forms.IntegerField):
    """A database id: a positive integer that fits the column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(**kwargs)


class VnDateField(forms.CharField):
    """A date written dd/mm/yyyy or yyyy-mm-dd; an impossible date (31/02) is an error."""

    default_error_messages = {"invalid": _("Enter a real date as dd/mm/yyyy.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            parsed = parse_iso_or_vn_date(text)
        except ValueError:
            parsed = None
        if parsed is None or not 1900 <= parsed.year <= 2200:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class PageField(forms.IntegerField):
    """A page number; past the last page the paginator shows the last one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10**6)
        super().__init__(**kwargs)


class ChoiceOrEmptyField(forms.ChoiceField):
    def __init__(self, *, choices: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", "")] + list(choices), **kwargs)


def unusable_parameters(request: HttpRequest) -> dict[str, list[str]]:
    """Parameters no page or endpoint can use, whatever it reads: NUL characters (which
    PostgreSQL cannot store or compare) and values longer than any code, date or search; NUL
    characters in an API request's JSON body too."""
    errors: dict[str, list[str]] = {}
    if request.path.startswith("/api/") and request.content_type == "application/json":
        # `\u0000` in a JSON body would reach a lookup or a text column (PostgreSQL refuses).
        body = request.body
        if b"\\u0000" in body or b"\x00" in body:
            errors["non_field_errors"] = [str(_("Null characters are not allowed."))]
    elif request.path.startswith("/api/") and request.content_type in FORM_TYPES:
        # The same in a form body (DRF reuses what Django parsed here).
        for name, values in request.POST.lists():
            if any("\x00" in v for v in values) or "\x00" in name:
                errors[name.replace("\x00", "")[:50]] = [str(_("Null characters are not allowed."))]
    for name, values in request.GET.lists():
        for value in values:
            if "\x00" in value or "\x00" in name:
                errors[name[:50]] = [str(_("Null characters are not allowed."))]
            elif len(value) > MAX_PARAMETER_LENGTH:
                message = _("This value is too long (at most %(n)d characters).")
                errors[name[:50]] = [str(message) % {"n": MAX_PARAMETER_LENGTH}]
    return errors


class BadQueryMiddleware:
    """Renders `BadQuery` raised by a page as a 400 page listing what is wrong, refuses the
    parameters nothing can use (`unusable_parameters`), and answers an unknown API address in
    JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        errors = unusable_parameters(request)
        if errors:
            if request.path.startswith("/api/"):
                return JsonResponse(errors, status=400)
            return self.process_exception(request, BadQuery(errors))  # type: ignore[return-value]
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            # An address no API route matches (`documents/1.5/`): JSON like every API answer.
            return JsonResponse({"detail": str(_("Not found."))}, status=404)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, BadQuery):
            return None
        return render(
            request,
            "400.html",
            {"query_errors": sorted(exc.errors.items()), "back": request.path},
            status=400,
        )


class ExportField(forms.ChoiceField):
    """`export=`: one of the formats (or tables) the page can export, or nothing."""

    def __init__(self, *formats: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=[("", "")] + [(f, f) for f in formats], **kwargs)


class StrictNullBooleanField(forms.NullBooleanField):
    """`true`/`false` (or `1`/`0`); anything else is an error, not silently "no filter"."""

    TRUE, FALSE = {"true", "True", "1"}, {"false", "False", "0"}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in self.TRUE or value is True:
            return True
        if value in self.FALSE or value is False:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        pass


def strict_boolean_filter(**kwargs: Any) -> Any:
    import django_filters

    class StrictBooleanFilter(django_filters.BooleanFilter):
        field_class = StrictNullBooleanField

    # The default select widget reads an unknown value as "no filter" before the field sees it.
    kwargs.setdefault("widget", forms.TextInput)
    return StrictBooleanFilter(**kwargs)


def iso_date_filter(**kwargs: Any) -> Any:
    """An API date filter: ISO `yyyy-mm-dd` only, as the schema says."""
    import django_filters

    return django_filters.DateFilter(input_formats=["%Y-%m-%d"], **kwargs)


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` names only whitelisted fields (`ordering_fields`); another is a 400 listing
    the allowed ones, rather than silently the default order."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [term.strip() for term in params.split(",")]
            if len(self.remove_invalid_fields(queryset, fields, view, request)) != len(fields):
                context = {"request": request}
                allowed = [name for name, _label in self.get_valid_fields(queryset, view, context)]
                message = _("Sort by one of: %(fields)s (a leading - reverses).")
                raise exceptions.ValidationError(
                    {self.ordering_param: [str(message) % {"fields": ", ".join(allowed)}]}
                )
        return super().get_ordering(request, queryset, view)


class KnownCountPaginator(Paginator):
    """A Paginator given the number of rows (read from maintained counts) instead of counting
    them: the page itself is still read from the query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None, **kw: Any):
        super().__init__(object_list, per_page, **kw)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property
