"""Errors that services raise and views/API turn into messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "ValidationError", "field_error"]


def field_error(field: str, message: str) -> ValidationError:
    """A validation error tied to one input field: `{field: [message]}` in the API."""
    return ValidationError({field: [message]})
