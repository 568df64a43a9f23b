"""REST endpoints of the registry: documents, review rules, and reading document text."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.core.api import ETAG, IF_MATCH, STALE, if_match_version, require_write, with_etag
from nqtrack.documents import selectors, services
from nqtrack.documents.filters import DocumentFilter
from nqtrack.documents.models import Document, Field, ReviewKind, Urgency
from nqtrack.documents.textparse import parse_document_text
from nqtrack.organizations.models import Organization, SecurityLevel
from nqtrack.organizations.selectors import organizations_visible_to


class OverrideSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    sequence = serializers.IntegerField(min_value=1, default=1)
    due_on = serializers.DateField()


class MilestoneSerializer(serializers.Serializer):
    kind = serializers.CharField()
    sequence = serializers.IntegerField()
    due_on = serializers.DateField()
    plan_due_on = serializers.DateField()
    overridden = serializers.BooleanField()


class DocumentSerializer(serializers.ModelSerializer):
    issuer = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.all())
    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        required=False,
        help_text="Registry that keeps the document; defaults to the user's organization.",
    )
    fields = serializers.SlugRelatedField(
        slug_field="slug", queryset=Field.objects.all(), many=True, required=False
    )
    security_level = serializers.ChoiceField(choices=SecurityLevel.choices, default="normal")
    urgency = serializers.ChoiceField(choices=Urgency.choices, default="normal")
    review_overrides = OverrideSerializer(many=True, required=False, source="overrides")
    review_schedule = MilestoneSerializer(many=True, read_only=True, source="milestones")
    symbol = serializers.CharField(max_length=60)

    class Meta:
        model = Document
        # Uniqueness is checked by the service on the normalized symbol, with a clear message.
        validators: list[Any] = []
        fields = [
            "id",
            "symbol",
            "number",
            "doc_type",
            "type_name",
            "issuer",
            "owner",
            "signed_on",
            "title",
            "fields",
            "security_level",
            "urgency",
            "valid_until",
            "status",
            "full_text",
            "review_overrides",
            "review_schedule",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "number",
            "doc_type",
            "status",
            "created_at",
            "updated_at",
            "version",
        ]
        extra_kwargs = {
            "full_text": {"required": False, "write_only": False},
            "type_name": {"required": False},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            visible = organizations_visible_to(request.user)
            self.fields["issuer"].queryset = visible
            self.fields["owner"].queryset = visible

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if "overrides" in values:
            values["review_overrides"] = [
                (o["kind"], o["sequence"], o["due_on"]) for o in values.pop("overrides")
            ]
        if "fields" in values:
            values["fields"] = [f.slug for f in values["fields"]]
        return values


@extend_schema_view(
    retrieve=extend_schema(parameters=[ETAG]),
    create=extend_schema(parameters=[ETAG]),
    update=extend_schema(
        parameters=[IF_MATCH, ETAG], responses={200: DocumentSerializer, 412: STALE}
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH, ETAG], responses={200: DocumentSerializer, 412: STALE}
    ),
)
class DocumentViewSet(viewsets.ModelViewSet):
    serializer_class = DocumentSerializer
    queryset = DocumentSerializer.Meta.model.objects.none()  # for the schema
    filterset_class = DocumentFilter
    ordering_fields = ["signed_on", "symbol", "created_at", "number"]
    ordering = ["-signed_on", "-id"]

    def get_queryset(self) -> QuerySet[Document]:
        return selectors.documents_visible_to(self.request.user).prefetch_related(  # type: ignore[arg-type]
            "fields", "overrides", "milestones"
        )

    def get_object(self) -> Document:
        document = selectors.access_document_by_id(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]
        require_write(self.request, services.can_manage(self.request.user, document.owner))  # type: ignore[arg-type]
        return document

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        return with_etag(Response(self.get_serializer(document).data), document)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().create(request, *args, **kwargs)
        return with_etag(response, self._saved)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().update(request, *args, **kwargs)
        return with_etag(response, self._saved)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self._saved = services.document_register(
            by=self.request.user, **serializer.validated_data
        )  # type: ignore[arg-type]

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("owner", None)
        serializer.instance = self._saved = services.document_update(
            by=self.request.user,
            document=serializer.instance,
            expected_version=if_match_version(self.request),
            **data,
        )  # type: ignore[arg-type]

    def perform_destroy(self, instance: Document) -> None:
        services.document_delete(by=self.request.user, document=instance)  # type: ignore[arg-type]


_Header = inline_serializer(
    "ParsedHeader",
    allow_null=True,
    fields={
        "number": serializers.IntegerField(),
        "doc_type": serializers.CharField(),
        "issuer": serializers.CharField(),
        "symbol": serializers.CharField(),
        "signed_on": serializers.DateField(allow_null=True),
        "type_name": serializers.CharField(allow_null=True),
        "title": serializers.CharField(allow_null=True),
        "place": serializers.CharField(allow_null=True),
    },
)
_Citations = inline_serializer(
    "ParsedCitation",
    many=True,
    fields={
        "text": serializers.CharField(),
        "number": serializers.IntegerField(),
        "doc_type": serializers.CharField(),
        "issuer": serializers.CharField(),
        "symbol": serializers.CharField(),
        "signed_on": serializers.DateField(allow_null=True),
    },
)


class ParseInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000, trim_whitespace=False)


@extend_schema(
    request=ParseInputSerializer,
    responses=inline_serializer("ParsedText", fields={"header": _Header, "citations": _Citations}),
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def parse_text(request: Request) -> Response:
    """Read a document's own identity and the documents it cites from its text."""
    serializer = ParseInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    header, citations = parse_document_text(serializer.validated_data["text"])

    def plain(obj: Any) -> dict[str, Any]:
        data = dict(obj.__dict__)
        if data.get("signed_on") is not None:
            data["signed_on"] = data["signed_on"].isoformat()
        return data

    return Response(
        {"header": plain(header) if header else None, "citations": [plain(c) for c in citations]},
        status=status.HTTP_200_OK,
    )


@extend_schema(exclude=True)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def parse_text_with_slash(request: Request) -> Response:
    """The same endpoint reached with a trailing slash, as the other endpoints are."""
    return parse_text.cls().dispatch(request._request)  # type: ignore[attr-defined,no-any-return]
