"""Reads of oversight rounds: scoped lists, derived status, what blocks closing, and whether a
review milestone was preceded by the supervision or inspection it calls for."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nqtrack.documents.models import Document, ReviewKind, ReviewMilestone
from nqtrack.organizations.models import Organization, OrganizationKind, User
from nqtrack.oversight import status as pipeline
from nqtrack.oversight.models import (
    INSPECTION_KINDS,
    REMEDIABLE,
    SETTLED,
    SUPERVISION_KINDS,
    Finding,
    OversightRound,
    RemediationItem,
    Verification,
)


def committee_path(org: Organization) -> str:
    """The path of the committee an organization belongs to: an advisory body (the inspection
    commission, the office) acts for its parent committee; anything else for itself."""
    if org.kind == OrganizationKind.ADVISORY_BODY and org.parent_id is not None:
        return org.path[: org.path.rstrip("/").rfind("/") + 1]
    return org.path


def target_scope(conductor: Organization) -> QuerySet[Organization]:
    """Organizations a round by `conductor` may target: the conducting committee's subtree
    (the conductor's own when it is a committee), without the conductor and that committee."""
    scope = committee_path(conductor)
    return (
        Organization.objects.filter(path__startswith=scope)
        .exclude(path=scope)
        .exclude(pk=conductor.pk)
    )


def rounds_visible_to(user: User) -> QuerySet[OversightRound]:
    """Rounds conducted within the user's subtree, and rounds that target the subtree.

    A commune sees the province's round that inspects it; a sibling province sees nothing.
    """
    qs = OversightRound.objects.select_related("conductor", "conclusion")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.none()
    mine = Q(conductor__path__startswith=org.path) | Q(targets__path__startswith=org.path)
    return qs.filter(id__in=OversightRound.objects.filter(mine).values("id"))


def access_round_by_id(user: User, round_id: int | str) -> OversightRound:
    """The round if the user may see it; 404 both when missing and when hidden."""
    try:
        return rounds_visible_to(user).get(pk=int(round_id))
    except (OversightRound.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such oversight round.")) from None


def sees_whole_round(user: User, round: OversightRound) -> bool:
    """The conductor's subtree (and above) sees every target; a target sees its own subtree."""
    if user.is_superuser:
        return True
    org = user.organization
    return org is not None and round.conductor.path.startswith(org.path)


def with_status(qs: QuerySet[OversightRound], *, today: datetime.date) -> QuerySet[OversightRound]:
    """Annotate `status` in SQL, mirroring status.round_status, so lists can filter on it."""
    return qs.annotate(
        status=Case(
            When(closed_at__isnull=False, then=Value(pipeline.CLOSED)),
            When(conclusion__isnull=False, then=Value(pipeline.AWAITING_REMEDIATION)),
            When(period_start__gt=today, then=Value(pipeline.PLANNED)),
            default=Value(pipeline.IN_PROGRESS),
            output_field=CharField(),
        )
    )


def status_of(round: OversightRound, *, today: datetime.date) -> str:
    return pipeline.round_status(
        period_start=round.period_start,
        has_conclusion=round.conclusion_id is not None,
        closed=round.closed_at is not None,
        today=today,
    )


def _in_subtree(qs: QuerySet, user: User, round: OversightRound) -> QuerySet:
    if sees_whole_round(user, round):
        return qs
    if user.organization is None:
        return qs.none()
    return qs.filter(target__path__startswith=user.organization.path)


def findings_visible_in(round: OversightRound, user: User) -> QuerySet[Finding]:
    qs = Finding.objects.filter(round=round).select_related("target", "document", "created_by")
    return _in_subtree(qs, user, round)


def items_visible_in(round: OversightRound, user: User) -> QuerySet[RemediationItem]:
    qs = (
        RemediationItem.objects.filter(round=round)
        .select_related(
            "target", "finding", "task", "task__source_document", "task__lead", "verified_by"
        )
        .prefetch_related("files")
    )
    return _in_subtree(qs, user, round)


def targets_visible_in(round: OversightRound, user: User) -> QuerySet[Organization]:
    qs = round.targets.order_by("path")
    if sees_whole_round(user, round):
        return qs
    if user.organization is None:
        return qs.none()
    return qs.filter(path__startswith=user.organization.path)


@dataclass(frozen=True)
class TargetPlan:
    """Where a target stands: findings, remediation items, and whether its plan is late."""

    target: Organization
    findings: int
    needs_plan: bool  # it has a shortcoming or a violation
    items: int
    settled: int
    plan_overdue: bool  # needs a plan, has no item, and the plans' due date has passed


def target_plans(
    round: OversightRound, *, today: datetime.date, targets: Iterable[Organization] | None = None
) -> list[TargetPlan]:
    findings: dict[int, list[str]] = defaultdict(list)
    for target_id, kind in Finding.objects.filter(round=round).values_list("target_id", "kind"):
        findings[target_id].append(kind)
    items: dict[int, list[str]] = defaultdict(list)
    for target_id, verdict in RemediationItem.objects.filter(round=round).values_list(
        "target_id", "verification"
    ):
        items[target_id].append(verdict)
    rows = []
    for target in targets if targets is not None else round.targets.order_by("path"):
        needs = any(kind in REMEDIABLE for kind in findings[target.pk])
        mine = items[target.pk]
        rows.append(
            TargetPlan(
                target=target,
                findings=len(findings[target.pk]),
                needs_plan=needs,
                items=len(mine),
                settled=sum(1 for v in mine if v in SETTLED),
                plan_overdue=needs
                and not mine
                and round.remediation_due_on is not None
                and today > round.remediation_due_on,
            )
        )
    return rows


def closing_blockers(round: OversightRound) -> list[str]:
    """What stands between the round and closing, as sentences; empty when it may close.

    A round closes when its conclusion notice is registered, every target with a shortcoming or
    a violation has a remediation plan, and every remediation item is verified done or
    explicitly carried over.
    """
    blockers: list[str] = []
    if round.conclusion_id is None:
        blockers.append(_("The conclusion notice is not linked yet."))
    planned = set(RemediationItem.objects.filter(round=round).values_list("target_id", flat=True))
    owing = (
        round.targets.filter(
            pk__in=Finding.objects.filter(round=round, kind__in=REMEDIABLE).values("target_id")
        )
        .exclude(pk__in=planned)
        .order_by("path")
    )
    for target in owing:
        blockers.append(
            _("%(unit)s has shortcomings or violations but no remediation plan.")
            % {"unit": target.name}
        )
    open_items = (
        RemediationItem.objects.filter(round=round)
        .exclude(verification__in=SETTLED)
        .select_related("target", "task")
        .order_by("target__path", "id")
    )
    for item in open_items:
        values = {"unit": item.target.name, "task": item.task.text[:80]}
        if item.verification == Verification.NOT_DONE:
            text = _("%(unit)s: “%(task)s” was verified as not done.")
        else:
            text = _("%(unit)s: “%(task)s” is not verified yet.")
        blockers.append(text % values)
    return blockers


# --- The calendar warning: supervision before an interim review, inspection before a final one.

# What the review calendar shows next to a milestone without the oversight it calls for.
GAP_LABELS = {
    "supervision": gettext_lazy("not supervised"),
    "inspection": gettext_lazy("not inspected"),
}
GAP_EXPLANATION = gettext_lazy(
    "“not supervised”: no supervision round covered the document between its previous review "
    "(or its signing) and this interim review; “not inspected”: no inspection round before this "
    "final review."
)


@dataclass(frozen=True)
class OversightCheck:
    """Whether a review milestone was preceded by the oversight it calls for.

    `window_start` is the previous milestone of the same document (any kind), or the document's
    signing date; `window_end` is the milestone's due date. A round counts when it covers the
    document, is of the required kind (supervision, regular or thematic, before an interim
    review; inspection before a final one), its period overlaps the window, and it was conducted
    on the same line of the tree as the committee that holds the review: that committee, one
    above it or one below it. The committee holding a review is the committee of the document's
    registry; an advisory body (UBKT, office) stands for its parent committee on both sides.
    The check ignores who looks: it says whether such a round exists, not what it found.
    """

    milestone: ReviewMilestone
    required: str  # "supervision" or "inspection"
    window_start: datetime.date
    window_end: datetime.date
    round_ids: list[int] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.round_ids)

    @property
    def label(self) -> str:
        """The badge of a gap: "not supervised" or "not inspected"."""
        return str(GAP_LABELS[self.required])


def _required(kind: str) -> tuple[str, frozenset[str]]:
    if kind == ReviewKind.FINAL:
        return "inspection", frozenset(INSPECTION_KINDS)
    return "supervision", frozenset(SUPERVISION_KINDS)


def _on_one_line(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def oversight_checks(milestones: Iterable[ReviewMilestone]) -> dict[int, OversightCheck]:
    """The check of every milestone, by milestone id, in a fixed number of queries."""
    milestones = list(milestones)
    if not milestones:
        return {}
    doc_ids = {m.document_id for m in milestones}
    docs = {d.pk: d for d in Document.objects.filter(pk__in=doc_ids).select_related("owner")}
    due_dates: dict[int, list[datetime.date]] = defaultdict(list)
    for doc_id, due_on in ReviewMilestone.objects.filter(document_id__in=doc_ids).values_list(
        "document_id", "due_on"
    ):
        due_dates[doc_id].append(due_on)
    links = OversightRound.documents.through.objects.filter(document_id__in=doc_ids).values_list(
        "document_id",
        "oversightround_id",
        "oversightround__kind",
        "oversightround__period_start",
        "oversightround__period_end",
        "oversightround__conductor__path",
        "oversightround__conductor__kind",
        "oversightround__conductor__parent_id",
    )
    rounds_by_doc: dict[int, list[tuple[int, str, datetime.date, datetime.date, str]]] = (
        defaultdict(list)
    )
    for doc_id, round_id, kind, start, end, path, org_kind, parent_id in links:
        conductor = Organization(path=path, kind=org_kind, parent_id=parent_id)
        rounds_by_doc[doc_id].append((round_id, kind, start, end, committee_path(conductor)))
    checks = {}
    for m in milestones:
        doc = docs[m.document_id]
        earlier = [d for d in due_dates[m.document_id] if d < m.due_on]
        start = max(earlier) if earlier else doc.signed_on
        required, kinds = _required(m.kind)
        holder = committee_path(doc.owner)
        found = sorted(
            round_id
            for round_id, kind, r_start, r_end, r_committee in rounds_by_doc[m.document_id]
            if kind in kinds
            and r_start <= m.due_on
            and r_end >= start
            and _on_one_line(r_committee, holder)
        )
        checks[m.pk] = OversightCheck(
            milestone=m, required=required, window_start=start, window_end=m.due_on, round_ids=found
        )
    return checks


def milestone_oversight(milestone: ReviewMilestone) -> OversightCheck:
    """The check of one milestone (see OversightCheck): what the reviews app asks."""
    return oversight_checks([milestone])[milestone.pk]


def oversight_gaps(milestones: Iterable[ReviewMilestone]) -> dict[int, OversightCheck]:
    """The milestones with no supervision / inspection before them, by milestone id."""
    return {pk: check for pk, check in oversight_checks(milestones).items() if not check.covered}
