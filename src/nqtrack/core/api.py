"""Conventions every endpoint shares: pagination and how service errors become responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import exceptions, pagination, serializers
from rest_framework.permissions import SAFE_METHODS
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

    def get_page_size(self, request: Any) -> int | None:
        """`page_size` must be a positive integer (a larger one is cut to 500), not ignored."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number of at least 1.")]}
            )
        return super().get_page_size(request)


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


# Error bodies as the exception handler writes them: `{"detail": "..."}`, or for invalid input
# `{"field": ["message"], ...}` (nested for lists of objects), or both for a malformed body.
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "description": "401, 403, 404, 405, 406, 412, 415: what went wrong, in one sentence.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": 'Invalid input: `{"field": ["message"]}`, `non_field_errors` for errors '
        'tied to no field, or `{"detail": "..."}` for a body that cannot be read.',
        "additionalProperties": True,
    },
}
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("ValidationError", "Invalid input or query parameters; nothing was written."),
    "401": ("Error", "Not logged in."),
    "403": ("Error", "Logged in, but not allowed to do this."),
    "404": ("Error", "Not found, or outside what the user may see."),
    # Every operation counts against the user's rate; the expensive ones against a stricter one.
    "429": ("Error", "Too many requests (API throttling): try again after Retry-After seconds."),
}
BODY_ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "415": ("Error", "The body is not in a media type the operation accepts."),
}


def error_responses_hook(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the errors it can answer
    (400, 401, 403, 404, and 415 when it takes a body), so that clients and the schemathesis pass
    know them. A response an operation documents itself is kept."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in ERROR_SCHEMAS.items():
        schemas.setdefault(name, schema)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                wanted.update(BODY_ERROR_RESPONSES)
            documented = responses.get("400", {}).get("content", {}).get("application/json")
            if documented and "schema" in documented:
                # A result body that is also a 400 (rows refused): or a plain validation error.
                documented["schema"] = {
                    "anyOf": [
                        documented["schema"],
                        {"$ref": "#/components/schemas/ValidationError"},
                    ]
                }
            for status, (schema_name, description) in wanted.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{schema_name}"}
                            }
                        },
                    },
                )
    return result


def require_write(request: Any, allowed: bool) -> None:
    """Refuse a write before its input is read, so that a refusal never depends on the body."""
    if request.method not in SAFE_METHODS and not allowed:
        raise exceptions.PermissionDenied(_("You may not change this record."))
