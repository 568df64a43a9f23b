"""Writes to the document registry. One transaction each, every change audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.core.text import fold_words
from nqtrack.core.versioning import version_claim
from nqtrack.documents import calendar, secrecy
from nqtrack.documents.files import check_upload, extract_text
from nqtrack.documents.models import (
    Attachment,
    Document,
    DocumentStatus,
    Field,
    Relation,
    RelationKind,
    ReviewKind,
    ReviewMilestone,
    ReviewOverride,
    ReviewRule,
    Urgency,
)
from nqtrack.documents.review_rules import review_rule_for, review_rule_update  # noqa: F401
from nqtrack.documents.symbols import PRINTED_NAMES, SymbolError, parse_symbol, resolve_doc_type
from nqtrack.organizations.models import Organization, SecurityLevel, User

AUDITED = (
    "owner",
    "issuer",
    "symbol",
    "type_name",
    "signed_on",
    "title",
    "security_level",
    "urgency",
    "valid_until",
    "status",
)
# The Party was founded in 1930: an earlier signing date is a typing error.
EARLIEST_SIGNING = datetime.date(1930, 2, 3)

Override = tuple[str, int, datetime.date]


def _can_manage(by: User, owner: Organization) -> bool:
    if by.is_superuser:
        return True
    return (
        by.can_manage_documents
        and by.organization is not None
        and owner.path.startswith(by.organization.path)
    )


can_manage = _can_manage  # for views and the API, which check before reading input


def _rule_values(rule: ReviewRule | None) -> calendar.RuleValues | None:
    if rule is None:
        return None
    return calendar.RuleValues(
        interim_years=rule.interim_years,
        final_years=rule.final_years,
        plan_lead_months=rule.plan_lead_months,
        finalize_days=rule.finalize_days,
        reviewed_types=frozenset(rule.reviewed_types),
    )


def document_schedule_refresh(document: Document) -> list[ReviewMilestone]:
    """Recompute and store the document's review milestones from its rule and overrides."""
    overrides = [(o.kind, o.sequence, o.due_on) for o in document.overrides.all()]
    computed = calendar.compute_schedule(
        signed_on=document.signed_on,
        doc_type=document.doc_type,
        rule=_rule_values(review_rule_for(document.issuer)),
        overrides=overrides,
    )
    # Updated in place, keyed by (kind, sequence): a review already opened on a milestone
    # (reviews.Review) keeps it and follows its new dates. A milestone the rule no longer
    # produces is removed, unless a review is under way on it.
    existing = {(m.kind, m.sequence): m for m in document.milestones.all()}
    kept = []
    for m in computed:
        row = existing.pop((m.kind, m.sequence), None) or ReviewMilestone(
            document=document, kind=m.kind, sequence=m.sequence
        )
        row.due_on, row.plan_due_on, row.overridden = m.due_on, m.plan_due_on, m.overridden
        row.save()
        kept.append(row)
    for gone in existing.values():
        if not gone.reviews.exists():
            gone.delete()
    return kept


def _symbol_parts(symbol: str, issuer: Organization, type_name: str) -> tuple[str, int, str]:
    try:
        parsed = parse_symbol(symbol)
    except SymbolError as exc:
        raise field_error(
            "symbol",
            _("“%(symbol)s”: %(reason)s") % {"symbol": symbol.strip(), "reason": _(str(exc))},
        ) from exc
    if issuer.abbreviation.upper() not in {p.upper() for p in (parsed.issuer, *parsed.issuers)}:
        raise field_error(
            "symbol",
            _("The symbol %(symbol)s is issued by “%(part)s”, but %(issuer)s signs as “%(abbr)s”.")
            % {
                "symbol": parsed.symbol,
                "part": parsed.issuer,
                "issuer": issuer.name,
                "abbr": issuer.abbreviation,
            },
        )
    return parsed.symbol, parsed.number, resolve_doc_type(parsed.doc_type, type_name or None)


def _check_overrides(overrides: Sequence[Override], signed_on: datetime.date) -> None:
    seen: set[tuple[str, int]] = set()
    for kind, sequence, due_on in overrides:
        if kind not in ReviewKind.values:
            raise field_error(
                "review_overrides", _("Unknown review kind: %(kind)s.") % {"kind": kind}
            )
        if sequence < 1:
            raise field_error("review_overrides", _("The review number must be 1 or more."))
        if due_on <= signed_on:
            raise field_error(
                "review_overrides", _("A review cannot be due on or before the signing date.")
            )
        if (kind, sequence) in seen:
            raise field_error("review_overrides", _("The same review is given twice."))
        seen.add((kind, sequence))


def _search_text(document: Document) -> str:
    extra = " ".join(a.extracted_text for a in document.attachments.all()) if document.pk else ""
    return fold_words(
        " ".join(
            [
                document.type_name,
                document.symbol,
                f"số {document.number}",
                document.title,
                document.full_text,
                extra,
            ]
        )
    )


