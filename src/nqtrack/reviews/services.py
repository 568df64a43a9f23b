"""Writes on reviews: plans, scope, subordinate reports, meetings, approval, the issued report
and the follow-up; the survey. One transaction each; every change audited."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.documents import services as document_services
from nqtrack.documents.files import check_upload
from nqtrack.documents.models import Document, RelationKind, ReviewMilestone
from nqtrack.documents.selectors import documents_visible_to
from nqtrack.organizations.models import Organization, User
from nqtrack.reporting import services as reporting_services
from nqtrack.reviews.models import (
    FollowUp,
    MeetingFormat,
    MeetingKind,
    QuestionKind,
    Review,
    ReviewMeeting,
    ReviewScope,
    SurveyQuestion,
    SurveyResponse,
)
from nqtrack.reviews.selectors import milestones_between, previous_milestone_date, proposed_scope

AUDITED = (
    "lead_body",
    "plan_document",
    "plan_issued_on",
    "scope_decided_on",
    "approved_on",
    "report_document",
    "report_issued_on",
    "followup",
    "followup_document",
    "followup_on",
)


def can_run(by: User, committee: Organization) -> bool:
    """Office staff or administrators of the committee or of one above it."""
    return reporting_services.can_run(by, committee)


def _require(by: User, review: Review) -> None:
    if not can_run(by, review.committee):
        raise PermissionDenied(
            _("Only the office of the committee holding the review may do this.")
        )


def _visible(by: User, document: Document | None, field: str) -> None:
    if document is not None and not documents_visible_to(by).filter(pk=document.pk).exists():
        raise field_error(field, _("No such document."))


def _check_body(committee: Organization, body: Organization | None) -> None:
    if body is not None and not body.path.startswith(committee.path):
        raise field_error(
            "lead_body",
            _("%(body)s does not belong to %(committee)s.")
            % {"body": body.name, "committee": committee.name},
        )


def _not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise field_error(field, _("This date is in the future."))


@transaction.atomic
def review_create(
    *,
    by: User,
    milestone: ReviewMilestone,
    committee: Organization,
    lead_body: Organization | None = None,
) -> Review:
    """Open the review of one milestone of a document at one committee."""
    if not can_run(by, committee):
        raise PermissionDenied(_("You may not plan reviews for this committee."))
    _visible(by, milestone.document, "milestone")
    _check_body(committee, lead_body)
    if Review.objects.filter(milestone=milestone, committee=committee).exists():
        raise field_error(
            "milestone", _("%(committee)s already has this review.") % {"committee": committee.name}
        )
    review = Review.objects.create(
        milestone=milestone,
        document=milestone.document,
        committee=committee,
        lead_body=lead_body,
        created_by=by,
    )
    audit_record(actor=by, action="create", obj=review, organization=committee)
    return review


@dataclass(frozen=True)
class PlanResult:
    created: list[Review]
    existing: list[Review]


@transaction.atomic
def plan_generate(
    *,
    by: User,
    committee: Organization,
    start: datetime.date,
    end: datetime.date,
    lead_body: Organization | None = None,
) -> PlanResult:
    """Every review due between two dates (a congress term, or next year) for the committee's
    own documents and those it implements, created once; existing ones are left as they are."""
    if not can_run(by, committee):
        raise PermissionDenied(_("You may not plan reviews for this committee."))
    if end < start:
        raise field_error("end", _("The plan cannot end before it starts."))
    _check_body(committee, lead_body)
    visible = documents_visible_to(by)
    created, existing = [], []
    have = {
        r.milestone_id: r
        for r in Review.objects.filter(committee=committee).select_related("document")
    }
    for milestone in milestones_between(committee, start, end).filter(document__in=visible):
        if milestone.pk in have:
            existing.append(have[milestone.pk])
            continue
        created.append(
            Review.objects.create(
                milestone=milestone,
                document=milestone.document,
                committee=committee,
                lead_body=lead_body,
                created_by=by,
            )
        )
    audit_record(
        actor=by,
        action="plan_generate",
        obj=committee,
        organization=committee,
        changes={
            "period": [None, f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"],
            "created": [None, len(created)],
        },
    )
    return PlanResult(created=created, existing=existing)


def _save(by: User, review: Review, action: str, before: Mapping[str, Any]) -> Review:
    review.save()
    audit_record(
        actor=by,
        action=action,
        obj=review,
        organization=review.committee,
        changes=diff(before, snapshot(review, AUDITED)),
    )
    return review


@transaction.atomic
def review_set_lead(*, by: User, review: Review, lead_body: Organization | None) -> Review:
    _require(by, review)
    _check_body(review.committee, lead_body)
    before = snapshot(review, AUDITED)
    review.lead_body = lead_body
    return _save(by, review, "update", before)


@transaction.atomic
def review_record_plan(
    *, by: User, review: Review, plan_document: Document, issued_on: datetime.date | None = None
) -> Review:
    """The plan (kế hoạch) of the review, a registered document of the committee."""
    _require(by, review)
    _visible(by, plan_document, "plan_document")
    if plan_document.issuer_id != review.committee_id:
        raise field_error(
            "plan_document",
            _("The plan must be issued by %(committee)s.") % {"committee": review.committee.name},
        )
    before = snapshot(review, AUDITED)
    review.plan_document = plan_document
    review.plan_issued_on = issued_on or plan_document.signed_on
    return _save(by, review, "plan", before)


@transaction.atomic
def review_set_scope(
    *,
    by: User,
    review: Review,
    included: Sequence[Organization],
    excluded: Mapping[Organization, str] | None = None,
) -> list[ReviewScope]:
    """Choose the units that review and report. Every proposed unit left out needs a reason."""
    _require(by, review)
    excluded = dict(excluded or {})
    units = list(dict.fromkeys(included))
    if not units:
        raise field_error("included", _("Choose at least one unit to review and report."))
    committee = review.committee
    for unit in [*units, *excluded]:
        if unit.pk == committee.pk or not unit.path.startswith(committee.path):
            raise field_error(
                "included",
                _("%(name)s is not under %(committee)s.")
                % {"name": unit.name, "committee": committee.name},
            )
    proposed = {p.organization.pk: p for p in proposed_scope(review)}
    chosen = {u.pk for u in units}
    missing = [
        p.organization.name
        for pk, p in proposed.items()
        if pk not in chosen and not (excluded.get(p.organization) or "").strip()
    ]
    if missing:
        raise field_error(
            "excluded",
            _("Give the reason for leaving out: %(names)s.") % {"names": ", ".join(missing)},
        )
    review.scope.all().delete()
    rows = [
        ReviewScope(review=review, organization=u, included=True, proposed=u.pk in proposed)
        for u in units
    ] + [
        ReviewScope(
            review=review,
            organization=u,
            included=False,
            reason=reason.strip(),
            proposed=u.pk in proposed,
        )
        for u, reason in excluded.items()
        if u.pk not in chosen
    ]
    ReviewScope.objects.bulk_create(rows)
    before = snapshot(review, AUDITED)
    review.scope_decided_on = timezone.localdate()
    _save(by, review, "scope", before)
    return list(review.scope.select_related("organization"))


@transaction.atomic
def review_request_reports(
    *, by: User, review: Review, due_on: datetime.date, title: str = ""
) -> Review:
    """Ask the units in scope for their review reports, as a reporting round (completeness and
    timeliness as for self-review rounds)."""
    _require(by, review)
    if review.round is not None:
        raise ValidationError(_("The subordinate reports were already requested."))
    units = [
        s.organization for s in review.scope.filter(included=True).select_related("organization")
    ]
    if not units:
        raise ValidationError(_("Choose the scope first: the units that review and report."))
    if due_on > review.due_on:
        raise field_error(
            "due_on",
            _("Reports must come in by the review's due date (%(date)s).")
            % {"date": review.due_on.strftime("%d/%m/%Y")},
        )
    rnd = reporting_services.round_create(
        by=by,
        owner=review.committee,
        title=title.strip()
        or _("Reports for the %(kind)s of %(symbol)s")
        % {"kind": review.get_kind_display(), "symbol": review.document.symbol},
        period_start=previous_milestone_date(review.milestone),
        period_end=review.due_on,
        due_on=due_on,
        expected=units,
    )
    review.round = rnd
    review.save(update_fields=["round"])
    audit_record(
        actor=by,
        action="request_reports",
        obj=review,
        organization=review.committee,
        changes={"round": [None, rnd.pk], "due_on": [None, due_on]},
    )
    return review


@transaction.atomic
def review_add_meeting(
    *,
    by: User,
    review: Review,
    kind: str,
    held_on: datetime.date,
    format: str,
    participants: int = 0,
    connection_points: int = 0,
    note: str = "",
) -> ReviewMeeting:
    _require(by, review)
    if kind not in MeetingKind.values:
        raise field_error("kind", _("Choose a workshop or a conference."))
    if format not in MeetingFormat.values:
        raise field_error("format", _("Choose in person, online or both."))
    if format == MeetingFormat.IN_PERSON and connection_points:
        raise field_error("connection_points", _("An in-person meeting has no connection points."))
    meeting = ReviewMeeting.objects.create(
        review=review,
        kind=kind,
        held_on=held_on,
        format=format,
        participants=participants,
        connection_points=connection_points,
        note=note.strip(),
    )
    audit_record(
        actor=by,
        action="meeting",
        obj=review,
        organization=review.committee,
        changes={"meeting": [None, str(meeting)], "participants": [None, participants]},
    )
    return meeting


@transaction.atomic
def review_mark_draft(*, by: User, review: Review) -> Review:
    """The draft report was generated (the DOCX download)."""
    _require(by, review)
    review.draft_generated_at = timezone.now()
    review.save(update_fields=["draft_generated_at"])
    audit_record(actor=by, action="draft", obj=review, organization=review.committee)
    return review


@transaction.atomic
def review_approve(*, by: User, review: Review, approved_on: datetime.date) -> Review:
    """The committee (Ban Thường vụ / Ban Chấp hành) approved the report."""
    _require(by, review)
    _not_future(approved_on, "approved_on")
    before = snapshot(review, AUDITED)
    review.approved_on = approved_on
    return _save(by, review, "approve", before)


@transaction.atomic
def review_issue_report(
    *,
    by: User,
    review: Review,
    symbol: str,
    signed_on: datetime.date,
    title: str,
    upload: UploadedFile | None = None,
) -> Review:
    """Register the issued report (a BC of the committee) with its file, link it to the
    document by "reviews", and close the issuing stage (late when past the rule's days)."""
    _require(by, review)
    if upload is not None:  # a refused file writes nothing, not even the report's record
        check_upload(upload)
    if review.report_document_id is not None:
        raise ValidationError(_("The review report is already registered."))
    if review.approved_on is not None and signed_on < review.approved_on:
        raise field_error("signed_on", _("The report cannot be issued before it was approved."))
    _not_future(signed_on, "signed_on")
    report = document_services.document_register(
        by=by,
        issuer=review.committee,
        owner=review.committee,
        symbol=symbol,
        signed_on=signed_on,
        title=title,
        security_level=review.document.security_level,
    )
    if report.doc_type != "BC":
        raise field_error("symbol", _("A review report is a BÁO CÁO: its symbol reads “…-BC/…”."))
    if upload is not None:
        document_services.attachment_add(by=by, document=report, upload=upload)
    document_services.document_relate(
        by=by, source=report, kind=RelationKind.REVIEWS, target=review.document
    )
    before = snapshot(review, AUDITED)
    review.report_document = report
    review.report_issued_on = signed_on
    return _save(by, review, "issue_report", before)


@transaction.atomic
def review_follow_up(
    *,
    by: User,
    review: Review,
    followup: str,
    document: Document,
) -> Review:
    """After the review: a directive to continue, or a new document superseding the reviewed
    one (linked, which marks the old one superseded)."""
    _require(by, review)
    if followup not in FollowUp.values:
        raise field_error("followup", _("Choose how the review is followed up."))
    if review.report_issued_on is None:
        raise ValidationError(_("Register the issued review report first."))
    _visible(by, document, "followup_document")
    if document.pk == review.document_id:
        raise field_error("followup_document", _("Choose the new document, not the reviewed one."))
    if followup == FollowUp.SUPERSEDE:
        document_services.document_relate(
            by=by, source=document, kind=RelationKind.SUPERSEDES, target=review.document
        )
    before = snapshot(review, AUDITED)
    review.followup = followup
    review.followup_document = document
    review.followup_on = document.signed_on
    return _save(by, review, "follow_up", before)


# --- Survey -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    kind: str
    text: str
    options: Sequence[str] = ()


@transaction.atomic
def survey_set_questions(
    *, by: User, review: Review, questions: Sequence[Question]
) -> list[SurveyQuestion]:
    """Write the questionnaire; it cannot change once answers have come in."""
    _require(by, review)
    if review.responses.exists():
        raise ValidationError(_("Answers have come in: the questions can no longer change."))
    if not questions:
        raise field_error("questions", _("Write at least one question."))
    rows = []
    for n, q in enumerate(questions, start=1):
        options = [o.strip() for o in q.options if o.strip()]
        if q.kind not in QuestionKind.values:
            raise field_error("questions", _("Question %(n)s: unknown kind.") % {"n": n})
        if not q.text.strip():
            raise field_error("questions", _("Question %(n)s has no text.") % {"n": n})
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            raise field_error(
                "questions", _("Question %(n)s needs at least two options.") % {"n": n}
            )
        rows.append(
            SurveyQuestion(
                review=review,
                position=n,
                kind=q.kind,
                text=q.text.strip(),
                options=options if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
            )
        )
    review.questions.all().delete()
    SurveyQuestion.objects.bulk_create(rows)
    audit_record(
        actor=by,
        action="survey_questions",
        obj=review,
        organization=review.committee,
        changes={"questions": [None, len(rows)]},
    )
    return list(review.questions.all())


def _clean_answer(question: SurveyQuestion, value: Any) -> Any:
    n = question.position
    if value in (None, "", []):
        return None
    if question.kind == QuestionKind.SINGLE:
        if value not in question.options:
            raise field_error("answers", _("Question %(n)s: choose one of the options.") % {"n": n})
        return value
    if question.kind == QuestionKind.MULTIPLE:
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if any(v not in question.options for v in values):
            raise field_error("answers", _("Question %(n)s: choose among the options.") % {"n": n})
        return list(dict.fromkeys(values))
    if question.kind == QuestionKind.SCALE:
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise field_error("answers", _("Question %(n)s: give a score from 1 to 5.") % {"n": n})
        return score
    return str(value).strip()[:5000]


@transaction.atomic
def survey_respond(
    *,
    by: User,
    review: Review,
    organization: Organization,
    answers: Mapping[int, Any],
    respondent: str = "",
    from_paper: bool = False,
) -> SurveyResponse:
    """One respondent's answers: online by a user of a unit in scope, or copied from a paper
    form by the office (which may enter for any unit in scope)."""
    in_scope = review.scope.filter(organization=organization, included=True).exists()
    if not in_scope:
        raise field_error(
            "organization",
            _("%(name)s is not in the scope of this review.") % {"name": organization.name},
        )
    office = can_run(by, review.committee)
    own = by.organization is not None and organization.path.startswith(by.organization.path)
    if not office and not (own and by.role != "viewer"):
        raise PermissionDenied(_("You may not answer for this unit."))
    if from_paper and not office:
        raise field_error("from_paper", _("Only the office enters paper forms."))
    questions = {q.pk: q for q in review.questions.all()}
    if not questions:
        raise ValidationError(_("This review has no survey."))
    unknown = [k for k in answers if int(k) not in questions]
    if unknown:
        raise field_error("answers", _("Unknown question(s): %(ids)s.") % {"ids": unknown})
    clean = {}
    for pk, question in questions.items():
        value = _clean_answer(question, answers.get(pk, answers.get(str(pk))))  # type: ignore[call-overload]
        if value is not None:
            clean[str(pk)] = value
    if not clean:
        raise field_error("answers", _("Answer at least one question."))
    response = SurveyResponse.objects.create(
        review=review,
        organization=organization,
        respondent=respondent.strip()[:200],
        from_paper=from_paper,
        answers=clean,
        submitted_by=by,
    )
    audit_record(
        actor=by,
        action="survey_response",
        obj=review,
        organization=organization,
        changes={"response": [None, response.pk], "from_paper": [None, from_paper]},
    )
    return response
