"""REST endpoints of the review rules: national defaults and the rules committees hold."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.documents import review_rules
from nqtrack.documents.models import ReviewRule
from nqtrack.organizations.models import Level, Organization
from nqtrack.organizations.selectors import organizations_managed_by

_LEVEL = OpenApiParameter(
    "level", OpenApiTypes.STR, OpenApiParameter.PATH, description="The level's slug, e.g. province."
)
_OWNER = OpenApiParameter(
    "owner",
    OpenApiTypes.STR,
    description="Code of the committee holding the rule; omitted for the national default.",
)


class ReviewRuleSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    reviewed_types = serializers.ListField(child=serializers.CharField(max_length=10))

    class Meta:
        model = ReviewRule
        fields = [
            "level",
            "owner",
            "interim_years",
            "final_years",
            "plan_lead_months",
            "finalize_days",
            "reviewed_types",
        ]


class ReviewRuleCreateSerializer(ReviewRuleSerializer):
    """A committee's own rule; the values left out are copied from the national default."""

    level = serializers.SlugRelatedField(slug_field="slug", queryset=Level.objects.all())
    reviewed_types = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False
    )

    class Meta(ReviewRuleSerializer.Meta):
        extra_kwargs = {
            "interim_years": {"required": False},
            "final_years": {"required": False},
            "plan_lead_months": {"required": False},
            "finalize_days": {"required": False},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs  # the model's checks run in the service, on the merged values

    owner = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["owner"].queryset = organizations_managed_by(request.user)  # type: ignore[attr-defined]


@extend_schema_view(
    retrieve=extend_schema(parameters=[_LEVEL, _OWNER]),
    update=extend_schema(parameters=[_LEVEL, _OWNER]),
    partial_update=extend_schema(parameters=[_LEVEL, _OWNER]),
    destroy=extend_schema(parameters=[_LEVEL, _OWNER]),
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "owner",
                OpenApiTypes.STR,
                description="Only the rules this committee holds; `national` for the defaults.",
            )
        ]
    ),
)
class ReviewRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """`review-rules/{level}/` is the national default; `?owner=CODE` names a committee's rule.
    Administrators change the rules held by their organization or below, never above."""

    lookup_field = "level__slug"
    lookup_url_kwarg = "level"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "create":
            return ReviewRuleCreateSerializer
        return ReviewRuleSerializer

    queryset = ReviewRule.objects.none()  # the schema's model; requests use get_queryset

    def get_queryset(self) -> QuerySet[ReviewRule]:
        if getattr(self, "swagger_fake_view", False):
            return ReviewRule.objects.none()
        qs = review_rules.rules_visible_to(self.request.user)  # type: ignore[arg-type]
        if self.action == "list":
            owner = self.request.query_params.get("owner")
            if owner == "national":
                qs = qs.filter(owner__isnull=True)
            elif owner:
                qs = qs.filter(owner__code=owner)
        return qs

    def get_object(self) -> ReviewRule:
        user = self.request.user
        rule = review_rules.access_rule(
            user,  # type: ignore[arg-type]
            level=self.kwargs["level"],
            owner_code=self.request.query_params.get("owner") or None,
        )
        unsafe = self.request.method not in SAFE_METHODS
        if unsafe and not review_rules.rule_manageable_by(user, rule):  # type: ignore[arg-type]
            if not user.can_administer:  # type: ignore[union-attr]
                raise PermissionDenied(_("Only administrators may change review rules."))
            raise review_rules.refuse(user, rule, str(rule))  # type: ignore[arg-type]
        return rule

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        rule, _count = review_rules.review_rule_create(
            by=request.user,  # type: ignore[arg-type]
            owner=data.pop("owner"),
            level=data.pop("level"),
            **data,
        )
        return Response(ReviewRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        review_rules.review_rule_update(
            by=self.request.user,  # type: ignore[arg-type]
            rule=serializer.instance,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        serializer.instance.refresh_from_db()

    def perform_destroy(self, instance: ReviewRule) -> None:
        review_rules.review_rule_delete(by=self.request.user, rule=instance)  # type: ignore[arg-type]