def _validate(document: Document, by: User) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if document.signed_on > today:
        errors["signed_on"] = [_("The signing date cannot be in the future.")]
    elif document.signed_on < EARLIEST_SIGNING:
        errors["signed_on"] = [_("The signing date is before the Party was founded (1930).")]
    if not document.title.strip():
        errors["title"] = [_("The title (trích yếu) is required.")]
    if document.security_level not in SecurityLevel.values:
        errors["security_level"] = [_("Unknown security level.")]
    elif not by.is_superuser and document.security_level not in SecurityLevel.up_to(by.clearance):
        errors["security_level"] = [
            _("You cannot register a document above your own security clearance.")
        ]
    if document.urgency not in Urgency.values:
        errors["urgency"] = [_("Unknown urgency.")]
    if document.valid_until and document.valid_until < document.signed_on:
        errors["valid_until"] = [_("The validity cannot end before the signing date.")]
    if errors:
        raise ValidationError(errors)
    duplicate = Document.objects.filter(
        issuer=document.issuer, symbol=document.symbol, signed_on=document.signed_on
    ).exclude(pk=document.pk)
    existing = duplicate.select_related("owner").first()
    if existing is not None and not secrecy.may_know(by, existing):
        # The refusal says nothing of a document the user may not know: not its registry,
        # its security level or its title, only that this identity cannot be registered.
        raise field_error(
            "symbol",
            _(
                "This number, symbol and signing date cannot be registered here. "
                "If the document is missing for you, ask the office of its issuer."
            ),
        )
    if existing is not None:
        raise field_error(
            "symbol",
            _("Document %(symbol)s of %(issuer)s signed on %(date)s is already registered.")
            % {
                "symbol": document.symbol,
                "issuer": document.issuer.name,
                "date": document.signed_on.strftime("%d/%m/%Y"),
            },
        )


