"""Who holds a review rule, which rule governs a document, and who may change it.

The national defaults (one per level, no owner) are held by the top of the tree: only its
administrators (and superusers) change them. Where configuration allows it
(`NQTRACK_LOCAL_REVIEW_RULES`), a committee's administrators may hold a rule of their own
for a level, which governs the documents issued within their subtree at that level; the
nearest owner above the issuer wins. Nobody changes a rule held above their own organization.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from nqtrack.core.audit import audit_record, audit_refusal, diff, snapshot
from nqtrack.core.errors import PermissionDenied, ValidationError, field_error
from nqtrack.documents.models import Document, ReviewRule
from nqtrack.organizations.models import Level, Organization, User

RULE_FIELDS = (
    "interim_years",
    "final_years",
    "plan_lead_months",
    "finalize_days",
    "reviewed_types",
)


def local_rules_allowed() -> bool:
    return bool(getattr(settings, "NQTRACK_LOCAL_REVIEW_RULES", True))


def review_rule_for(issuer: Organization) -> ReviewRule | None:
    """The rule that governs documents of this issuer: the nearest owner's, else national."""
    rules = ReviewRule.objects.filter(level_id=issuer.level_id)
    if not local_rules_allowed():
        return rules.filter(owner__isnull=True).first()
    own_paths = [*issuer.ancestor_paths(), issuer.path]
    candidates = list(
        rules.filter(Q(owner__isnull=True) | Q(owner__path__in=own_paths)).select_related("owner")
    )
    if not candidates:
        return None
    return max(candidates, key=lambda r: len(r.owner.path) if r.owner is not None else -1)


def rules_visible_to(user: User) -> QuerySet[ReviewRule]:
    """The national defaults, and the rules held by organizations the user can see."""
    qs = ReviewRule.objects.select_related("level", "owner")
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None:
        return qs.filter(owner__isnull=True)
    return qs.filter(
        Q(owner__isnull=True)
        | Q(owner__path__startswith=org.path)
        | Q(owner__path__in=org.ancestor_paths())
    )


def holds_national_rules(user: User) -> bool:
    """The top of the tree holds the national defaults."""
    if user.is_superuser:
        return True
    org = user.organization
    return user.can_administer and org is not None and org.parent_id is None


def rule_manageable_by(user: User, rule: ReviewRule) -> bool:
    if user.is_superuser:
        return True
    if not user.can_administer or user.organization is None:
        return False
    if rule.owner is None:
        return holds_national_rules(user)
    return rule.owner.path.startswith(user.organization.path)


def access_rule(user: User, *, level: str, owner_code: str | None = None) -> ReviewRule:
    """The national rule of a level, or the one `owner_code` holds; 404 when not visible."""
    qs = rules_visible_to(user).filter(level__slug=level)
    qs = qs.filter(owner__code=owner_code) if owner_code else qs.filter(owner__isnull=True)
    rule = qs.first()
    if rule is None:
        raise Http404(_("No such review rule."))
    return rule


def refuse(by: User, obj: ReviewRule | User, what: str) -> PermissionDenied:
    """Audit the refusal (in its own transaction, so that it stays) and return the error."""
    message = _("You may not change this review rule: it is held above your own organization.")
    audit_refusal(actor=by, obj=obj, what=what, reason=message)
    return PermissionDenied(message)


def _clean_values(rule: ReviewRule, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key not in RULE_FIELDS:
            raise ValueError(f"not updatable: {key}")
        setattr(rule, key, value)
    if rule.final_years <= rule.interim_years:
        raise field_error("final_years", _("The final review must come after the interim one."))
    if rule.final_years < 1:
        raise field_error(
            "final_years", _("The final review must be at least one year after signing.")
        )
    rule.reviewed_types = sorted(
        dict.fromkeys(str(t).strip() for t in rule.reviewed_types if str(t).strip())
    )


def _governed_documents(rule: ReviewRule) -> QuerySet[Document]:
    qs = Document.objects.filter(issuer__level=rule.level)
    if rule.owner is not None:
        qs = qs.filter(issuer__path__startswith=rule.owner.path)
    return qs.select_related("issuer").prefetch_related("overrides")


def _reschedule(rule: ReviewRule) -> int:
    from nqtrack.documents.services import document_schedule_refresh

    count = 0
    for document in _governed_documents(rule):
        document_schedule_refresh(document)
        count += 1
    return count


def review_rule_update(*, by: User, rule: ReviewRule, **values: Any) -> int:
    """Change a rule and recompute every document it governs; returns how many."""
    if not by.can_administer:
        raise PermissionDenied(_("Only administrators may change review rules."))
    if not rule_manageable_by(by, rule):
        raise refuse(by, rule, str(rule))
    with transaction.atomic():
        return _update(by, rule, values)


def _update(by: User, rule: ReviewRule, values: dict[str, Any]) -> int:
    before = snapshot(rule, RULE_FIELDS)
    _clean_values(rule, values)
    rule.save()
    changes = diff(before, snapshot(rule, RULE_FIELDS))
    if changes:
        audit_record(actor=by, action="update", obj=rule, organization=rule.owner, changes=changes)
    return _reschedule(rule)


def review_rule_create(
    *, by: User, owner: Organization, level: Level, **values: Any
) -> tuple[ReviewRule, int]:
    """A committee's own rule for the documents issued in its subtree at `level`."""
    if not local_rules_allowed():
        raise PermissionDenied(_("This installation uses the national review rules only."))
    if not by.can_administer:
        raise PermissionDenied(_("Only administrators may change review rules."))
    if not by.is_superuser and (
        by.organization is None or not owner.path.startswith(by.organization.path)
    ):
        raise refuse(by, by, f"{level} ({owner})")
    with transaction.atomic():
        return _create(by, owner, level, values)


def _create(
    by: User, owner: Organization, level: Level, values: dict[str, Any]
) -> tuple[ReviewRule, int]:
    if level.rank < owner.level.rank:
        raise field_error(
            "level",
            _("%(org)s issues no documents at the level “%(level)s”.")
            % {"org": owner, "level": level},
        )
    national = ReviewRule.objects.filter(level=level, owner__isnull=True).first()
    rule = ReviewRule(level=level, owner=owner)
    if national is not None:
        for key in RULE_FIELDS:
            setattr(rule, key, getattr(national, key))
    missing = [k for k in RULE_FIELDS if national is None and k not in values]
    if missing:  # nothing to copy from: the committee gives every value itself
        raise ValidationError({k: [_("This field is required.")] for k in missing})
    _clean_values(rule, values)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise field_error(
            "level", _("%(org)s already has a rule for this level.") % {"org": owner}
        ) from None
    audit_record(
        actor=by,
        action="create",
        obj=rule,
        organization=owner,
        changes={k: [None, getattr(rule, k)] for k in RULE_FIELDS},
    )
    return rule, _reschedule(rule)


def review_rule_delete(*, by: User, rule: ReviewRule) -> int:
    """Remove a committee's own rule: its documents follow the rule above again."""
    if rule.owner is None:
        raise PermissionDenied(_("The national default rules cannot be deleted."))
    if not by.can_administer or not rule_manageable_by(by, rule):
        raise refuse(by, rule, str(rule))
    with transaction.atomic():
        return _delete(by, rule)


def _delete(by: User, rule: ReviewRule) -> int:
    owner, level = rule.owner, rule.level
    assert owner is not None
    audit_record(
        actor=by,
        action="delete",
        obj=rule,
        organization=owner,
        changes={k: [getattr(rule, k), None] for k in RULE_FIELDS},
    )
    rule.delete()
    return _reschedule(ReviewRule(level=level, owner=owner))
