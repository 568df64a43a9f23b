"""Reads of reviews: scoped lists, the proposed scope, stages, plans and the roll-up below."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.assignments.models import ProgrammeRequirement, Task
from nqtrack.documents.models import Document, RelationKind, ReviewMilestone
from nqtrack.documents.review_rules import review_rule_for
from nqtrack.documents.selectors import documents_visible_to, implementing_documents
from nqtrack.organizations.models import Organization, User
from nqtrack.reporting.selectors import local_date, round_stats
from nqtrack.reviews.models import MeetingKind, QuestionKind, Review, SurveyQuestion
from nqtrack.reviews.stages import ReviewDates, Stage, current_stage, review_stages

DEFAULT_FINALIZE_DAYS = 10


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Reviews held by the user's subtree or by a committee above it, of documents the user may
    see (a commune sees the province's review it reports to, and its own)."""
    qs = Review.objects.select_related("document", "committee", "lead_body", "milestone")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.none()
    parts = [p for p in org.path.split("/") if p]
    above = Q(committee__path__in=["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))])
    return qs.filter(
        Q(committee__path__startswith=org.path) | above,
        document__in=documents_visible_to(user),
    )


def access_review(user: User, review_id: int | str) -> Review:
    try:
        return reviews_visible_to(user).get(pk=int(review_id))
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such review.")) from None


@dataclass(frozen=True)
class ScopeProposal:
    organization: Organization
    tasks: int
    programme_required: bool

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.tasks:
            out.append(_("%(n)s task(s) from this document") % {"n": self.tasks})
        if self.programme_required:
            out.append(_("must issue an action programme"))
        return out


def proposed_scope(review: Review) -> list[ScopeProposal]:
    """The subordinate units that lead tasks of the document (or of the programmes implementing
    it) or must issue a programme for it: the ones the review should hear from. The seeds object
    to asking everyone."""
    committee = review.committee
    docs = implementing_documents(review.document)
    below = Q(path__startswith=committee.path) & ~Q(pk=committee.pk)
    counts = Counter(
        Task.objects.filter(source_document_id__in=docs, lead__path__startswith=committee.path)
        .exclude(lead=committee)
        .values_list("lead_id", flat=True)
    )
    required = set(
        ProgrammeRequirement.objects.filter(document=review.document).values_list(
            "organization_id", flat=True
        )
    )
    units = Organization.objects.filter(below, pk__in=set(counts) | required).order_by("path")
    return [
        ScopeProposal(
            organization=o, tasks=counts.get(o.pk, 0), programme_required=o.pk in required
        )
        for o in units
    ]


def finalize_days(document: Document) -> int:
    rule = review_rule_for(document.issuer)
    return rule.finalize_days if rule else DEFAULT_FINALIZE_DAYS


def previous_milestone_date(milestone: ReviewMilestone) -> datetime.date:
    """Start of the period a review covers: the previous milestone, or the signing date."""
    earlier = (
        ReviewMilestone.objects.filter(
            document_id=milestone.document_id, due_on__lt=milestone.due_on
        )
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    return earlier or milestone.document.signed_on


def oversight_done_on(review: Review) -> datetime.date | None:
    """End of the supervision (interim) or inspection (final) covering the document in the
    period before the review, from the oversight app."""
    if not apps.is_installed("nqtrack.oversight"):
        return None
    from nqtrack.oversight.models import OversightRound
    from nqtrack.oversight.selectors import milestone_oversight

    check = milestone_oversight(review.milestone)
    if not check.covered:
        return None
    ends = OversightRound.objects.filter(pk__in=check.round_ids).values_list(
        "period_end", flat=True
    )
    return max(ends, default=None)


def review_dates(review: Review) -> ReviewDates:
    meetings = [m.held_on for m in review.meetings.all() if m.kind == MeetingKind.CONFERENCE]
    meetings = meetings or [m.held_on for m in review.meetings.all()]
    answered = review.responses.order_by("submitted_at").values_list("submitted_at", flat=True)
    first_answer = answered.first()
    reports_due = reports_done = None
    if review.round is not None:
        reports_due = review.round.due_on
        stats = round_stats(review.round, today=timezone.localdate())
        if stats.expected and stats.submitted == stats.expected:
            last = review.round.submissions.order_by("-submitted_at").first()
            reports_done = local_date(last.submitted_at) if last and last.submitted_at else None
    return ReviewDates(
        kind=review.kind,
        due_on=review.due_on,
        plan_due_on=review.plan_due_on,
        finalize_days=finalize_days(review.document),
        plan_issued_on=review.plan_issued_on,
        oversight_on=oversight_done_on(review),
        scope_decided_on=review.scope_decided_on,
        has_survey=review.questions.exists(),
        survey_answered_on=local_date(first_answer) if first_answer else None,
        reports_due_on=reports_due,
        reports_complete_on=reports_done,
        draft_on=local_date(review.draft_generated_at) if review.draft_generated_at else None,
        meeting_on=min(meetings) if meetings else None,
        approved_on=review.approved_on,
        issued_on=review.report_issued_on,
        followup_on=review.followup_on,
    )


def stages_of(review: Review, *, today: datetime.date) -> list[Stage]:
    return review_stages(review_dates(review), today=today)


@dataclass(frozen=True)
class SubordinateReview:
    organization: Organization
    review: Review | None
    stage: Stage | None  # the current stage; None when all done or no review yet


def subordinate_reviews(review: Review, *, today: datetime.date) -> list[SubordinateReview]:
    """Each unit in the review's scope (or, with no scope yet, each direct subordinate
    committee) with its own review of the same document and the stage it has reached."""
    units = [
        s.organization for s in review.scope.filter(included=True).select_related("organization")
    ]
    if not units:
        units = list(
            Organization.objects.filter(parent=review.committee, valid_to__isnull=True).order_by(
                "name"
            )
        )
    theirs = {
        r.committee_id: r
        for r in Review.objects.filter(document=review.document, committee__in=units)
        .select_related("document", "committee", "milestone", "round")
        .order_by("milestone__due_on")
    }
    rows = []
    for unit in units:
        own = theirs.get(unit.pk)
        rows.append(
            SubordinateReview(
                organization=unit,
                review=own,
                stage=current_stage(stages_of(own, today=today)) if own else None,
            )
        )
    return rows


def committee_documents(committee: Organization) -> QuerySet[Document]:
    """The documents a committee reviews: its own, and those (usually central or provincial)
    it has implemented with a programme or plan of its own."""
    implemented = Document.objects.filter(
        incoming__kind=RelationKind.IMPLEMENTS,
        incoming__source__issuer=committee,
    ).values("pk")
    return Document.objects.filter(Q(issuer=committee) | Q(pk__in=implemented)).distinct()


def milestones_between(
    committee: Organization, start: datetime.date, end: datetime.date
) -> QuerySet[ReviewMilestone]:
    return (
        ReviewMilestone.objects.filter(
            document__in=committee_documents(committee), due_on__gte=start, due_on__lte=end
        )
        .select_related("document", "document__issuer")
        .order_by("due_on", "document__symbol")
    )


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    counts: list[tuple[str, int]]  # option (or score) → respondents choosing it
    average: float | None
    texts: list[str]


def survey_results(review: Review) -> tuple[int, list[QuestionResult]]:
    """The number of responses and, per question, the tabulated answers."""
    responses = list(review.responses.values_list("answers", flat=True))
    results = []
    for q in review.questions.all():
        values = [a[str(q.pk)] for a in responses if str(q.pk) in a]
        counts: list[tuple[str, int]] = []
        average = None
        texts: list[str] = []
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            tally: Counter[str] = Counter()
            for v in values:
                tally.update(v if isinstance(v, list) else [v])
            counts = [(o, tally[o]) for o in q.options]
        elif q.kind == QuestionKind.SCALE:
            tally = Counter(str(v) for v in values)
            counts = [(str(n), tally[str(n)]) for n in range(1, 6)]
            average = round(sum(int(v) for v in values) / len(values), 2) if values else None
        else:
            texts = [str(v) for v in values]
        results.append(QuestionResult(q, len(values), counts, average, texts))
    return len(responses), results
