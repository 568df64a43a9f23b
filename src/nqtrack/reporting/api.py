"""REST endpoints of self-review reporting: rounds, submissions, returns, reopenings, rates."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.assignments.api import EvidenceSerializer
from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import tasks_visible_to
from nqtrack.core.api import limit_choices, request_user
from nqtrack.core.errors import field_error
from nqtrack.organizations.models import Organization
from nqtrack.organizations.selectors import access_organization_by_code, organizations_visible_to
from nqtrack.reporting import selectors, services
from nqtrack.reporting.models import (
    ItemStatus,
    ReportingRound,
    RoundReopening,
    Submission,
    SubmissionItem,
)


def _scope_organizations(serializer: serializers.Serializer, *names: str) -> None:
    """Organizations are looked up among those the user sees, so others read as unknown."""
    user = request_user(serializer)
    if user is None:
        return
    for name in names:
        limit_choices(serializer, name, organizations_visible_to(user))


class ReportingRoundSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.none(),
        required=False,
        help_text="The office's organization; defaults to the user's own.",
    )
    expected = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), many=True
    )
    locked = serializers.SerializerMethodField(
        help_text="True after the due date (units may still submit where the office reopened)."
    )

    class Meta:
        model = ReportingRound
        fields = [
            "id",
            "title",
            "owner",
            "period_start",
            "period_end",
            "due_on",
            "expected",
            "locked",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_organizations(self, "owner", "expected")

    def get_locked(self, instance: ReportingRound) -> bool:
        return timezone.localdate() > instance.due_on


class SubmissionItemSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.none())
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    narrative = serializers.CharField(max_length=20_000)
    evidence = serializers.CharField(max_length=5_000, required=False, allow_blank=True)
    files = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = SubmissionItem
        fields = ["task", "status", "narrative", "evidence", "files"]


class ReportingSubmissionSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    returned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    items = SubmissionItemSerializer(many=True, read_only=True)
    unanswered = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Open tasks of the unit that the report leaves unanswered (ids).",
    )

    class Meta:
        model = Submission
        fields = [
            "organization",
            "status",
            "submitted_at",
            "submitted_by",
            "recorded_by_office",
            "generic",
            "unanswered",
            "items",
            "return_comment",
            "returned_at",
            "returned_by",
        ]
        read_only_fields = fields


class ReportingSubmitSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none()
    )
    submitted_at = serializers.DateTimeField(
        required=False,
        help_text="When a paper report arrived; only the office records it. Defaults to now.",
    )
    items = SubmissionItemSerializer(many=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_organizations(self, "organization")
        user = request_user(self)
        if user is not None:
            self.fields["items"].child.fields["task"].queryset = tasks_visible_to(user)


class ReportingReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5_000, allow_blank=True)


class ReportingReopenSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none()
    )
    until = serializers.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scope_organizations(self, "organization")


class RoundReopeningSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RoundReopening
        fields = ["organization", "until", "at", "by"]


class ReportingUnitRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    state = serializers.ChoiceField(choices=["submitted", "returned", "draft", "missing"])
    submitted_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField()
    generic = serializers.BooleanField()
    recorded_by_office = serializers.BooleanField()
    overdue = serializers.BooleanField()
    reopened_until = serializers.DateField(allow_null=True)


class ReportingStatsSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    completeness = serializers.FloatField(help_text="submitted / expected, 0–1.")
    timeliness = serializers.FloatField(help_text="on_time / expected, 0–1.")
    missing = serializers.ListField(child=serializers.CharField())
    generic = serializers.IntegerField()
    units = ReportingUnitRowSerializer(many=True)


class RoundOpenTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "text", "due_on", "deadline_label", "product", "completed_on"]


class ReportingRoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Self-review reporting rounds: the units expected to report on a period, by a due date."""

    serializer_class = ReportingRoundSerializer
    ordering_fields = ["due_on", "period_start", "id"]
    ordering = ["-due_on", "-id"]

    def get_queryset(self) -> QuerySet[ReportingRound]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ReportingRound.objects.none()
        qs = selectors.rounds_visible_to(self.request.user)  # type: ignore[arg-type]
        return qs.prefetch_related("expected")

    def get_object(self) -> ReportingRound:
        return selectors.access_round_by_id(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        owner = data.pop("owner", None) or self.request.user.organization  # type: ignore[union-attr]
        if owner is None:
            raise field_error("owner", _("Choose the office that runs the round."))
        serializer.instance = services.round_create(by=self.request.user, owner=owner, **data)  # type: ignore[arg-type]

    @extend_schema(
        methods=["GET"],
        responses=ReportingSubmissionSerializer(many=True),
        summary="Submissions the user may see in the round",
    )
    @extend_schema(
        methods=["POST"],
        request=ReportingSubmitSerializer,
        responses={201: ReportingSubmissionSerializer},
        summary="Submit a unit's report (or record a paper report, for the office)",
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def submissions(self, request: Request, pk: str) -> Response:
        rnd = self.get_object()
        if request.method == "GET":
            qs = selectors.submissions_visible_in(rnd, request.user)  # type: ignore[arg-type]
            page = self.paginate_queryset(qs)
            data = ReportingSubmissionSerializer(page if page is not None else qs, many=True).data
            return self.get_paginated_response(data) if page is not None else Response(data)
        body = ReportingSubmitSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = services.submission_submit(
            by=request.user,  # type: ignore[arg-type]
            round=rnd,
            organization=data["organization"],
            items=[
                services.Answer(i["task"], i["status"], i["narrative"], i.get("evidence", ""))
                for i in data["items"]
            ],
            submitted_at=data.get("submitted_at"),
        )
        report = selectors.submissions_visible_in(rnd, request.user).get(pk=report.pk)  # type: ignore[arg-type]
        return Response(ReportingSubmissionSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReportingReturnSerializer,
        responses=ReportingSubmissionSerializer,
        summary="Return a unit's report for correction",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"submissions/(?P<organization_code>[^/]+)/return",
        url_name="submission-return",
    )
    def return_submission(self, request: Request, pk: str, organization_code: str) -> Response:
        rnd = self.get_object()
        report = selectors.access_submission(request.user, rnd, organization_code)  # type: ignore[arg-type]
        body = ReportingReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.submission_return(
            by=request.user,  # type: ignore[arg-type]
            submission=report,
            comment=body.validated_data["comment"],
        )
        report = selectors.access_submission(request.user, rnd, organization_code)  # type: ignore[arg-type]
        return Response(ReportingSubmissionSerializer(report).data)

    @extend_schema(
        request=ReportingReopenSerializer,
        responses={201: RoundReopeningSerializer},
        summary="Let one unit submit after the due date",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        rnd = self.get_object()
        body = ReportingReopenSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        reopening = services.round_reopen_for(
            by=request.user,  # type: ignore[arg-type]
            round=rnd,
            organization=body.validated_data["organization"],
            until=body.validated_data["until"],
        )
        return Response(RoundReopeningSerializer(reopening).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses=ReportingStatsSerializer, summary="Reporting rates (DHIS2 definitions)"
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def stats(self, request: Request, pk: str) -> Response:
        rnd = self.get_object()
        if not selectors.sees_whole_round(request.user, rnd):  # type: ignore[arg-type]
            raise PermissionDenied(_("Only the office that runs the round sees its statistics."))
        stats = selectors.round_stats(rnd, today=timezone.localdate())
        return Response(ReportingStatsSerializer(asdict(stats)).data)

    @extend_schema(
        parameters=[OpenApiParameter("organization", str, required=True)],
        responses=RoundOpenTaskSerializer(many=True),
        summary="The open tasks a unit's report must answer",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="open-tasks",
        filter_backends=[],
        pagination_class=None,
    )
    def open_tasks(self, request: Request, pk: str) -> Response:
        rnd = self.get_object()
        code = request.query_params.get("organization", "")
        if not code:
            raise field_error("organization", _("Give the code of the unit."))
        unit = access_organization_by_code(request.user, code)  # type: ignore[arg-type]
        if not rnd.expected.filter(pk=unit.pk).exists():
            raise field_error(
                "organization",
                _("%(name)s is not expected to report in this round.") % {"name": unit.name},
            )
        tasks = selectors.open_tasks_for(rnd, unit) & tasks_visible_to(request.user)  # type: ignore[arg-type]
        return Response(RoundOpenTaskSerializer(tasks, many=True).data)
