"""Reads of study and dissemination, already scoped to what a user may see.

A user sees the members, sessions, essays and outreach of their organization's subtree, and
only for documents within their clearance (a session or essay about a document they may not
see does not exist for them). Study plans of the committees above them are visible too: a
commune must know the province's plan it has to carry out. Roll-ups are in rollups.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.dissemination import conf
from nqtrack.dissemination.models import (
    Attendance,
    AttendanceStatus,
    AudienceGroup,
    Essay,
    EssayQuestion,
    ImportJob,
    Member,
    OutreachActivity,
    Sex,
    Speaker,
    StudyPlan,
    StudySession,
)
from nqtrack.dissemination.rules import exemptions_of, latest_birth_date_over
from nqtrack.documents.models import Document
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.organizations.selectors import organizations_visible_to


def _org_filter(user: User, field: str, *, ancestors: bool = False) -> Q | None:
    """Q limiting `field` (an organization) to the user's subtree; None means no limit."""
    if user.is_superuser:
        return None
    org = user.organization
    if org is None:
        return Q(pk__in=[])
    mine = Q(**{f"{field}__path__startswith": org.path})
    if ancestors:
        mine |= Q(**{f"{field}__path__in": org.ancestor_paths()})
    return mine


def _hidden_documents(user: User) -> QuerySet[Document]:
    """Documents the user may not see (other registries, or above their clearance)."""
    return Document.objects.exclude(pk__in=documents_visible_to(user).values("pk"))


# Members ---------------------------------------------------------------------------------


def members_visible_to(user: User) -> QuerySet[Member]:
    """Members registered in the user's organization subtree."""
    qs = Member.objects.select_related("organization")
    scope = _org_filter(user, "organization")
    return qs if scope is None else qs.filter(scope)


def access_member_by_code(user: User, code: str) -> Member:
    """The member if the user may see them; 404 both when missing and when hidden."""
    try:
        return members_visible_to(user).get(code=code)
    except Member.DoesNotExist:
        raise Http404(_("No such party member.")) from None


def members_in(org: Organization) -> QuerySet[Member]:
    """Members of an organization and everything below it."""
    return Member.objects.filter(organization__path__startswith=org.path)


def over_age_q(on: datetime.date, prefix: str = "") -> Q:
    """Members who have reached the configured age threshold on `on` (see rules.is_over_age)."""
    thresholds = conf.age_thresholds()
    female = latest_birth_date_over(thresholds.female, on)
    male = latest_birth_date_over(thresholds.male, on)
    return Q(**{f"{prefix}sex": Sex.FEMALE, f"{prefix}birth_date__lte": female}) | (
        ~Q(**{f"{prefix}sex": Sex.FEMALE}) & Q(**{f"{prefix}birth_date__lte": male})
    )


def mandatory_q(on: datetime.date, prefix: str = "") -> Q:
    """Members obliged to write essays on `on`: no exemption flag and not over age."""
    flags = Q(
        **{
            f"{prefix}exempt_party_activities": False,
            f"{prefix}ill_health": False,
            f"{prefix}retired": False,
            f"{prefix}rural_no_post": False,
        }
    )
    return flags & ~over_age_q(on, prefix)


def member_exemptions(member: Member, *, on: datetime.date | None = None) -> list[str]:
    """Exemption codes of a member on a day (today by default), computed ones included."""
    return exemptions_of(
        flags=member.stored_exemptions,
        birth_date=member.birth_date,
        sex=member.sex,
        on=on or timezone.localdate(),
        thresholds=conf.age_thresholds(),
    )


def member_is_mandatory(member: Member, *, on: datetime.date | None = None) -> bool:
    """True when the member must write essays (no exemption on that day)."""
    return not member_exemptions(member, on=on)


# Plans, speakers, audience groups ---------------------------------------------------------


def audience_groups() -> QuerySet[AudienceGroup]:
    return AudienceGroup.objects.all()


def speakers_visible_to(user: User) -> QuerySet[Speaker]:
    """Speakers of the user's subtree and of the committees above it (who come to speak)."""
    qs = Speaker.objects.select_related("organization")
    scope = _org_filter(user, "organization", ancestors=True)
    return qs if scope is None else qs.filter(scope)


