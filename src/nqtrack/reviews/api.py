"""REST endpoints of reviews (sơ kết, tổng kết): `reviews/` and its stage actions."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.core.api import request_user, require_write
from nqtrack.core.downloads import bytes_response
from nqtrack.core.uploads import DOCX
from nqtrack.documents.models import Document, ReviewKind, ReviewMilestone
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization
from nqtrack.organizations.selectors import organizations_visible_to
from nqtrack.reviews import selectors, services
from nqtrack.reviews.models import (
    FollowUp,
    MeetingFormat,
    MeetingKind,
    Review,
    ReviewMeeting,
    SurveyQuestion,
)
from nqtrack.reviews.report_docx import review_report_docx


class OrgField(serializers.SlugRelatedField):
    """An organization by code, among those the user may see."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Organization.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[Organization]:
        user = request_user(self.root)
        return organizations_visible_to(user) if user else Organization.objects.none()


class DocumentField(serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Document.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[Document]:
        user = request_user(self.root)
        return documents_visible_to(user) if user else Document.objects.none()


class StageSerializer(serializers.Serializer):
    key = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["done", "done_late", "overdue", "due_soon", "pending", "skipped"]
    )


class ScopeRowSerializer(serializers.Serializer):
    organization = serializers.CharField()
    included = serializers.BooleanField()
    reason = serializers.CharField()


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewMeeting
        fields = ["kind", "held_on", "format", "participants", "connection_points", "note"]


class ReviewSerializer(serializers.ModelSerializer):
    milestone = serializers.PrimaryKeyRelatedField(queryset=ReviewMilestone.objects.none())
    committee = OrgField()
    lead_body = OrgField(required=False, allow_null=True)
    document = serializers.PrimaryKeyRelatedField(read_only=True)
    plan_document = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    report_document = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    followup_document = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    round = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=ReviewKind.choices, read_only=True)
    # Empty until the follow-up is recorded: the schema's enum must say so.
    followup = serializers.ChoiceField(choices=FollowUp.choices, allow_blank=True, read_only=True)
    sequence = serializers.IntegerField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    plan_due_on = serializers.DateField(read_only=True)
    scope = serializers.SerializerMethodField()
    stages = serializers.SerializerMethodField()
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "milestone",
            "document",
            "committee",
            "lead_body",
            "kind",
            "sequence",
            "due_on",
            "plan_due_on",
            "plan_document",
            "plan_issued_on",
            "scope",
            "round",
            "meetings",
            "approved_on",
            "report_document",
            "report_issued_on",
            "followup",
            "followup_document",
            "stages",
        ]
        read_only_fields = [
            "plan_issued_on",
            "approved_on",
            "report_issued_on",
            "followup",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["milestone"].queryset = ReviewMilestone.objects.filter(  # type: ignore[attr-defined]
                document__in=documents_visible_to(user)
            )

    @extend_schema_field(ScopeRowSerializer(many=True))
    def get_scope(self, review: Review) -> list[dict[str, Any]]:
        return [
            {"organization": s.organization.code, "included": s.included, "reason": s.reason}
            for s in review.scope.select_related("organization")
        ]

    @extend_schema_field(StageSerializer(many=True))
    def get_stages(self, review: Review) -> list[dict[str, Any]]:
        stages = selectors.stages_of(review, today=timezone.localdate())
        return [
            {"key": s.key, "due_on": s.due_on, "done_on": s.done_on, "state": s.state}
            for s in stages
        ]


class PlanGenerateSerializer(serializers.Serializer):
    committee = OrgField()
    start = serializers.DateField()
    end = serializers.DateField()
    lead_body = OrgField(required=False, allow_null=True)


class PlanDocumentSerializer(serializers.Serializer):
    plan_document = DocumentField()
    issued_on = serializers.DateField(required=False, allow_null=True)


class ExcludedSerializer(serializers.Serializer):
    organization = OrgField()
    reason = serializers.CharField(max_length=2000)


class ScopeSerializer(serializers.Serializer):
    included = serializers.ListField(child=OrgField())
    excluded = ExcludedSerializer(many=True, required=False)


class ReportsSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MeetingInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    held_on = serializers.DateField()
    format = serializers.ChoiceField(choices=MeetingFormat.choices)
    participants = serializers.IntegerField(min_value=0, default=0)
    connection_points = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    approved_on = serializers.DateField()


class IssueSerializer(serializers.Serializer):
    symbol = serializers.CharField(max_length=60)
    signed_on = serializers.DateField()
    title = serializers.CharField(max_length=1000)
    file = serializers.FileField(required=False)


class FollowUpSerializer(serializers.Serializer):
    followup = serializers.ChoiceField(choices=FollowUp.choices)
    document = DocumentField()


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = ["id", "position", "kind", "text", "options"]
        read_only_fields = ["id", "position"]


class QuestionsInputSerializer(serializers.Serializer):
    questions = serializers.ListField(
        child=serializers.DictField(), help_text="[{kind, text, options}]"
    )


class ResponseInputSerializer(serializers.Serializer):
    organization = OrgField()
    answers = serializers.DictField(help_text="question id → answer")
    respondent = serializers.CharField(required=False, allow_blank=True, default="")
    from_paper = serializers.BooleanField(default=False)


class ResultSerializer(serializers.Serializer):
    question = QuestionSerializer()
    answered = serializers.IntegerField()
    counts = serializers.ListField(child=serializers.ListField())
    average = serializers.FloatField(allow_null=True)
    texts = serializers.ListField(child=serializers.CharField())


class ReviewFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="milestone__kind", choices=ReviewKind.choices)
    committee = django_filters.CharFilter(field_name="committee__code")

    class Meta:
        model = Review
        fields = ["document"]


class ReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Interim and final reviews of one document at one committee, with their stages."""

    serializer_class = ReviewSerializer
    ordering_fields = ["milestone__due_on", "id"]
    ordering = ["milestone__due_on", "id"]
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return selectors.reviews_visible_to(self.request.user).prefetch_related(  # type: ignore[arg-type]
            "meetings", "questions"
        )

    def get_object(self) -> Review:
        review = selectors.access_review(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]
        if self.action != "responses":  # units in scope answer the survey themselves
            require_write(self.request, services.can_run(self.request.user, review.committee))  # type: ignore[arg-type]
        return review

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.review_create(
            by=self.request.user, **serializer.validated_data
        )  # type: ignore[arg-type]

    def _done(self, review: Review, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_object()
        return Response(self.get_serializer(fresh).data, status=code)

    def _body(self, cls: type[serializers.Serializer], request: Request) -> dict[str, Any]:
        body = cls(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(request=PlanGenerateSerializer, responses=ReviewSerializer(many=True))
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        """Add every review due between `start` and `end` for the committee to its plan."""
        data = self._body(PlanGenerateSerializer, request)
        result = services.plan_generate(by=request.user, **data)  # type: ignore[arg-type]
        reviews = [*result.created, *result.existing]
        return Response(self.get_serializer(reviews, many=True).data)

    @extend_schema(request=PlanDocumentSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="plan-document")
    def plan_document(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        services.review_record_plan(
            by=request.user, review=review, **self._body(PlanDocumentSerializer, request)
        )  # type: ignore[arg-type]
        return self._done(review)

    @extend_schema(request=ScopeSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def scope(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        data = self._body(ScopeSerializer, request)
        services.review_set_scope(
            by=request.user,  # type: ignore[arg-type]
            review=review,
            included=data["included"],
            excluded={e["organization"]: e["reason"] for e in data.get("excluded", [])},
        )
        return self._done(review)

    @extend_schema(request=ReportsSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="request-reports")
    def request_reports(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        services.review_request_reports(
            by=request.user, review=review, **self._body(ReportsSerializer, request)
        )  # type: ignore[arg-type]
        return self._done(review)

    @extend_schema(request=MeetingInputSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def meetings(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        services.review_add_meeting(
            by=request.user, review=review, **self._body(MeetingInputSerializer, request)
        )  # type: ignore[arg-type]
        return self._done(review, status.HTTP_201_CREATED)

    @extend_schema(request=ApproveSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        services.review_approve(
            by=request.user, review=review, **self._body(ApproveSerializer, request)
        )  # type: ignore[arg-type]
        return self._done(review)

    @extend_schema(
        request={"multipart/form-data": IssueSerializer, "application/json": IssueSerializer},
        responses=ReviewSerializer,
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        """Register the issued report (a BC) and link it to the document by "reviews"."""
        review = self.get_object()
        data = self._body(IssueSerializer, request)
        services.review_issue_report(
            by=request.user,  # type: ignore[arg-type]
            review=review,
            symbol=data["symbol"],
            signed_on=data["signed_on"],
            title=data["title"],
            upload=data.get("file"),
        )
        return self._done(review)

    @extend_schema(request=FollowUpSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        services.review_follow_up(
            by=request.user, review=review, **self._body(FollowUpSerializer, request)
        )  # type: ignore[arg-type]
        return self._done(review)

    @extend_schema(
        methods=["GET"], responses=QuestionSerializer(many=True), summary="The questionnaire"
    )
    @extend_schema(
        methods=["POST"],
        request=QuestionsInputSerializer,
        responses=QuestionSerializer(many=True),
        summary="Write the questionnaire (before any answer)",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def questions(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        if request.method == "POST":
            data = self._body(QuestionsInputSerializer, request)
            services.survey_set_questions(
                by=request.user,  # type: ignore[arg-type]
                review=review,
                questions=[
                    services.Question(
                        str(q.get("kind", "")), str(q.get("text", "")), list(q.get("options", []))
                    )
                    for q in data["questions"]
                ],
            )
        return Response(QuestionSerializer(review.questions.all(), many=True).data)

    @extend_schema(request=ResponseInputSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def responses(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        data = self._body(ResponseInputSerializer, request)
        answers = {int(k): v for k, v in data.pop("answers").items() if str(k).isdigit()}
        response = services.survey_respond(by=request.user, review=review, answers=answers, **data)  # type: ignore[arg-type]
        return Response({"id": response.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ResultSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def results(self, request: Request, pk: str) -> Response:
        review = self.get_object()
        _count, results = selectors.survey_results(review)
        return Response(ResultSerializer(results, many=True).data)

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ): OpenApiTypes.BINARY
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def draft(self, request: Request, pk: str) -> HttpResponse:
        """The draft report (DOCX) with the appendix filled from the data."""
        review = self.get_object()
        data = review_report_docx(review, request.user, today=timezone.localdate())  # type: ignore[arg-type]
        return bytes_response(data, f"review-{review.pk}.docx", DOCX.content_type)
