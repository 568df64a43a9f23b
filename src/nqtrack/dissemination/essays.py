"""Writes of essays (bài thu hoạch): questions, grading, the rewrite loop, bulk score entry.

Grades come from rules.grade_for with the configured scale (conf.grade_scale). A Yếu essay
is rewritten until it reaches Trung bình; every attempt is kept and only the latest one says
whether a rewrite is still owed. One transaction per call, every change audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import ValidationError, field_error
from nqtrack.dissemination import conf
from nqtrack.dissemination.access import require_document, require_unit
from nqtrack.dissemination.models import Essay, EssayQuestion, Member
from nqtrack.dissemination.rules import grade_for, needs_rewrite, parse_score
from nqtrack.documents.models import Document
from nqtrack.organizations.models import Level, Organization, User

ESSAY_AUDITED = ("member", "document", "attempt", "score", "grade", "rewrite_required")


def score_error() -> str:
    return _("The score must be a number from 0 to 10 with at most one decimal.")


def clean_score(value: str | Decimal | float | int) -> Decimal:
    """The score as a Decimal with one decimal, or a field error on `score` (a 400 in the API)."""
    try:
        return parse_score(value)
    except ValueError:
        raise field_error("score", score_error()) from None


@transaction.atomic
def essay_question_create(
    *,
    by: User,
    document: Document,
    organization: Organization,
    text: str,
    level: Level | None = None,
) -> EssayQuestion:
    """A question members of `organization`'s subtree answer (only those at `level`, if
    given)."""
    require_unit(by, organization)
    require_document(by, document)
    if not text.strip():
        raise field_error("text", _("Write the question."))
    question = EssayQuestion.objects.create(
        document=document, organization=organization, level=level, text=text.strip()
    )
    audit_record(
        actor=by,
        action="create",
        obj=question,
        organization=organization,
        changes={"text": [None, question.text]},
    )
    return question


def _next_attempt_error(latest: Essay) -> str:
    return _(
        "%(name)s already has a passing essay on this document (attempt %(attempt)s, score "
        "%(score)s); correct that score instead of adding an attempt."
    ) % {"name": latest.member.full_name, "attempt": latest.attempt, "score": latest.score}


def _new_attempt(
    *,
    by: User,
    member: Member,
    document: Document,
    score: Decimal,
    graded_on: datetime.date,
    latest: Essay | None,
    question: EssayQuestion | None,
) -> Essay:
    grade = grade_for(score, conf.grade_scale())
    return Essay(
        member=member,
        document=document,
        question=question,
        attempt=latest.attempt + 1 if latest else 1,
        score=score,
        grade=grade,
        rewrite_required=needs_rewrite(grade),
        is_latest=True,
        graded_on=graded_on,
        graded_by=by,
    )


@transaction.atomic
def essay_grade(
    *,
    by: User,
    member: Member,
    document: Document,
    score: str | Decimal | float | int,
    graded_on: datetime.date | None = None,
    question: EssayQuestion | None = None,
) -> Essay:
    """Record a graded essay: the first attempt, or a rewrite after a Yếu grade.

    Exempted members may write too; their essays count in the grades but they are never
    counted as missing. A member whose latest essay passed gets a ValidationError: correct
    that essay with essay_correct_score instead.
    """
    require_unit(by, member.organization)
    require_document(by, document)
    value = clean_score(score)
    latest = (
        Essay.objects.select_for_update()
        .select_related("member")
        .filter(member=member, document=document, is_latest=True)
        .first()
    )
    if latest is not None and not latest.rewrite_required:
        raise field_error("score", _next_attempt_error(latest))
    essay = _new_attempt(
        by=by,
        member=member,
        document=document,
        score=value,
        graded_on=graded_on or timezone.localdate(),
        latest=latest,
        question=question,
    )
    if latest is not None:
        latest.is_latest = False
        latest.rewrite_required = False
        latest.save(update_fields=["is_latest", "rewrite_required"])
    essay.save()
    audit_record(
        actor=by,
        action="create",
        obj=essay,
        organization=member.organization,
        changes=diff({}, snapshot(essay, ESSAY_AUDITED)),
    )
    return essay


def _locked(essay: Essay) -> Essay:
    """The essay as stored now (another attempt may have been added since it was read)."""
    return (
        Essay.objects.select_for_update()
        .select_related("member", "member__organization", "document")
        .get(pk=essay.pk)
    )


@transaction.atomic
def essay_correct_score(*, by: User, essay: Essay, score: str | Decimal | float | int) -> Essay:
    """Correct the score of the latest attempt; its grade and rewrite flag follow."""
    essay = _locked(essay)
    require_unit(by, essay.member.organization)
    if not essay.is_latest:
        raise field_error("score", _("Only the latest attempt can be corrected."))
    before = snapshot(essay, ESSAY_AUDITED)
    essay.score = clean_score(score)
    essay.grade = grade_for(essay.score, conf.grade_scale())
    essay.rewrite_required = needs_rewrite(essay.grade)
    essay.graded_by = by
    essay.save(update_fields=["score", "grade", "rewrite_required", "graded_by"])
    changed = diff(before, snapshot(essay, ESSAY_AUDITED))
    if changed:
        audit_record(
            actor=by,
            action="update",
            obj=essay,
            organization=essay.member.organization,
            changes=changed,
        )
    return essay


@transaction.atomic
def essay_delete(*, by: User, essay: Essay) -> None:
    """Delete the latest attempt entered by mistake; the previous one becomes the latest."""
    essay = _locked(essay)
    require_unit(by, essay.member.organization)
    if not essay.is_latest:
        raise ValidationError(_("Only the latest attempt can be deleted."))
    audit_record(
        actor=by,
        action="delete",
        obj=essay,
        organization=essay.member.organization,
        changes=diff(snapshot(essay, ESSAY_AUDITED), {}),
    )
    previous = (
        Essay.objects.filter(
            member=essay.member, document=essay.document, attempt__lt=essay.attempt
        )
        .order_by("-attempt")
        .first()
    )
    essay.delete()
    if previous is not None:
        previous.is_latest = True
        previous.rewrite_required = needs_rewrite(previous.grade)
        previous.save(update_fields=["is_latest", "rewrite_required"])


# Bulk entry ------------------------------------------------------------------------------


@dataclass
class ScoreRow:
    line: int
    code: str
    score: Decimal | None = None
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "first", "rewrite" or "unchanged"


@dataclass
class ScoreEntry:
    """The outcome of checking (or entering) a list of scores: every row with its errors."""

    organization: Organization
    document: Document
    rows: list[ScoreRow]
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    @property
    def bad_rows(self) -> list[ScoreRow]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)


def essay_scores_check(
    *,
    by: User,
    organization: Organization,
    document: Document,
    scores: Sequence[tuple[int, str, str | Decimal | float | int]],
) -> ScoreEntry:
    """Check (line, member code, score) rows for members of `organization`'s subtree
    without writing anything. A row is a first attempt, a rewrite of a Yếu essay, or
    "unchanged" when the member's passing essay already has that score."""
    require_unit(by, organization)
    require_document(by, document)
    codes = {str(code).strip() for _line, code, _score in scores}
    members = {
        m.code: m
        for m in Member.objects.filter(
            code__in=list(codes), organization__path__startswith=organization.path
        )
    }
    latest = {
        e.member_id: e
        for e in Essay.objects.filter(
            document=document, is_latest=True, member__in=list(members.values())
        )
    }
    seen: dict[str, int] = {}
    rows: list[ScoreRow] = []
    for line, raw_code, raw_score in scores:
        code = str(raw_code).strip()
        row = ScoreRow(line=line, code=code)
        rows.append(row)
        if not code:
            row.errors.append(_("The member code is empty."))
        elif code in seen:
            row.errors.append(
                _("The member code %(code)s is repeated (first on line %(line)s).")
                % {"code": code, "line": seen[code]}
            )
        else:
            seen[code] = line
            if code not in members:
                row.errors.append(
                    _("No party member with the code %(code)s in %(organization)s.")
                    % {"code": code, "organization": organization.name}
                )
        try:
            row.score = parse_score(raw_score)
        except ValueError:
            row.errors.append(
                _("“%(value)s” is not a score from 0 to 10 with at most one decimal.")
                % {"value": raw_score}
            )
        member = members.get(code)
        if row.errors or member is None:
            continue
        previous = latest.get(member.pk)
        if previous is None:
            row.action = "first"
        elif previous.rewrite_required:
            row.action = "rewrite"
        elif previous.score == row.score:
            row.action = "unchanged"
        else:
            previous.member = member
            row.errors.append(_next_attempt_error(previous))
    return ScoreEntry(organization=organization, document=document, rows=rows)


