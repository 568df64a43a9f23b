"""REST endpoints for organizations (referenced by code) and review-rule levels."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.core.errors import PermissionDenied
from nqtrack.core.query import strict_boolean_filter
from nqtrack.organizations import services
from nqtrack.organizations.models import Level, Organization, OrganizationKind
from nqtrack.organizations.selectors import (
    access_managed_organization_by_code,
    access_organization_by_code,
    organizations_managed_by,
    organizations_visible_to,
)


class OrganizationSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="slug", queryset=Level.objects.all())
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), allow_null=True, required=False
    )
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    abbreviation = serializers.CharField(required=False, allow_blank=True, max_length=40)

    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # A parent must be an organization the user manages: one outside reads as unknown.
            managed = organizations_managed_by(request.user)
            if self.instance is not None and getattr(self.instance, "parent_id", None):
                # Sending back the current parent unchanged must not fail.
                managed = managed | Organization.objects.filter(pk=self.instance.parent_id)
            self.fields["parent"].queryset = managed


class OrganizationFilter(django_filters.FilterSet):
    level = django_filters.CharFilter(field_name="level__slug")
    parent = django_filters.CharFilter(field_name="parent__code")
    active = strict_boolean_filter(field_name="valid_to", lookup_expr="isnull")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Organization
        fields = ["kind", "level", "parent", "active", "q"]


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OrganizationSerializer
    queryset = OrganizationSerializer.Meta.model.objects.none()  # for the schema
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_class = OrganizationFilter
    ordering_fields = ["code", "name", "path"]
    ordering = ["path"]

    def get_queryset(self) -> QuerySet[Organization]:
        return organizations_visible_to(self.request.user)  # type: ignore[arg-type]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.can_administer:  # type: ignore[union-attr]
            raise PermissionDenied(_("Only administrators may change organizations."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("parent") is None and not request.user.is_superuser:
            raise serializers.ValidationError({"parent": [_("A parent organization is required.")]})
        org = services.organization_create(by=request.user, **data)  # type: ignore[arg-type]
        return Response(self.get_serializer(org).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.can_administer:  # type: ignore[union-attr]
            access_organization_by_code(request.user, kwargs["code"])  # type: ignore[arg-type]
            raise PermissionDenied(_("Only administrators may change organizations."))
        org = access_managed_organization_by_code(request.user, kwargs["code"])  # type: ignore[arg-type]
        serializer = self.get_serializer(
            org, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent_given = "parent" in data
        parent = data.pop("parent", None)
        org = services.organization_update(by=request.user, organization=org, **data)  # type: ignore[arg-type]
        if parent_given and parent != org.parent:
            org = services.organization_move(
                by=request.user,
                organization=org,  # type: ignore[arg-type]
                new_parent=parent,
            )
        return Response(self.get_serializer(org).data)
