"""REST endpoints of study and dissemination: members, plans, speakers, sessions with
attendance, import jobs and roll-ups. Essays and outreach are in api_essays.py.
`register(router)` adds every endpoint to the project's /api/v1/ router."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from nqtrack.core.api import require_write
from nqtrack.core.errors import field_error
from nqtrack.dissemination import importing, jobs, rollups, selectors, services, sessions
from nqtrack.dissemination.access import can_manage_unit
from nqtrack.dissemination.api_common import (
    DryRunSerializer,
    ImportInputSerializer,
    ImportJobSerializer,
    dry_run_response,
    job_response,
    org_field,
    request_user,
    scope_fields,
)
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    AudienceGroup,
    Exemption,
    ImportJob,
    ImportKind,
    Member,
    Speaker,
    StudyPlan,
    StudySession,
)
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import access_document_by_id
from nqtrack.organizations.models import Level, Organization, User


def _user(request: Request) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


def _subtree_filter(qs: QuerySet[Any], request: Request, field: str) -> QuerySet[Any]:
    """?organization=CODE keeps rows of that organization's subtree (one the user sees)."""
    code = request.query_params.get("organization")
    if not code:
        return qs
    org = selectors.access_rollup_root(_user(request), code)
    return qs.filter(**{f"{field}__path__startswith": org.path})


