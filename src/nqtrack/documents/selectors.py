"""Reads of the registry, scoped to the user's organization subtree and clearance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.text import fold_words, search_terms
from nqtrack.documents.models import (
    Document,
    DocumentStatus,
    Relation,
    RelationKind,
    ReviewMilestone,
)
from nqtrack.documents.search import words_match
from nqtrack.documents.similarity import rank_closest
from nqtrack.organizations.models import Organization, SecurityLevel, User


def _visible_filter(user: User, prefix: str = "") -> Q:
    org = user.organization
    if org is None:
        return Q(pk__in=[])
    return (
        Q(**{f"{prefix}owner__path__in": org.ancestor_paths()})
        | Q(**{f"{prefix}owner__path__startswith": org.path})
    ) & Q(**{f"{prefix}security_level__in": SecurityLevel.up_to(user.clearance)})


def documents_visible_to(user: User) -> QuerySet[Document]:
    """Documents kept by the user's organization, its ancestors or its subtree, up to clearance.

    Ancestors' registries hold what binds the user (central and provincial documents);
    a sibling's registry is not visible.
    """
    qs = Document.objects.select_related("issuer", "issuer__level", "owner")
    if user.is_superuser:
        return qs
    return qs.filter(_visible_filter(user))


def documents_managed_by(user: User) -> QuerySet[Document]:
    qs = documents_visible_to(user)
    if user.is_superuser:
        return qs
    if not user.can_manage_documents or user.organization is None:
        return qs.none()
    return qs.filter(owner__path__startswith=user.organization.path)


def access_document_by_id(user: User, document_id: int | str) -> Document:
    """The document if the user may see it; 404 both when missing and when hidden."""
    try:
        return documents_visible_to(user).get(pk=int(document_id))
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such document.")) from None


def document_search(qs: QuerySet[Document], query: str) -> QuerySet[Document]:
    """Documents whose symbol, title or text have every word of the query as a whole word,
    ignoring diacritics and case, through the search index (documents/search.py); phrase and
    exact-diacritic matches are ranked first (`search_rank`).
    """
    terms = search_terms(query)
    if not terms:
        return qs
    qs = qs.filter(words_match(terms))
    phrase = fold_words(query)
    return qs.annotate(
        search_rank=Case(
            When(title__icontains=query.strip(), then=Value(3)),
            When(search_text__contains=phrase, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def documents_in_force(user: User) -> QuerySet[Document]:
    return documents_visible_to(user).filter(status=DocumentStatus.IN_FORCE)


@dataclass(frozen=True)
class CloseDocument:
    document: Document
    score: float
    higher_level: bool  # the close document was issued by a higher level than the new one


def similar_documents(
    user: User,
    *,
    title: str,
    text: str = "",
    issuer: Organization | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[CloseDocument]:
    """The visible documents closest in subject, flagging those of a higher level."""
    qs = documents_visible_to(user)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    candidates = list(qs.values_list("id", "title", "full_text")[:5000])
    ranked = rank_closest(title, text, candidates, limit=limit)
    by_id = qs.in_bulk([doc_id for doc_id, _score in ranked])
    rank = issuer.level.rank if issuer is not None else None
    return [
        CloseDocument(
            document=by_id[doc_id],
            score=score,
            higher_level=rank is not None and by_id[doc_id].issuer.level.rank < rank,
        )
        for doc_id, score in ranked
    ]


def _held(prefix: str = "") -> Exists:
    """Whether a review report of the milestone's document was signed since its plan date."""
    return Exists(
        Relation.objects.filter(
            kind=RelationKind.REVIEWS,
            target_id=OuterRef(f"{prefix}document_id"),
            source__signed_on__gte=OuterRef(f"{prefix}plan_due_on"),
        )
    )


def milestones_visible_to(user: User) -> QuerySet[ReviewMilestone]:
    qs = ReviewMilestone.objects.select_related(
        "document", "document__issuer", "document__issuer__level"
    ).annotate(held=_held())
    if user.is_superuser:
        return qs
    return qs.filter(_visible_filter(user, prefix="document__"))


def review_calendar(
    user: User,
    *,
    start: datetime.date,
    end: datetime.date,
    issuer: str | None = None,
    field: str | None = None,
) -> QuerySet[ReviewMilestone]:
    """Reviews due in [start, end] of documents in force, by due date."""
    qs = milestones_visible_to(user).filter(
        due_on__gte=start, due_on__lte=end, document__status=DocumentStatus.IN_FORCE
    )
    if issuer:
        qs = qs.filter(document__issuer__code=issuer)
    if field:
        qs = qs.filter(document__fields__slug=field)
    return qs.order_by("due_on", "document__symbol").distinct()


def overdue_plans(user: User, *, today: datetime.date | None = None) -> QuerySet[ReviewMilestone]:
    """Reviews whose plan should already be issued (plan date passed) and not yet held."""
    today = today or timezone.localdate()
    return (
        milestones_visible_to(user)
        .filter(
            ~_held(),
            plan_due_on__lt=today,
            due_on__gte=today,
            document__status=DocumentStatus.IN_FORCE,
        )
        .order_by("plan_due_on")
    )


def overdue_reviews(user: User, *, today: datetime.date | None = None) -> QuerySet[ReviewMilestone]:
    """Reviews whose due date passed without a review report registered."""
    today = today or timezone.localdate()
    return (
        milestones_visible_to(user)
        .filter(
            ~_held(),
            due_on__lt=today,
            document__status=DocumentStatus.IN_FORCE,
        )
        .order_by("due_on")
    )


def documents_by_symbol(user: User, symbol: str) -> list[Document]:
    """Visible documents with this symbol (any accepted spelling), newest first."""
    from nqtrack.documents.symbols import SymbolError, parse_symbol

    try:
        canonical = parse_symbol(symbol).symbol
    except SymbolError:
        return []
    return list(documents_visible_to(user).filter(symbol=canonical).order_by("-signed_on"))


def organizations_matching_abbreviation(user: User, abbreviation: str) -> Organization | None:
    """The organization a header's issuer part most likely names: the nearest one to the user.

    Abbreviations repeat across the tree ("TU" in every province), so prefer the user's own
    ancestors, then their subtree.
    """
    from nqtrack.organizations.selectors import organizations_visible_to

    candidates = [
        o
        for o in organizations_visible_to(user).filter(valid_to__isnull=True)
        if o.abbreviation.upper() == abbreviation.upper()
        or abbreviation.upper().startswith(o.abbreviation.upper() + "-")
    ]
    if not candidates:
        return None
    org = user.organization
    ancestors = set(org.ancestor_paths()) if org else set()
    candidates.sort(key=lambda o: (o.path not in ancestors, -o.depth))
    return candidates[0]


def implementing_documents(document: Document) -> list[int]:
    """The document and those that implement it (action programmes, plans): their tasks are
    the document's tasks."""
    return [
        document.pk,
        *Relation.objects.filter(target=document, kind=RelationKind.IMPLEMENTS).values_list(
            "source_id", flat=True
        ),
    ]
