"""REST endpoints of programmes and tasks: reading deadlines as documents write them."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.assignments import services
from nqtrack.assignments.deadlines import KINDS, parse_deadline
from nqtrack.assignments.extraction import extract_tasks
from nqtrack.assignments.models import Evidence, ExtensionRequest, Quality, Task, TaskUpdate
from nqtrack.assignments.selectors import (
    access_task_by_id,
    known_organizations,
    public_holidays,
    status_of,
    task_list_count,
    tasks_visible_to,
    with_status,
)
from nqtrack.core.api import ETAG, IF_MATCH, STALE, Pagination, if_match_version, with_etag
from nqtrack.core.query import KnownCountPaginator, iso_date_filter
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization
from nqtrack.organizations.selectors import organizations_visible_to


class DeadlineInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000, trim_whitespace=False)
    reference_date = serializers.DateField()


DeadlineSerializer = inline_serializer(
    "Deadline",
    fields={
        "kind": serializers.ChoiceField(choices=list(KINDS)),
        "due_on": serializers.DateField(allow_null=True),
        "label": serializers.CharField(),
    },
)


@extend_schema(request=DeadlineInputSerializer, responses=DeadlineSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def parse_deadline_view(request: Request) -> Response:
    """Read a deadline as documents write it: a date, a period, a relative term, recurring,
    continuous, or none. Working days skip weekends and the public-holiday table."""
    serializer = DeadlineInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    reference: datetime.date = serializer.validated_data["reference_date"]
    holidays = public_holidays(start=reference, end=reference + datetime.timedelta(days=800))
    deadline = parse_deadline(serializer.validated_data["text"], reference, holidays=holidays)
    return Response(
        {
            "kind": deadline.kind,
            "due_on": deadline.due_on.isoformat() if deadline.due_on else None,
            "label": deadline.label,
        }
    )


@extend_schema(exclude=True)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def parse_deadline_with_slash(request: Request) -> Response:
    return parse_deadline_view.cls().dispatch(request._request)  # type: ignore[attr-defined,no-any-return]


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, obj: Evidence) -> str:
        path = reverse("assignments:evidence", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class TaskUpdateSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = TaskUpdate
        fields = ["at", "by", "event", "on", "note", "evidence"]


class ProgressSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TaskSerializer(serializers.ModelSerializer):
    source_document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())
    lead = serializers.SlugRelatedField(slug_field="code", queryset=Organization.objects.none())
    supporting = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), many=True, required=False
    )
    assigned_by = serializers.SlugRelatedField(slug_field="code", read_only=True)
    deadline = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        write_only=True,
        help_text='The deadline as the document writes it, e.g. "trong quý III/2025".',
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.CharField(read_only=True)
    updates = TaskUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "source_document",
            "assigned_by",
            "text",
            "lead",
            "supporting",
            "deadline",
            "due_on",
            "deadline_kind",
            "deadline_label",
            "product",
            "completed_on",
            "status",
            "quality",
            "quality_comment",
            "updates",
            "created_at",
            "version",
        ]
        read_only_fields = [
            "deadline_kind",
            "deadline_label",
            "completed_on",
            "quality",
            "quality_comment",
            "created_at",
            "version",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["source_document"].queryset = documents_visible_to(request.user)
            visible = organizations_visible_to(request.user).filter(valid_to__isnull=True)
            self.fields["lead"].queryset = visible
            self.fields["supporting"].child_relation.queryset = visible

    def to_representation(self, instance: Task) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["deadline"] = {
            "kind": instance.deadline_kind,
            "due_on": data["due_on"],
            "label": instance.deadline_label,
            "text": instance.deadline_text,
        }
        if not data.get("status"):
            data["status"] = status_of(instance, today=timezone.localdate())
        return data


class TaskFilter(django_filters.FilterSet):
    status = django_filters.CharFilter()
    lead = django_filters.CharFilter(field_name="lead__code")
    source_document = django_filters.NumberFilter()
    due_from = iso_date_filter(field_name="due_on", lookup_expr="gte")
    due_to = iso_date_filter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Task
        fields = ["status", "lead", "source_document", "due_from", "due_to"]


class TaskEventSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ExtensionSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_by",
            "requested_at",
            "reason",
            "proposed_due_on",
            "decision",
            "decided_by",
            "decided_at",
            "new_due_on",
            "comment",
        ]
        read_only_fields = ["decision", "decided_at", "new_due_on", "comment"]


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    new_due_on = serializers.DateField(required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AssessmentSerializer(serializers.Serializer):
    quality = serializers.ChoiceField(choices=Quality.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class TaskExtensionsMixin:
    """tasks/{id}/extensions/, tasks/{id}/extensions/{ext}/decide/ and tasks/{id}/assess/."""

    @extend_schema(methods=["GET"], responses=ExtensionSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ExtensionSerializer, responses={201: ExtensionSerializer}
    )
    # A plain list (a task has a handful of requests), not paginated, and no task filters.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def extensions(self, request: Request, pk: str) -> Response:
        task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
        if request.method == "GET":
            return Response(ExtensionSerializer(task.extensions.all(), many=True).data)
        body = ExtensionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = services.extension_request(
            by=request.user,
            task=task,  # type: ignore[arg-type]
            **body.validated_data,
        )
        return Response(ExtensionSerializer(created).data, status=201)

    @extend_schema(
        request=ExtensionDecisionSerializer,
        responses={200: ExtensionSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<extension_id>\d+)/decide")
    def decide_extension(self, request: Request, pk: str, extension_id: str) -> Response:
        task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
        extension = task.extensions.filter(pk=int(extension_id)).first()
        if extension is None:
            raise NotFound()
        body = ExtensionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = services.extension_decide(
            by=request.user,
            request=extension,  # type: ignore[arg-type]
            expected_version=if_match_version(request),
            **body.validated_data,
        )
        return with_etag(Response(ExtensionSerializer(decided).data), decided.task)

    @extend_schema(
        request=AssessmentSerializer,
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str) -> Response:
        task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
        body = AssessmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_assess(
            by=request.user,  # type: ignore[arg-type]
            task=task,
            expected_version=if_match_version(request),
            **body.validated_data,
        )
        task = self.get_object()  # type: ignore[attr-defined]
        return with_etag(Response(TaskSerializer(task, context={"request": request}).data), task)


class TaskPagination(Pagination):
    """Pages of tasks whose total the view may already know (TaskViewSet.known_count)."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        count = view.known_count(request) if hasattr(view, "known_count") else None
        self.django_paginator_class = partial(KnownCountPaginator, count=count)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)


