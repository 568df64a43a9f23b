"""A review follows its milestone when the calendar changes, and is never lost by it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nqtrack.documents import services as document_services
from nqtrack.documents.models import ReviewMilestone, ReviewRule
from nqtrack.reviews.models import Review
from nqtrack.reviews.tests.helpers import NOW, build_world

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_fixed_interim_date_moves_the_open_review_with_it(tree):
    world = build_world(tree)
    document_services.document_update(
        by=tree.province_office,
        document=world.resolution,
        review_overrides=[("interim", 1, D(2027, 6, 30))],
    )
    review = Review.objects.get()
    assert review.milestone_id == world.milestone.pk  # the same milestone, updated in place
    assert (review.due_on, review.plan_due_on) == (D(2027, 6, 30), D(2027, 4, 30))


def test_a_rule_change_recomputes_the_dates_and_keeps_a_review_under_way(tree, national_admin):
    world = build_world(tree)
    rule = ReviewRule.objects.get(level=tree.tu.level)
    document_services.review_rule_update(by=national_admin, rule=rule, interim_years=2)
    assert Review.objects.get().due_on == D(2026, 1, 10)
    # Interim reviews abolished for the level: the milestone under review stays, the others go.
    document_services.review_rule_update(by=national_admin, rule=rule, interim_years=0)
    assert Review.objects.get().milestone.kind == "interim"
    assert set(
        ReviewMilestone.objects.filter(document=world.resolution).values_list("kind", flat=True)
    ) == {"interim", "final"}
    other = document_services.document_register(
        by=tree.province_office,
        issuer=tree.tu,
        symbol="11-NQ/TU",
        signed_on=D(2025, 1, 5),
        title="về một chủ đề khác",
    )
    assert list(other.milestones.values_list("kind", flat=True)) == ["final"]