@transaction.atomic
def essay_scores_apply(
    *, by: User, entry: ScoreEntry, graded_on: datetime.date | None = None
) -> ScoreEntry:
    """Write a checked entry: all rows or none. One audit event for the whole entry."""
    if not entry.ok:
        return entry
    graded_on = graded_on or timezone.localdate()
    rows = [r for r in entry.rows if r.action in ("first", "rewrite")]
    members = {m.code: m for m in Member.objects.filter(code__in=[r.code for r in rows])}
    latest = {
        e.member_id: e
        for e in Essay.objects.select_for_update().filter(
            document=entry.document, is_latest=True, member__in=list(members.values())
        )
    }
    new = []
    for row in rows:
        member = members[row.code]
        previous = latest.get(member.pk)
        if (previous is None) != (row.action == "first") or (
            previous is not None and not previous.rewrite_required
        ):
            raise ValidationError(
                _("Scores changed while you were entering them; check the list again.")
            )
        assert row.score is not None
        new.append(
            _new_attempt(
                by=by,
                member=member,
                document=entry.document,
                score=row.score,
                graded_on=graded_on,
                latest=previous,
                question=None,
            )
        )
    Essay.objects.filter(pk__in=[e.pk for e in latest.values()]).update(
        is_latest=False, rewrite_required=False
    )
    Essay.objects.bulk_create(new, batch_size=500)
    audit_record(
        actor=by,
        action="essay_scores",
        obj=entry.organization,
        organization=entry.organization,
        changes={
            "document": [None, entry.document.symbol],
            "first": [None, entry.count("first")],
            "rewrite": [None, entry.count("rewrite")],
            "unchanged": [None, entry.count("unchanged")],
        },
    )
    entry.written = True
    return entry


def essay_scores_enter(
    *,
    by: User,
    organization: Organization,
    document: Document,
    scores: Sequence[tuple[str, str | Decimal | float | int]],
    graded_on: datetime.date | None = None,
) -> ScoreEntry:
    """Enter the scores of a cell in one go: [(member code, score), …]. Nothing is written
    unless every row is valid; the entry lists each row's errors (lines count from 1)."""
    entry = essay_scores_check(
        by=by,
        organization=organization,
        document=document,
        scores=[(i, code, score) for i, (code, score) in enumerate(scores, start=1)],
    )
    return essay_scores_apply(by=by, entry=entry, graded_on=graded_on)