# Query parameters that leave the number of tasks to the maintained counts.
COUNTED_PARAMETERS = {"status", "page", "page_size", "ordering", "format"}


class TaskViewSet(
    TaskExtensionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TaskSerializer
    queryset = TaskSerializer.Meta.model.objects.none()  # for the schema
    filterset_class = TaskFilter
    ordering_fields = ["due_on", "created_at", "id"]
    ordering = ["due_on", "id"]
    pagination_class = TaskPagination

    def known_count(self, request: Request) -> int | None:
        """The list's total from the maintained counts when only the status filters it."""
        if self.action != "list" or set(request.query_params) - COUNTED_PARAMETERS:
            return None
        status = request.query_params.get("status")
        return task_list_count(
            request.user,  # type: ignore[arg-type]
            today=timezone.localdate(),
            statuses=[status] if status else None,
        )

    def get_queryset(self) -> QuerySet[Task]:
        qs = tasks_visible_to(self.request.user)  # type: ignore[arg-type]
        return with_status(qs, today=timezone.localdate()).prefetch_related(
            "supporting", "updates", "updates__by", "updates__evidence"
        )

    def get_object(self) -> Task:
        task = access_task_by_id(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]
        return with_status(Task.objects.filter(pk=task.pk), today=timezone.localdate()).get()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.task_create(by=self.request.user, **data)  # type: ignore[arg-type]

    def _event(self, request: Request, pk: str, event: str) -> Response:
        task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
        body = TaskEventSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_transition(
            by=request.user,
            task=task,
            event=event,  # type: ignore[arg-type]
            expected_version=if_match_version(request),
            **body.validated_data,
        )
        return self._task_response(request)

    def _task_response(self, request: Request) -> Response:
        task = self.get_object()
        return with_etag(Response(TaskSerializer(task, context={"request": request}).data), task)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._task_response(request)

    @extend_schema(
        request=TaskEventSerializer,
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._event(request, pk, "complete")

    @extend_schema(
        request=TaskEventSerializer,
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._event(request, pk, "reopen")

    @extend_schema(
        request=TaskEventSerializer,
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        return self._event(request, pk, "cancel")

    @extend_schema(
        request=TaskEventSerializer,
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        return self._event(request, pk, "restore")

    @extend_schema(
        request={"multipart/form-data": ProgressSerializer, "application/json": ProgressSerializer},
        responses={200: TaskSerializer, 412: STALE},
        parameters=[IF_MATCH, ETAG],
        description="Report progress: a note and, in a multipart body, evidence `files`.",
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        task = access_task_by_id(request.user, pk)  # type: ignore[arg-type]
        body = ProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.task_report_progress(
            by=request.user,
            task=task,  # type: ignore[arg-type]
            note=body.validated_data["note"],
            files=body.validated_data["files"],
            expected_version=if_match_version(request),
        )
        return self._task_response(request)


class ExtractInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000, trim_whitespace=False)
    reference_date = serializers.DateField()


ExtractedSerializer = inline_serializer(
    "ExtractedTasks",
    fields={
        "tasks": inline_serializer(
            "ExtractedTask",
            many=True,
            fields={
                "text": serializers.CharField(),
                "lead": serializers.CharField(allow_null=True),
                "lead_code": serializers.CharField(allow_null=True),
                "supporting": serializers.ListField(child=serializers.CharField()),
                "supporting_codes": serializers.ListField(
                    child=serializers.CharField(allow_null=True)
                ),
                "product": serializers.CharField(allow_null=True),
                "deadline": DeadlineSerializer,
            },
        ),
    },
)


@extend_schema(request=ExtractInputSerializer, responses=ExtractedSerializer)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def extract_tasks_view(request: Request) -> Response:
    """Propose the tasks a conclusion notice or action programme assigns, in document order,
    with their units matched to the organizations the user knows. Nothing is saved."""
    body = ExtractInputSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    reference: datetime.date = body.validated_data["reference_date"]
    holidays = public_holidays(start=reference, end=reference + datetime.timedelta(days=1100))
    proposals = extract_tasks(
        body.validated_data["text"],
        reference,
        known_organizations(request.user),  # type: ignore[arg-type]
        holidays=holidays,
    )
    return Response(
        {
            "tasks": [
                {
                    "text": p.text,
                    "lead": p.lead,
                    "lead_code": p.lead_code,
                    "supporting": list(p.supporting),
                    "supporting_codes": list(p.supporting_codes),
                    "product": p.product,
                    "deadline": {
                        "kind": p.deadline.kind,
                        "label": p.deadline.label,
                        "due_on": p.deadline.due_on.isoformat() if p.deadline.due_on else None,
                    },
                }
                for p in proposals
            ]
        }
    )


@extend_schema(exclude=True)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def extract_tasks_with_slash(request: Request) -> Response:
    return extract_tasks_view.cls().dispatch(request._request)  # type: ignore[attr-defined,no-any-return]