def _fields_from_slugs(slugs: Iterable[str]) -> list[Field]:
    slugs = list(dict.fromkeys(slugs))
    found = {f.slug: f for f in Field.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise field_error(
            "fields", _("Unknown field(s): %(slugs)s.") % {"slugs": ", ".join(unknown)}
        )
    return [found[s] for s in slugs]


@transaction.atomic
def attachment_stage(*, by: User, upload: UploadedFile) -> Attachment:
    """Store a checked file, not yet tied to a document (the form's pre-fill step)."""
    checked = check_upload(upload)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return Attachment.objects.create(
        file=upload,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        extracted_text=extract_text(data, checked.ext),
        uploaded_by=by,
    )


@transaction.atomic
def document_register(
    *,
    by: User,
    issuer: Organization,
    symbol: str,
    signed_on: datetime.date,
    title: str,
    owner: Organization | None = None,
    type_name: str = "",
    fields: Iterable[str] = (),
    security_level: str = SecurityLevel.NORMAL,
    urgency: str = Urgency.NORMAL,
    valid_until: datetime.date | None = None,
    full_text: str = "",
    review_overrides: Sequence[Override] = (),
    attachments: Sequence[Attachment] = (),
) -> Document:
    owner = owner or by.organization
    if owner is None or not _can_manage(by, owner):
        raise PermissionDenied(_("You may not register documents for this registry."))
    canonical, number, doc_type = _symbol_parts(symbol, issuer, type_name)
    document = Document(
        owner=owner,
        issuer=issuer,
        symbol=canonical,
        number=number,
        doc_type=doc_type,
        type_name=type_name.strip() or PRINTED_NAMES.get(doc_type, ""),
        signed_on=signed_on,
        title=" ".join(title.split()),
        security_level=security_level,
        urgency=urgency,
        valid_until=valid_until,
        full_text=full_text.strip(),
        created_by=by,
    )
    _validate(document, by)
    field_objs = _fields_from_slugs(fields)
    _check_overrides(review_overrides, signed_on)
    document.save()
    document.fields.set(field_objs)
    for attachment in attachments:
        if attachment.document_id is not None or attachment.uploaded_by_id != by.pk:
            raise field_error("attachments", _("That file was not uploaded by you for this form."))
        attachment.document = document
        attachment.save(update_fields=["document"])
    if not document.full_text:
        document.full_text = "\n".join(a.extracted_text for a in attachments).strip()
    document.search_text = _search_text(document)
    document.save(update_fields=["full_text", "search_text"])
    ReviewOverride.objects.bulk_create(
        ReviewOverride(document=document, kind=k, sequence=s, due_on=d)
        for k, s, d in review_overrides
    )
    document_schedule_refresh(document)
    after = snapshot(document, AUDITED)
    after["fields"] = [f.slug for f in field_objs]
    after["attachments"] = [a.original_name for a in attachments]
    audit_record(
        actor=by, action="create", obj=document, organization=owner, changes=diff({}, after)
    )
    return document


@transaction.atomic
def document_update(
    *,
    by: User,
    document: Document,
    fields: Iterable[str] | None = None,
    review_overrides: Sequence[Override] | None = None,
    expected_version: int | None = None,
    **values: Any,
) -> Document:
    """Change a document; `expected_version` (the version the user read) refuses a stale edit."""
    allowed = {
        "issuer",
        "symbol",
        "signed_on",
        "title",
        "type_name",
        "security_level",
        "urgency",
        "valid_until",
        "full_text",
    }
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not updatable here: {sorted(unknown)}")
    if not _can_manage(by, document.owner):
        raise PermissionDenied(_("You may not change this document."))
    version_claim(document, expected_version)
    before = snapshot(document, AUDITED)
    before["fields"] = sorted(document.fields.values_list("slug", flat=True))
    before["review_overrides"] = [
        f"{o.kind} {o.sequence} {o.due_on}" for o in document.overrides.all()
    ]
    symbol = values.pop("symbol", document.symbol)
    for key, value in values.items():
        setattr(document, key, value)
    document.symbol, document.number, document.doc_type = _symbol_parts(
        symbol, document.issuer, document.type_name
    )
    _validate(document, by)
    if fields is not None:
        document.fields.set(_fields_from_slugs(fields))
    if review_overrides is not None:
        _check_overrides(review_overrides, document.signed_on)
        document.overrides.all().delete()
        ReviewOverride.objects.bulk_create(
            ReviewOverride(document=document, kind=k, sequence=s, due_on=d)
            for k, s, d in review_overrides
        )
    document.search_text = _search_text(document)
    document.save()
    document_schedule_refresh(document)
    after = snapshot(document, AUDITED)
    after["fields"] = sorted(document.fields.values_list("slug", flat=True))
    after["review_overrides"] = [
        f"{o.kind} {o.sequence} {o.due_on}" for o in document.overrides.all()
    ]
    changes = diff(before, after)
    if changes:
        audit_record(
            actor=by, action="update", obj=document, organization=document.owner, changes=changes
        )
    return document


@transaction.atomic
def attachment_add(*, by: User, document: Document, upload: UploadedFile) -> Attachment:
    if not _can_manage(by, document.owner):
        raise PermissionDenied(_("You may not change this document."))
    version_claim(document, None)
    attachment = attachment_stage(by=by, upload=upload)
    attachment.document = document
    attachment.save(update_fields=["document"])
    document.search_text = _search_text(document)
    document.save(update_fields=["search_text"])
    audit_record(
        actor=by,
        action="attach",
        obj=document,
        organization=document.owner,
        changes={"attachments": [None, attachment.original_name]},
    )
    return attachment


@transaction.atomic
def document_delete(*, by: User, document: Document) -> None:
    if not _can_manage(by, document.owner):
        raise PermissionDenied(_("You may not delete this document."))
    if document.incoming.exists() or document.outgoing.exists():
        raise ValidationError(_("Remove this document's relations before deleting it."))
    audit_record(
        actor=by,
        action="delete",
        obj=document,
        organization=document.owner,
        changes=diff(snapshot(document, AUDITED), {}),
    )
    for attachment in document.attachments.all():
        attachment.file.delete(save=False)
    document.delete()


def _status_from_relations(document: Document) -> str:
    if document.incoming.filter(kind=RelationKind.SUPERSEDES).exists():
        return DocumentStatus.SUPERSEDED
    return DocumentStatus.IN_FORCE


def _set_status(by: User, document: Document) -> None:
    status = _status_from_relations(document)
    if status != document.status:
        before = document.status
        version_claim(document, None)
        document.status = status
        document.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=by,
            action="status",
            obj=document,
            organization=document.owner,
            changes={"status": [before, status]},
        )


@transaction.atomic
def document_relate(*, by: User, source: Document, kind: str, target: Document) -> Relation:
    """Record that `source` implements/supersedes/guides/reviews `target`."""
    if not _can_manage(by, source.owner):
        raise PermissionDenied(_("You may not change this document."))
    if kind not in RelationKind.values:
        raise field_error("kind", _("Unknown relation."))
    if source.pk == target.pk:
        raise field_error("target", _("A document cannot be related to itself."))
    if Relation.objects.filter(source=source, kind=kind, target=target).exists():
        raise field_error("target", _("This relation is already recorded."))
    if kind == RelationKind.SUPERSEDES and source.signed_on < target.signed_on:
        raise field_error("target", _("A document cannot supersede a later one."))
    relation = Relation.objects.create(source=source, kind=kind, target=target)
    audit_record(
        actor=by,
        action="relate",
        obj=source,
        organization=source.owner,
        changes={"relation": [None, f"{relation.get_kind_display()} {target.symbol}"]},
    )
    _set_status(by, target)
    return relation


@transaction.atomic
def document_unrelate(*, by: User, relation: Relation) -> None:
    if not _can_manage(by, relation.source.owner):
        raise PermissionDenied(_("You may not change this document."))
    source, target = relation.source, relation.target
    label = f"{relation.get_kind_display()} {target.symbol}"
    relation.delete()
    audit_record(
        actor=by,
        action="unrelate",
        obj=source,
        organization=source.owner,
        changes={"relation": [label, None]},
    )
    _set_status(by, target)
