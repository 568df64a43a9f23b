"""Shared pieces of the study and dissemination API: scoped fields, scores, import answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.dissemination import essays
from nqtrack.dissemination.importing import ImportCheck
from nqtrack.dissemination.models import ImportJob
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.organizations.selectors import organizations_visible_to


def request_user(serializer: serializers.BaseSerializer) -> User | None:
    request = serializer.context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    user: User = request.user
    return user


def scope_fields(
    serializer: serializers.Serializer, *, orgs: tuple[str, ...] = (), docs: tuple[str, ...] = ()
) -> None:
    """Organizations and documents are looked up among those the user sees, so others read
    as unknown (a 400 "does not exist", never a hint that they exist)."""
    user = request_user(serializer)
    if user is None:
        return
    for name in orgs:
        if name in serializer.fields:
            field = serializer.fields[name]
            getattr(field, "child_relation", field).queryset = organizations_visible_to(user)
    for name in docs:
        if name in serializer.fields:
            field = serializer.fields[name]
            getattr(field, "child_relation", field).queryset = documents_visible_to(user)


def org_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), **kwargs
    )


@extend_schema_field(OpenApiTypes.NUMBER)
class ScoreField(serializers.Field):
    """A score 0–10 with at most one decimal, as a JSON number (or a string "8,5")."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool):
            raise serializers.ValidationError(essays.score_error())
        try:
            return essays.clean_score(data)
        except DjangoValidationError:
            raise serializers.ValidationError(essays.score_error()) from None

    def to_representation(self, value: Decimal) -> float:
        return float(value)


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(
        default=False, help_text="Check every row and write nothing; the answer lists bad rows."
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    code = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())


class DryRunSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    total = serializers.IntegerField(help_text="Data rows in the file.")
    counts = serializers.DictField(child=serializers.IntegerField())
    file_errors = serializers.ListField(child=serializers.CharField())
    errors = RowErrorSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "phase",
            "organization",
            "params",
            "original_name",
            "total",
            "processed",
            "percent",
            "error_count",
            "errors",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


MAX_LISTED_ERRORS = 1_000


def dry_run_response(report: ImportCheck) -> Response:
    """The rows a dry run found bad (the first thousand), counts and file-level errors."""
    return Response(
        {
            "ok": report.ok,
            "total": report.total,
            "counts": report.counts,
            "file_errors": report.file_errors,
            "errors": [e.as_dict() for e in report.errors[:MAX_LISTED_ERRORS]],
        }
    )


def job_response(job: ImportJob, request: Request) -> Response:
    return Response(ImportJobSerializer(job, context={"request": request}).data, status=202)
