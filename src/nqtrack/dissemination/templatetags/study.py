"""Template helpers of the study pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with_param(context: dict[str, Any], name: str, value: Any) -> str:
    """The current query string with one parameter (any name, e.g. "trang-thieu") replaced."""
    params = context["request"].GET.copy()
    params.pop("export", None)
    if value in (None, ""):
        params.pop(name, None)
    else:
        params[name] = value
    return params.urlencode()
