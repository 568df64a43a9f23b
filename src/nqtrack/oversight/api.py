"""REST endpoints of supervision and inspection: rounds, findings, remediation, closing."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.assignments.api import EvidenceSerializer
from nqtrack.assignments.selectors import status_of as task_status_of
from nqtrack.assignments.status import STATUS_LABELS as TASK_STATUS_LABELS
from nqtrack.core.api import limit_choices, request_user, require_write
from nqtrack.core.errors import field_error
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.organizations.selectors import organizations_visible_to
from nqtrack.oversight import selectors, services
from nqtrack.oversight.models import (
    Finding,
    FindingKind,
    OversightRound,
    RemediationItem,
    RoundKind,
    TeamMember,
    TeamRole,
    Verification,
)
from nqtrack.oversight.status import STATUS_LABELS


class TeamMemberSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=TeamRole.choices)
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text="Username of the member, when the member is a user of the system.",
    )

    class Meta:
        model = TeamMember
        fields = ["name", "post", "role", "user"]
        extra_kwargs = {"post": {"required": False, "allow_blank": True}}


class OversightRoundSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=RoundKind.choices)
    conductor = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.none(),
        required=False,
        help_text="The committee or inspection commission (code); defaults to the user's own.",
    )
    documents = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(), many=True, help_text="Ids of the documents covered."
    )
    targets = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), many=True
    )
    conclusion = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(),
        required=False,
        allow_null=True,
        help_text="Id of the registered conclusion notice (thông báo kết luận).",
    )
    team = TeamMemberSerializer(many=True, required=False)
    status = serializers.SerializerMethodField()
    closed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = OversightRound
        fields = [
            "id",
            "kind",
            "title",
            "conductor",
            "documents",
            "targets",
            "period_start",
            "period_end",
            "remediation_due_on",
            "conclusion",
            "team",
            "status",
            "closed_at",
            "closed_by",
            "created_at",
        ]
        read_only_fields = ["closed_at", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is None:
            return
        orgs = organizations_visible_to(user)
        docs = documents_visible_to(user)
        limit_choices(self, "conductor", orgs)
        limit_choices(self, "targets", orgs)
        limit_choices(self, "documents", docs)
        limit_choices(self, "conclusion", docs)
        team = self.fields["team"].child  # type: ignore[attr-defined]
        team.fields["user"].queryset = User.objects.filter(organization__in=orgs, is_active=True)

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUS_LABELS)))
    def get_status(self, instance: OversightRound) -> str:
        derived = getattr(instance, "status", None)
        return derived or selectors.status_of(instance, today=timezone.localdate())


class FindingSerializer(serializers.ModelSerializer):
    target = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.none())
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    document = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(),
        required=False,
        allow_null=True,
        help_text="Id of the covered document the finding concerns.",
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "target", "kind", "text", "document", "created_at", "created_by"]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            limit_choices(self, "target", organizations_visible_to(user))
            limit_choices(self, "document", documents_visible_to(user))


class RemediationDraftSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
    deadline = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text='As written, e.g. "trong quý III/2026"; or give due_on.',
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    product = serializers.CharField(max_length=255, required=False, allow_blank=True)
    supporting = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), many=True, required=False
    )
    finding = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.none(), required=False, allow_null=True
    )


class RemediationInputSerializer(serializers.Serializer):
    target = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.none())
    items = RemediationDraftSerializer(many=True)

    def __init__(self, *args: Any, round: OversightRound | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None and round is not None:
            orgs = organizations_visible_to(user)
            limit_choices(self, "target", orgs)
            child = self.fields["items"].child  # type: ignore[attr-defined]
            limit_choices(child, "supporting", orgs)
            limit_choices(child, "finding", Finding.objects.filter(round=round))


class RemediationItemSerializer(serializers.ModelSerializer):
    target = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task_text = serializers.CharField(source="task.text", read_only=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True)
    deadline_label = serializers.CharField(source="task.deadline_label", read_only=True)
    completed_on = serializers.DateField(source="task.completed_on", read_only=True)
    task_status = serializers.SerializerMethodField()
    verification = serializers.ChoiceField(choices=Verification.choices, read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    files = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = RemediationItem
        fields = [
            "id",
            "target",
            "finding",
            "task",
            "task_text",
            "due_on",
            "deadline_label",
            "completed_on",
            "task_status",
            "verification",
            "comment",
            "evidence",
            "files",
            "verified_at",
            "verified_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=list(TASK_STATUS_LABELS)))
    def get_task_status(self, instance: RemediationItem) -> str:
        return task_status_of(instance.task, today=timezone.localdate())


class VerifySerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=["done", "not_done", "carried_over"],
        help_text="done / not_done, or carried_over (comment = the reason).",
    )
    comment = serializers.CharField(max_length=5_000, required=False, allow_blank=True)
    evidence = serializers.CharField(max_length=5_000, required=False, allow_blank=True)
    on = serializers.DateField(
        required=False, help_text="When the item was done (default today); for done only."
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5_000, allow_blank=True)


class RoundFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices)
    status = django_filters.ChoiceFilter(choices=list(STATUS_LABELS.items()))
    document = django_filters.NumberFilter(field_name="documents", distinct=True)
    target = django_filters.CharFilter(field_name="targets__code", distinct=True)
    conductor = django_filters.CharFilter(field_name="conductor__code")

    class Meta:
        model = OversightRound
        fields = ["kind", "status", "document", "target", "conductor"]


def _round_data(validated: dict[str, Any]) -> dict[str, Any]:
    team = [
        services.Member(name=m["name"], role=m["role"], post=m.get("post", ""), user=m.get("user"))
        for m in validated.pop("team", [])
    ]
    return {**validated, "team": team}


class OversightRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Supervision and inspection rounds (đợt giám sát, kiểm tra), from plan to verified
    remediation. Conducted by a committee or its inspection commission."""

    serializer_class = OversightRoundSerializer
    filterset_class = RoundFilter
    ordering_fields = ["period_start", "period_end", "id"]
    ordering = ["-period_start", "-id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[OversightRound]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return OversightRound.objects.none()
        qs = selectors.rounds_visible_to(self.request.user)  # type: ignore[arg-type]
        qs = selectors.with_status(qs, today=timezone.localdate())
        return qs.prefetch_related("documents", "targets", "team", "team__user").select_related(
            "closed_by"
        )

    def get_object(self) -> OversightRound:
        rnd = selectors.access_round_by_id(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]
        require_write(self.request, services.can_conduct(self.request.user, rnd.conductor))  # type: ignore[arg-type]
        return self.get_queryset().get(pk=rnd.pk)

    def _round(self, request: Request, pk: str) -> OversightRound:
        """The round, refused before reading the body to whoever may not write to it."""
        rnd = selectors.access_round_by_id(request.user, pk)  # type: ignore[arg-type]
        require_write(request, services.can_conduct(request.user, rnd.conductor))  # type: ignore[arg-type]
        return rnd

    def _fresh(self, rnd: OversightRound) -> dict[str, Any]:
        return dict(self.get_serializer(self.get_queryset().get(pk=rnd.pk)).data)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        user: User = self.request.user  # type: ignore[assignment]
        data = _round_data(dict(serializer.validated_data))
        data["conductor"] = data.get("conductor") or user.organization
        if data["conductor"] is None:
            raise field_error("conductor", _("Choose the organization that conducts the round."))
        serializer.instance = services.round_create(by=user, **data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self._fresh(serializer.instance), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rnd = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(rnd, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        current = {
            "kind": rnd.kind,
            "title": rnd.title,
            "conductor": rnd.conductor,
            "period_start": rnd.period_start,
            "period_end": rnd.period_end,
            "documents": list(rnd.documents.all()),
            "targets": list(rnd.targets.all()),
            "remediation_due_on": rnd.remediation_due_on,
            "conclusion": rnd.conclusion,
            "team": [
                {"name": m.name, "post": m.post, "role": m.role, "user": m.user}
                for m in rnd.team.all()
            ],
        }
        data = _round_data({**current, **serializer.validated_data})
        services.round_update(by=request.user, round=rnd, **data)  # type: ignore[arg-type]
        return Response(self._fresh(rnd))

    @extend_schema(
        methods=["GET"],
        responses=FindingSerializer(many=True),
        summary="Findings of the round (per target: strengths, shortcomings, violations)",
    )
    @extend_schema(
        methods=["POST"],
        request=FindingSerializer,
        responses={201: FindingSerializer},
        summary="Record a finding at one target",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def findings(self, request: Request, pk: str) -> Response:
        rnd = self._round(request, pk)
        if request.method == "GET":
            qs = selectors.findings_visible_in(rnd, request.user)  # type: ignore[arg-type]
            page = self.paginate_queryset(qs)
            data = FindingSerializer(page if page is not None else qs, many=True).data
            return self.get_paginated_response(data) if page is not None else Response(data)
        body = FindingSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        finding = services.finding_add(by=request.user, round=rnd, **body.validated_data)  # type: ignore[arg-type]
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses=RemediationItemSerializer(many=True),
        summary="Remediation items of the round, with their task status and verification",
    )
    @extend_schema(
        methods=["POST"],
        request=RemediationInputSerializer,
        responses={201: RemediationItemSerializer(many=True)},
        summary="Record a target's remediation plan: each item becomes a task",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def remediation(self, request: Request, pk: str) -> Response:
        rnd = self._round(request, pk)
        context = self.get_serializer_context()
        if request.method == "GET":
            qs = selectors.items_visible_in(rnd, request.user)  # type: ignore[arg-type]
            page = self.paginate_queryset(qs)
            data = RemediationItemSerializer(
                page if page is not None else qs, many=True, context=context
            ).data
            return self.get_paginated_response(data) if page is not None else Response(data)
        body = RemediationInputSerializer(data=request.data, context=context, round=rnd)
        body.is_valid(raise_exception=True)
        drafts = [
            services.RemediationDraft(
                text=i["text"],
                deadline=i.get("deadline", ""),
                due_on=i.get("due_on"),
                product=i.get("product", ""),
                supporting=i.get("supporting", []),
                finding=i.get("finding"),
            )
            for i in body.validated_data["items"]
        ]
        created = services.remediation_add(
            by=request.user,  # type: ignore[arg-type]
            round=rnd,
            target=body.validated_data["target"],
            items=drafts,
        )
        qs = selectors.items_visible_in(rnd, request.user).filter(  # type: ignore[arg-type]
            pk__in=[i.pk for i in created]
        )
        return Response(
            RemediationItemSerializer(qs, many=True, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request={
            "application/json": VerifySerializer,
            "multipart/form-data": VerifySerializer,
        },
        responses=RemediationItemSerializer,
        summary="Verify one remediation item (done / not done) or carry it over",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"remediation/(?P<item_id>\d+)/verify",
        url_name="remediation-verify",
    )
    def verify(self, request: Request, pk: str, item_id: str) -> Response:
        rnd = self._round(request, pk)
        item = selectors.items_visible_in(rnd, request.user).filter(pk=int(item_id)).first()  # type: ignore[arg-type]
        if item is None:
            raise NotFound(_("No such remediation item."))
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["verdict"] == "carried_over":
            services.remediation_carry_over(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                reason=data.get("comment", ""),
            )
        else:
            services.remediation_verify(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                done=data["verdict"] == "done",
                comment=data.get("comment", ""),
                evidence=data.get("evidence", ""),
                files=data.get("files", []),
                on=data.get("on"),
            )
        item = selectors.items_visible_in(rnd, request.user).get(pk=item.pk)  # type: ignore[arg-type]
        return Response(RemediationItemSerializer(item, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses=OversightRoundSerializer,
        summary="Close the round (every item verified done or carried over)",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        rnd = self._round(request, pk)
        services.round_close(by=request.user, round=rnd)  # type: ignore[arg-type]
        return Response(self._fresh(rnd))

    @extend_schema(
        request=ReopenSerializer, responses=OversightRoundSerializer, summary="Reopen the round"
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        rnd = self._round(request, pk)
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.round_reopen(by=request.user, round=rnd, reason=body.validated_data["reason"])  # type: ignore[arg-type]
        return Response(self._fresh(rnd))