def access_speaker_by_id(user: User, speaker_id: int | str) -> Speaker:
    try:
        return speakers_visible_to(user).get(pk=int(speaker_id))
    except (Speaker.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such speaker.")) from None


def plans_visible_to(user: User) -> QuerySet[StudyPlan]:
    """Plans of the user's subtree and of the committees above it, for visible documents."""
    qs = StudyPlan.objects.select_related("document", "owner").prefetch_related(
        "targets", "targets__level", "targets__organization", "audiences", "speakers"
    )
    scope = _org_filter(user, "owner", ancestors=True)
    if scope is None:
        return qs
    return qs.filter(scope, document__in=documents_visible_to(user))


def access_plan_by_id(user: User, plan_id: int | str) -> StudyPlan:
    try:
        return plans_visible_to(user).get(pk=int(plan_id))
    except (StudyPlan.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such study plan.")) from None


# Sessions and attendance -----------------------------------------------------------------


def sessions_visible_to(user: User) -> QuerySet[StudySession]:
    """Sessions organized within the user's subtree, unless one of their documents is hidden
    from the user."""
    qs = StudySession.objects.select_related("organizer", "audience", "plan").prefetch_related(
        "documents", "speakers"
    )
    scope = _org_filter(user, "organizer")
    if scope is None:
        return qs
    return qs.filter(scope).exclude(documents__in=_hidden_documents(user))


def access_session_by_id(user: User, session_id: int | str) -> StudySession:
    try:
        return sessions_visible_to(user).get(pk=int(session_id))
    except (StudySession.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such study session.")) from None


def session_attendance(session: StudySession) -> QuerySet[Attendance]:
    """The invitation list with each member's attendance, by unit then name."""
    return (
        Attendance.objects.filter(session=session)
        .select_related("member", "member__organization")
        .order_by("member__organization__path", "member__full_name", "member__code")
    )


@dataclass(frozen=True)
class AttendanceStats:
    invited: int
    present: int
    excused: int
    absent: int
    unrecorded: int

    @property
    def rate(self) -> float | None:
        """Present / invited, 0–1; None when nobody is invited."""
        return self.present / self.invited if self.invited else None


def session_attendance_stats(session: StudySession) -> AttendanceStats:
    """Invited, present, excused, absent and not-yet-recorded members of one session."""
    counts = dict(
        Attendance.objects.filter(session=session)
        .values_list("status")
        .annotate(n=Count("*"))
        .values_list("status", "n")
    )
    return AttendanceStats(
        invited=sum(counts.values()),
        present=counts.get(AttendanceStatus.PRESENT, 0),
        excused=counts.get(AttendanceStatus.EXCUSED, 0),
        absent=counts.get(AttendanceStatus.ABSENT, 0),
        unrecorded=counts.get(AttendanceStatus.UNRECORDED, 0),
    )


# Essays ----------------------------------------------------------------------------------


def essays_visible_to(user: User) -> QuerySet[Essay]:
    """Every attempt of members in the user's subtree, on documents the user may see."""
    qs = Essay.objects.select_related("member", "member__organization", "document", "graded_by")
    scope = _org_filter(user, "member__organization")
    if scope is None:
        return qs
    return qs.filter(scope, document__in=documents_visible_to(user))


def access_essay_by_id(user: User, essay_id: int | str) -> Essay:
    try:
        return essays_visible_to(user).get(pk=int(essay_id))
    except (Essay.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such essay.")) from None


def essay_attempts(member: Member, document: Document) -> QuerySet[Essay]:
    """A member's attempts on a document, first to latest."""
    return Essay.objects.filter(member=member, document=document).order_by("attempt")


def latest_essay(member: Member, document: Document) -> Essay | None:
    return Essay.objects.filter(member=member, document=document, is_latest=True).first()


def essay_questions_visible_to(user: User) -> QuerySet[EssayQuestion]:
    """Questions set by the user's subtree or the committees above it, on visible documents."""
    qs = EssayQuestion.objects.select_related("document", "level", "organization")
    scope = _org_filter(user, "organization", ancestors=True)
    if scope is None:
        return qs
    return qs.filter(scope, document__in=documents_visible_to(user))


def essay_questions_for(document: Document, org: Organization) -> QuerySet[EssayQuestion]:
    """Questions that apply to a unit: set by it or a committee above it, for its level or for
    every level."""
    return EssayQuestion.objects.filter(
        Q(level__isnull=True) | Q(level=org.level_id),
        document=document,
        organization__path__in=org.ancestor_paths(),
    ).order_by("id")


# Outreach and imports --------------------------------------------------------------------


def outreach_visible_to(user: User) -> QuerySet[OutreachActivity]:
    qs = OutreachActivity.objects.select_related("organization", "document")
    scope = _org_filter(user, "organization")
    if scope is None:
        return qs
    return qs.filter(scope, document__in=documents_visible_to(user))


def access_outreach_by_id(user: User, activity_id: int | str) -> OutreachActivity:
    try:
        return outreach_visible_to(user).get(pk=int(activity_id))
    except (OutreachActivity.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such outreach activity.")) from None


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """Imports into the user's subtree (an office follows its units' imports too)."""
    qs = ImportJob.objects.select_related("organization", "created_by")
    scope = _org_filter(user, "organization")
    return qs if scope is None else qs.filter(scope)


def access_import_job_by_id(user: User, job_id: int | str) -> ImportJob:
    try:
        return import_jobs_visible_to(user).get(pk=int(job_id))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such import.")) from None


def access_rollup_root(user: User, code: str) -> Organization:
    """An organization the user may see figures of: their own or one below it (an ancestor
    is visible as context, but its figures include units outside the user's scope)."""
    try:
        org = organizations_visible_to(user).get(code=code)
    except Organization.DoesNotExist:
        raise Http404(_("No such organization.")) from None
    if not user.is_superuser and (
        user.organization is None or not org.path.startswith(user.organization.path)
    ):
        raise Http404(_("No such organization."))
    return org


def members_with_present_attendance(document: Document) -> Exists:
    """Subquery: the member (OuterRef pk) was present at a session covering the document."""
    return Exists(
        Attendance.objects.filter(
            member=OuterRef("pk"),
            status=AttendanceStatus.PRESENT,
            session__documents=document,
        )
    )
