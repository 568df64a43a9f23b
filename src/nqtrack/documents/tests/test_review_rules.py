"""Who holds a review rule and who may change it, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from nqtrack.core.errors import PermissionDenied, ValidationError
from nqtrack.core.models import AuditEvent
from nqtrack.documents import review_rules
from nqtrack.documents.models import ReviewRule
from nqtrack.organizations.models import Level, Role
from nqtrack.testing import UserFactory, register

D = dt.date
pytestmark = pytest.mark.django_db


def test_a_commune_administrator_cannot_change_the_central_rule_and_the_refusal_is_audited(tree):
    commune_admin = UserFactory(organization=tree.xa, role=Role.ADMIN)
    central = ReviewRule.objects.get(level__slug="central", owner__isnull=True)
    doc = register(tree.province_office, "05-CT/TW", tree.tw, D(2016, 5, 15), owner=tree.tu)
    before = [m.due_on for m in doc.milestones.all()]
    with pytest.raises(PermissionDenied):
        review_rules.review_rule_update(by=commune_admin, rule=central, interim_years=1)
    central.refresh_from_db()
    assert central.interim_years == 5
    assert [m.due_on for m in doc.milestones.all()] == before
    assert AuditEvent.objects.filter(actor=commune_admin, action="refused").count() == 1


def test_the_nearest_committee_rule_governs_and_others_keep_the_national_one(tree):
    province = Level.objects.get(slug="province")
    commune = Level.objects.get(slug="commune")
    review_rules.review_rule_create(
        by=tree.province_admin, owner=tree.tu, level=commune, interim_years=2, final_years=4
    )
    assert review_rules.review_rule_for(tree.xa).owner == tree.tu
    assert review_rules.review_rule_for(tree.tu).owner is None
    assert review_rules.review_rule_for(tree.tu2).owner is None
    commune_admin = UserFactory(organization=tree.xa, role=Role.ADMIN)
    review_rules.review_rule_create(
        by=commune_admin, owner=tree.xa, level=commune, interim_years=1, final_years=3
    )
    assert review_rules.review_rule_for(tree.xa).owner == tree.xa
    # The commune may not touch the rule its province holds, nor set one above its level.
    provincial = ReviewRule.objects.get(owner=tree.tu)
    with pytest.raises(PermissionDenied):
        review_rules.review_rule_update(by=commune_admin, rule=provincial, interim_years=1)
    with pytest.raises(ValidationError):
        review_rules.review_rule_create(
            by=commune_admin, owner=tree.xa, level=province, interim_years=1, final_years=3
        )
    with pytest.raises(PermissionDenied):
        review_rules.review_rule_create(
            by=tree.province_admin, owner=tree.tu2, level=province, interim_years=1, final_years=3
        )


def test_a_second_rule_of_the_same_committee_and_level_is_refused_with_a_message(tree):
    commune = Level.objects.get(slug="commune")
    review_rules.review_rule_create(by=tree.province_admin, owner=tree.tu, level=commune)
    with pytest.raises(ValidationError) as exc:
        review_rules.review_rule_create(by=tree.province_admin, owner=tree.tu, level=commune)
    assert "level" in exc.value.message_dict


def test_configuration_can_keep_national_rules_only(tree, settings):
    settings.NQTRACK_LOCAL_REVIEW_RULES = False
    with pytest.raises(PermissionDenied):
        review_rules.review_rule_create(
            by=tree.province_admin, owner=tree.tu, level=Level.objects.get(slug="commune")
        )


def test_a_rule_for_a_level_without_national_default_needs_every_value(tree):
    cell = Level.objects.get(slug="cell")
    assert not ReviewRule.objects.filter(level=cell, owner__isnull=True).exists()
    with pytest.raises(ValidationError) as exc:
        review_rules.review_rule_create(by=tree.province_admin, owner=tree.tu, level=cell)
    assert set(exc.value.message_dict) == set(review_rules.RULE_FIELDS)
    rule, _count = review_rules.review_rule_create(
        by=tree.province_admin,
        owner=tree.tu,
        level=cell,
        interim_years=1,
        final_years=2,
        plan_lead_months=1,
        finalize_days=10,
        reviewed_types=["NQ"],
    )
    assert (rule.interim_years, rule.final_years) == (1, 2)
