"""Conventions every endpoint shares: pagination and how service errors become responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from nqtrack.core.throttling import throttled
from nqtrack.core.versioning import StaleVersion, etag, version_from_if_match

# Optimistic concurrency in the API (core.versioning): GET answers an ETag, a write may send it
# back in If-Match and is refused with 412 if the record changed meanwhile.
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag read with the record (e.g. "3"): the change is refused with 412 if '
    "the record was changed since. Without it the change is applied unconditionally.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description="The record's version, to send back in If-Match with the next change.",
)
STALE = OpenApiResponse(
    response=inline_serializer("StaleVersion", fields={"detail": serializers.CharField()}),
    description="Precondition failed: the record was changed since the If-Match version "
    "(the detail names who changed it and when); nothing was written.",
)


def if_match_version(request: Any) -> int | None:
    """The version the client's If-Match names (None without the header)."""
    return version_from_if_match(request.headers.get("If-Match"))


def with_etag(response: Response, obj: Any) -> Response:
    response["ETag"] = etag(obj.version)
    return response


def request_user(serializer: serializers.Serializer) -> Any:
    """The logged-in user of the serializer's request, or None (schema generation, no request)."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def limit_choices(serializer: serializers.Serializer, name: str, queryset: QuerySet[Any]) -> None:
    """Look a related field up in `queryset` only (what the user may see): anything else reads as
    unknown, the same 400 as a value that does not exist."""
    field = serializer.fields[name]
    getattr(field, "child_relation", field).queryset = queryset


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    """`{field: [messages]}`; errors tied to no field go under `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleVersion):
        # 412 Precondition Failed: the If-Match version is no longer the record's.
        response = Response({"detail": exc.messages[0]}, status=412)
        response["ETag"] = etag(exc.current_version)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled):
        exc = throttled(exc)
    return drf_exception_handler(exc, context)
