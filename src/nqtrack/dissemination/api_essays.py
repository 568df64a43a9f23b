"""REST endpoints of essays, essay questions and outreach activities."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from nqtrack.core.errors import field_error
from nqtrack.dissemination import essays, importing, jobs, selectors, services
from nqtrack.dissemination.api_common import (
    DryRunSerializer,
    ImportInputSerializer,
    ImportJobSerializer,
    RowErrorSerializer,
    ScoreField,
    dry_run_response,
    job_response,
    org_field,
    scope_fields,
)
from nqtrack.dissemination.models import (
    Essay,
    EssayQuestion,
    ImportKind,
    OutreachActivity,
)
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Level, User


def _user(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


class EssaySerializer(serializers.ModelSerializer):
    member = serializers.CharField(max_length=40, help_text="Member code.")
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())
    score = ScoreField(help_text="0–10 with at most one decimal.")
    question = serializers.PrimaryKeyRelatedField(
        queryset=EssayQuestion.objects.none(), required=False, allow_null=True
    )
    graded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    mandatory = serializers.SerializerMethodField(
        help_text="False for members exempted from essays (they may still write)."
    )

    class Meta:
        model = Essay
        fields = [
            "id",
            "member",
            "document",
            "question",
            "score",
            "grade",
            "attempt",
            "rewrite_required",
            "is_latest",
            "mandatory",
            "graded_on",
            "graded_by",
        ]
        read_only_fields = ["grade", "attempt", "rewrite_required", "is_latest"]
        extra_kwargs = {"graded_on": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, docs=("document",))
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["question"].queryset = selectors.essay_questions_visible_to(request.user)

    def to_representation(self, instance: Essay) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["member"] = instance.member.code
        return data

    def get_mandatory(self, instance: Essay) -> bool:
        return selectors.member_is_mandatory(instance.member)


class EssayScoreSerializer(serializers.Serializer):
    score = ScoreField()


class BulkScoresSerializer(serializers.Serializer):
    organization = org_field(help_text="The cell (or any unit) whose members are graded.")
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())
    graded_on = serializers.DateField(required=False)
    scores = inline_serializer(
        "MemberScore",
        many=True,
        fields={
            "member": serializers.CharField(max_length=40),
            "score": serializers.CharField(max_length=10, help_text='e.g. "8.5" or 8.5'),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",), docs=("document",))


class ScoreImportSerializer(ImportInputSerializer):
    organization = org_field()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",), docs=("document",))


BulkResultSerializer = inline_serializer(
    "BulkScoresResult",
    fields={
        "written": serializers.BooleanField(),
        "counts": serializers.DictField(child=serializers.IntegerField()),
        "rows": RowErrorSerializer(many=True),
    },
)


class EssayViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Essays (every attempt). ?document=ID, ?member=CODE, ?organization=CODE, ?latest=1,
    ?grade=yeu. POST grades a first attempt or a rewrite; PATCH {score} corrects the latest."""

    serializer_class = EssaySerializer
    queryset = EssaySerializer.Meta.model.objects.none()  # for the schema
    ordering_fields = ["graded_on", "score", "attempt", "id"]

    def get_queryset(self) -> QuerySet[Essay]:
        user = _user(self.request)
        qs = selectors.essays_visible_to(user)
        params = self.request.query_params
        if params.get("organization"):
            org = selectors.access_rollup_root(user, params["organization"])
            qs = qs.filter(member__organization__path__startswith=org.path)
        if params.get("document", "").isdigit():
            qs = qs.filter(document_id=params["document"])
        if params.get("member"):
            qs = qs.filter(member__code=params["member"])
        if params.get("latest") in ("1", "true"):
            qs = qs.filter(is_latest=True)
        if params.get("grade"):
            qs = qs.filter(grade=params["grade"])
        return qs

    def get_object(self) -> Essay:
        return selectors.access_essay_by_id(_user(self.request), self.kwargs["pk"])

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        user = _user(self.request)
        member = selectors.members_visible_to(user).filter(code=data.pop("member")).first()
        if member is None:
            raise field_error("member", _("No party member has this code in your scope."))
        serializer.instance = essays.essay_grade(by=user, member=member, **data)

    def perform_destroy(self, instance: Essay) -> None:
        essays.essay_delete(by=_user(self.request), essay=instance)

    @extend_schema(request=EssayScoreSerializer, responses=EssaySerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        essay = self.get_object()
        body = EssayScoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        essays.essay_correct_score(
            by=_user(request), essay=essay, score=body.validated_data["score"]
        )
        return Response(EssaySerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        request=BulkScoresSerializer,
        responses={200: BulkResultSerializer, 400: BulkResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Scores of a cell in one go; nothing is written unless every row is valid."""
        body = BulkScoresSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = essays.essay_scores_enter(
            by=_user(request),
            organization=data["organization"],
            document=data["document"],
            scores=[(s["member"], s["score"]) for s in data["scores"]],
            graded_on=data.get("graded_on"),
        )
        return Response(
            {
                "written": entry.written,
                "counts": {a: entry.count(a) for a in ("first", "rewrite", "unchanged")},
                "rows": [
                    {"line": r.line, "code": r.code, "errors": r.errors} for r in entry.bad_rows
                ],
            },
            status=200 if entry.written else 400,
        )

    @extend_schema(
        request={"multipart/form-data": ScoreImportSerializer},
        responses={200: DryRunSerializer, 202: ImportJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_scores(self, request: Request) -> Response:
        """Scores from XLSX/CSV (member code, score): dry run, or a job that writes all rows
        or none."""
        body = ScoreImportSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        user = _user(request)
        if data["dry_run"]:
            report, _entry = importing.scores_import_check(
                by=user,
                organization=data["organization"],
                document=data["document"],
                upload=upload,
                filename=upload.name,
            )
            return dry_run_response(report)
        job = jobs.start_import_job(
            by=user,
            kind=ImportKind.ESSAY_SCORES,
            organization=data["organization"],
            document=data["document"],
            upload=upload,
            filename=upload.name,
        )
        return job_response(job, request)


class EssayQuestionSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())
    organization = org_field(help_text="The committee that sets the question.")
    level = serializers.SlugRelatedField(
        slug_field="slug", queryset=Level.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = EssayQuestion
        fields = ["id", "document", "organization", "level", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",), docs=("document",))


class EssayQuestionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Essay questions per document and level. ?document=ID."""

    serializer_class = EssayQuestionSerializer
    queryset = EssayQuestionSerializer.Meta.model.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[EssayQuestion]:
        qs = selectors.essay_questions_visible_to(_user(self.request))
        document = self.request.query_params.get("document", "")
        return qs.filter(document_id=document) if document.isdigit() else qs

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = essays.essay_question_create(
            by=_user(self.request), **serializer.validated_data
        )


class OutreachActivitySerializer(serializers.ModelSerializer):
    organization = org_field()
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())

    class Meta:
        model = OutreachActivity
        fields = [
            "id",
            "organization",
            "document",
            "channel",
            "count",
            "held_on",
            "reach",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",), docs=("document",))


class OutreachActivityViewSet(viewsets.ModelViewSet):
    """Propaganda activities by unit, document and channel. ?document=ID, ?channel=,
    ?organization=CODE (subtree)."""

    serializer_class = OutreachActivitySerializer
    queryset = OutreachActivitySerializer.Meta.model.objects.none()  # for the schema
    ordering_fields = ["held_on", "reach", "id"]

    def get_queryset(self) -> QuerySet[OutreachActivity]:
        user = _user(self.request)
        qs = selectors.outreach_visible_to(user)
        params = self.request.query_params
        if params.get("organization"):
            org = selectors.access_rollup_root(user, params["organization"])
            qs = qs.filter(organization__path__startswith=org.path)
        if params.get("document", "").isdigit():
            qs = qs.filter(document_id=params["document"])
        if params.get("channel"):
            qs = qs.filter(channel=params["channel"])
        return qs

    def get_object(self) -> OutreachActivity:
        return selectors.access_outreach_by_id(_user(self.request), self.kwargs["pk"])

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.outreach_record(
            by=_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        data.pop("document", None)
        serializer.instance = services.outreach_update(
            by=_user(self.request), activity=serializer.instance, **data
        )

    def perform_destroy(self, instance: OutreachActivity) -> None:
        services.outreach_delete(by=_user(self.request), activity=instance)