# Members ---------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    organization = org_field(help_text="Code of the member's cell or organization.")
    exemptions = serializers.ListField(
        child=serializers.ChoiceField(choices=Exemption.choices),
        required=False,
        help_text="Exemption codes. over_age is computed from the birth date and the "
        "configured threshold; it is ignored on input.",
    )
    mandatory = serializers.SerializerMethodField(
        help_text="True when the member must write essays (no exemption today)."
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "code",
            "full_name",
            "organization",
            "birth_date",
            "sex",
            "posts",
            "exemptions",
            "mandatory",
        ]
        extra_kwargs = {"code": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",))

    def to_representation(self, instance: Member) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["exemptions"] = selectors.member_exemptions(instance)
        return data

    def get_mandatory(self, instance: Member) -> bool:
        return not selectors.member_exemptions(instance)


class MemberImportSerializer(ImportInputSerializer):
    organization = org_field(
        required=False, help_text="Scope of the import; defaults to the user's organization."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",))


class MemberViewSet(viewsets.ModelViewSet):
    """Party members of the user's subtree, by code. ?organization=CODE (subtree), ?q=."""

    serializer_class = MemberSerializer
    queryset = MemberSerializer.Meta.model.objects.none()  # for the schema
    lookup_field = "code"
    ordering_fields = ["code", "full_name", "birth_date"]

    def get_queryset(self) -> QuerySet[Member]:
        qs = _subtree_filter(
            selectors.members_visible_to(_user(self.request)), self.request, "organization"
        )
        q = self.request.query_params.get("q", "").strip()
        if q:
            qs = qs.filter(Q(code__icontains=q) | Q(full_name__icontains=q))
        return qs

    def get_object(self) -> Member:
        return selectors.access_member_by_code(_user(self.request), self.kwargs["code"])

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.member_create(
            by=_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.member_update(
            by=_user(self.request), member=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Member) -> None:
        services.member_delete(by=_user(self.request), member=instance)

    @extend_schema(
        request={"multipart/form-data": MemberImportSerializer},
        responses={200: DryRunSerializer, 202: ImportJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_members(self, request: Request) -> Response:
        """Import members from XLSX/CSV: a dry run lists bad rows; otherwise an import job
        writes every row or none (202 with the job to follow)."""
        body = MemberImportSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        user = _user(request)
        scope = body.validated_data.get("organization") or user.organization
        if scope is None:
            raise field_error("organization", _("Choose the organization."))
        upload = body.validated_data["file"]
        if body.validated_data["dry_run"]:
            report = importing.members_import_check(
                by=user, scope=scope, upload=upload, filename=upload.name
            )
            return dry_run_response(report)
        job = jobs.start_import_job(
            by=user,
            kind=ImportKind.MEMBERS,
            organization=scope,
            upload=upload,
            filename=upload.name,
        )
        return job_response(job, request)


# Speakers, audience groups, plans --------------------------------------------------------


class SpeakerSerializer(serializers.ModelSerializer):
    organization = org_field()

    class Meta:
        model = Speaker
        fields = ["id", "full_name", "title", "organization", "phone", "notes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",))


class SpeakerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Lecturers (báo cáo viên) of the user's subtree and of the committees above it."""

    serializer_class = SpeakerSerializer
    queryset = SpeakerSerializer.Meta.model.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[Speaker]:
        return selectors.speakers_visible_to(_user(self.request))

    def get_object(self) -> Speaker:
        return selectors.access_speaker_by_id(_user(self.request), self.kwargs["pk"])

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.speaker_create(
            by=_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.speaker_update(
            by=_user(self.request), speaker=serializer.instance, **serializer.validated_data
        )


class AudienceGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = AudienceGroup
        fields = ["slug", "name"]


class AudienceGroupViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Audience groups sessions and plans are held for (data, set by administrators)."""

    serializer_class = AudienceGroupSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[AudienceGroup]:
        return selectors.audience_groups()


class PlanTargetSerializer(serializers.Serializer):
    level = serializers.SlugRelatedField(
        slug_field="slug", queryset=Level.objects.all(), required=False, allow_null=True
    )
    organization = org_field(required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organization",))


class StudyPlanSerializer(serializers.ModelSerializer):
    document = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none())
    owner = org_field(help_text="The committee that issues the plan.")
    targets = PlanTargetSerializer(many=True, required=False)
    audiences = serializers.SlugRelatedField(
        slug_field="slug", queryset=AudienceGroup.objects.all(), many=True, required=False
    )
    speakers = serializers.PrimaryKeyRelatedField(
        queryset=Speaker.objects.none(), many=True, required=False
    )

    class Meta:
        model = StudyPlan
        fields = [
            "id",
            "document",
            "owner",
            "kind",
            "title",
            "outline",
            "due_on",
            "targets",
            "audiences",
            "speakers",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("owner",), docs=("document",))
        user = request_user(self)
        if user is not None:
            self.fields["speakers"].child_relation.queryset = selectors.speakers_visible_to(user)

    def to_representation(self, instance: StudyPlan) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["targets"] = [
            {
                "level": t.level.slug if t.level else None,
                "organization": t.organization.code if t.organization else None,
                "due_on": t.due_on.isoformat(),
            }
            for t in instance.targets.all()
        ]
        return data


def _plan_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "targets" in data:
        data["targets"] = [services.PlanTarget(**t) for t in data["targets"]]
    return data


class PlanUnitSerializer(serializers.Serializer):
    organization = serializers.CharField(source="organization.code")
    name = serializers.CharField(source="organization.name")
    due_on = serializers.DateField()
    held_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=rollups.PLAN_UNIT_STATES)


class StudyPlanViewSet(viewsets.ModelViewSet):
    """Plans to study (quán triệt) or disseminate (phổ biến) a document. ?document=ID."""

    serializer_class = StudyPlanSerializer
    queryset = StudyPlanSerializer.Meta.model.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[StudyPlan]:
        qs = selectors.plans_visible_to(_user(self.request))
        document = self.request.query_params.get("document")
        return qs.filter(document_id=document) if document and document.isdigit() else qs

    def get_object(self) -> StudyPlan:
        plan = selectors.access_plan_by_id(_user(self.request), self.kwargs["pk"])
        require_write(self.request, can_manage_unit(_user(self.request), plan.owner))
        return plan

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.study_plan_create(
            by=_user(self.request), **_plan_kwargs(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = _plan_kwargs(serializer.validated_data)
        data.pop("document", None)
        data.pop("owner", None)
        serializer.instance = services.study_plan_update(
            by=_user(self.request), plan=serializer.instance, **data
        )

    def perform_destroy(self, instance: StudyPlan) -> None:
        services.study_plan_delete(by=_user(self.request), plan=instance)

    @extend_schema(responses=PlanUnitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def units(self, request: Request, pk: str) -> Response:
        """Units the plan expects to hold a session, and whether they did by its date."""
        plan = self.get_object()
        user = _user(request)
        root = None if user.is_superuser else user.organization
        units = rollups.plan_units(plan, today=timezone.localdate(), root=root)
        return Response(PlanUnitSerializer(units, many=True).data)


# Sessions --------------------------------------------------------------------------------


class StudySessionSerializer(serializers.ModelSerializer):
    organizer = org_field()
    documents = serializers.PrimaryKeyRelatedField(queryset=Document.objects.none(), many=True)
    audience = serializers.SlugRelatedField(
        slug_field="slug", queryset=AudienceGroup.objects.all(), required=False, allow_null=True
    )
    speakers = serializers.PrimaryKeyRelatedField(
        queryset=Speaker.objects.none(), many=True, required=False
    )
    plan = serializers.PrimaryKeyRelatedField(
        queryset=StudyPlan.objects.none(), required=False, allow_null=True
    )
    connection_points = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    connection_point_names = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False
    )
    invite_members = serializers.BooleanField(
        default=True,
        write_only=True,
        help_text="Invite every member of the organizer's subtree (on creation).",
    )

    class Meta:
        model = StudySession
        fields = [
            "id",
            "organizer",
            "plan",
            "documents",
            "title",
            "held_on",
            "format",
            "connection_points",
            "connection_point_names",
            "audience",
            "speakers",
            "location",
            "notes",
            "invite_members",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_fields(self, orgs=("organizer",), docs=("documents",))
        user = request_user(self)
        if user is not None:
            self.fields["speakers"].child_relation.queryset = selectors.speakers_visible_to(user)
            self.fields["plan"].queryset = selectors.plans_visible_to(user)


class MemberCodesSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1)


class MarkSerializer(serializers.Serializer):
    member = serializers.CharField(max_length=40)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class MarksSerializer(serializers.Serializer):
    marks = MarkSerializer(many=True)


class AttendanceSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.code")
    full_name = serializers.CharField(source="member.full_name")
    organization = serializers.CharField(source="member.organization.code")

    class Meta:
        model = Attendance
        fields = ["member", "full_name", "organization", "status"]


class StatsSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    present = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    unrecorded = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="present / invited, 0–1")


def _members_by_code(user: User, codes: list[str]) -> list[Member]:
    found = {m.code: m for m in selectors.members_visible_to(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise field_error(
            "members",
            _("No party member has the code %(code)s.") % {"code": ", ".join(missing)},
        )
    return [found[c] for c in codes]


def _stats_response(session: StudySession) -> Response:
    stats = selectors.session_attendance_stats(session)
    return Response({**stats.__dict__, "rate": stats.rate})


class StudySessionViewSet(viewsets.ModelViewSet):
    """Study sessions organized in the user's subtree. ?document=ID, ?organization=CODE."""

    serializer_class = StudySessionSerializer
    queryset = StudySessionSerializer.Meta.model.objects.none()  # for the schema
    ordering_fields = ["held_on", "id"]

    def get_queryset(self) -> QuerySet[StudySession]:
        qs = _subtree_filter(
            selectors.sessions_visible_to(_user(self.request)), self.request, "organizer"
        )
        document = self.request.query_params.get("document")
        return qs.filter(documents=document) if document and document.isdigit() else qs

    def get_object(self) -> StudySession:
        return selectors.access_session_by_id(_user(self.request), self.kwargs["pk"])

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = sessions.study_session_create(
            by=_user(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        for fixed in ("organizer", "plan", "invite_members"):
            data.pop(fixed, None)
        serializer.instance = sessions.study_session_update(
            by=_user(self.request), session=serializer.instance, **data
        )

    def perform_destroy(self, instance: StudySession) -> None:
        sessions.study_session_delete(by=_user(self.request), session=instance)

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: DryRunSerializer, 202: ImportJobSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import-attendance")
    def import_attendance(self, request: Request, pk: str) -> Response:
        """Attendance from XLSX/CSV (member code; có mặt / vắng có lý do / vắng). A dry run
        lists bad rows; otherwise a job replaces the session's attendance, all or nothing."""
        session = self.get_object()
        body = ImportInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        user = _user(request)
        if body.validated_data["dry_run"]:
            report = importing.attendance_import_check(
                by=user, session=session, upload=upload, filename=upload.name
            )
            return dry_run_response(report)
        job = jobs.start_import_job(
            by=user,
            kind=ImportKind.ATTENDANCE,
            session=session,
            upload=upload,
            filename=upload.name,
        )
        return job_response(job, request)

    @extend_schema(responses=StatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request: Request, pk: str) -> Response:
        """Invited, present, excused, absent, not recorded, and the participation rate."""
        return _stats_response(self.get_object())

    @extend_schema(methods=["GET"], responses=AttendanceSerializer(many=True))
    @extend_schema(methods=["POST"], request=MarksSerializer, responses=StatsSerializer)
    @action(detail=True, methods=["get", "post"])
    def attendance(self, request: Request, pk: str) -> Response:
        """The invitation list with attendance (paginated); POST records a few members."""
        session = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.session_attendance(session))
            return self.get_paginated_response(AttendanceSerializer(page, many=True).data)
        body = MarksSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = _user(request)
        marks = body.validated_data["marks"]
        members = _members_by_code(user, [m["member"] for m in marks])
        sessions.attendance_record(
            by=user,
            session=session,
            marks={member: m["status"] for member, m in zip(members, marks, strict=True)},
        )
        return _stats_response(session)

    @extend_schema(request=MemberCodesSerializer, responses=StatsSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str) -> Response:
        """Add members (codes) to the invitation list."""
        session = self.get_object()
        body = MemberCodesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        members = _members_by_code(_user(request), body.validated_data["members"])
        sessions.session_invite(by=_user(request), session=session, members=members)
        return _stats_response(session)

    @extend_schema(request=MemberCodesSerializer, responses=StatsSerializer)
    @action(detail=True, methods=["post"])
    def uninvite(self, request: Request, pk: str) -> Response:
        """Remove members (codes) from the invitation list."""
        session = self.get_object()
        body = MemberCodesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        members = _members_by_code(_user(request), body.validated_data["members"])
        sessions.session_uninvite(by=_user(request), session=session, members=members)
        return _stats_response(session)


# Import jobs and roll-ups ----------------------------------------------------------------


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports into the user's subtree, with progress (processed / total) and row errors."""

    serializer_class = ImportJobSerializer
    queryset = ImportJobSerializer.Meta.model.objects.none()  # for the schema

    def get_queryset(self) -> QuerySet[ImportJob]:
        return selectors.import_jobs_visible_to(_user(self.request))

    def get_object(self) -> ImportJob:
        return selectors.access_import_job_by_id(_user(self.request), self.kwargs["pk"])


def rollup_data(result: rollups.Rollup, rates: dict[str, tuple[str, str]]) -> dict[str, Any]:
    def row(r: rollups.RollupRow) -> dict[str, Any]:
        return {
            "organization": r.key,
            "name": r.label,
            "own": r.own,
            **dict(sorted(r.counts.items())),
            **{name: r.rate(part, whole) for name, (part, whole) in rates.items()},
        }

    return {"total": row(result.total), "rows": [row(r) for r in result.rows]}


class RollupViewSet(viewsets.ViewSet):
    """dissemination/rollup/?org=CODE&document=ID[&on=YYYY-MM-DD]"""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", str, required=True, description="Organization code"),
            OpenApiParameter("document", int, required=True),
            OpenApiParameter("on", str, required=False, description="Day exemptions are read on"),
        ],
        responses={200: dict},
    )
    def list(self, request: Request) -> Response:
        """Study, essays and outreach of the organization's own members and of each direct
        subordinate with its whole subtree; drill down with a subordinate's code."""
        user = _user(request)
        code = request.query_params.get("org") or (
            user.organization.code if user.organization else ""
        )
        root: Organization = selectors.access_rollup_root(user, code)
        document = access_document_by_id(user, request.query_params.get("document", ""))
        on = serializers.DateField().to_internal_value(
            request.query_params.get("on") or timezone.localdate().isoformat()
        )
        study = rollups.study_rollup(root, document)
        essays = rollups.essay_rollup(root, document, on=on)
        outreach = rollups.outreach_rollup(root, document=document)
        return Response(
            {
                "organization": root.code,
                "document": document.pk,
                "on": on.isoformat(),
                "study": rollup_data(
                    study,
                    {"rate": ("attended", "invited"), "studied_rate": ("attended", "members")},
                ),
                "essays": rollup_data(essays, {"missing_rate": ("missing", "mandatory")}),
                "outreach": rollup_data(outreach, {}),
            }
        )


class EveryLevelViewSet(viewsets.ViewSet):
    """dissemination/rollup-every-level/?org=CODE&document=ID"""

    @extend_schema(
        parameters=[
            OpenApiParameter("org", str, required=True, description="Organization code"),
            OpenApiParameter("document", int, required=True),
        ],
        responses={200: dict},
    )
    def list(self, request: Request) -> Response:
        """Members, invited, attended and the participation rate of every unit of the
        organization's subtree (the whole tree below it at once), with each unit's parent."""
        user = _user(request)
        code = request.query_params.get("org") or (
            user.organization.code if user.organization else ""
        )
        root: Organization = selectors.access_rollup_root(user, code)
        document = access_document_by_id(user, request.query_params.get("document", ""))
        rows = rollups.study_rollup_every_level(root, document)
        parents = {r.organization_id: r.code for r in rows}
        return Response(
            {
                "organization": root.code,
                "document": document.pk,
                "units": [
                    {
                        "organization": r.code,
                        "name": r.name,
                        "parent": parents.get(r.parent_id or 0),
                        "depth": r.depth,
                        "members": r.members,
                        "invited": r.invited,
                        "attended": r.attended,
                        "rate": r.rate,
                    }
                    for r in rows
                ],
            }
        )


def register(router: DefaultRouter) -> None:
    """Add the study and dissemination endpoints to the /api/v1/ router."""
    from nqtrack.dissemination import api_essays

    router.register("members", MemberViewSet, basename="member")
    router.register("speakers", SpeakerViewSet, basename="speaker")
    router.register("audience-groups", AudienceGroupViewSet, basename="audience-group")
    router.register("study-plans", StudyPlanViewSet, basename="study-plan")
    router.register("study-sessions", StudySessionViewSet, basename="study-session")
    router.register("essays", api_essays.EssayViewSet, basename="essay")
    router.register("essay-questions", api_essays.EssayQuestionViewSet, basename="essay-question")
    router.register(
        "outreach-activities", api_essays.OutreachActivityViewSet, basename="outreach-activity"
    )
    router.register("import-jobs", ImportJobViewSet, basename="import-job")
    router.register("dissemination/rollup", RollupViewSet, basename="dissemination-rollup")
    router.register(
        "dissemination/rollup-every-level", EveryLevelViewSet, basename="dissemination-every-level"
    )
