"""The demo province loads through the services and shows each part of the product."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nqtrack.demo.loader import demo_load
from nqtrack.documents.models import ReviewMilestone
from nqtrack.oversight.selectors import milestone_oversight
from nqtrack.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_the_demo_plans_this_and_next_years_reviews_and_supervises_a_resolution():
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), tick=False):
        counts = demo_load()
    assert counts["organizations"] >= 50 and counts["documents"] >= 30
    reviews = Review.objects.filter(committee__code="LC-TU")
    assert counts["reviews"] == reviews.count() > 0
    assert all(dt.date(2026, 1, 1) <= r.due_on <= dt.date(2027, 12, 31) for r in reviews)
    interim = ReviewMilestone.objects.get(document__symbol="24-NQ/TU", kind="interim")
    assert milestone_oversight(interim).covered


def test_the_demo_ward_has_studied_resolution_57_with_essays():
    from nqtrack.dissemination.rollups import essay_rollup, study_rollup
    from nqtrack.documents.models import Document
    from nqtrack.organizations.models import Organization

    with time_machine.travel(dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC), tick=False):
        counts = demo_load()
    assert counts["members"] == 36
    province = Organization.objects.get(code="LC-TU")
    resolution = Document.objects.get(symbol="57-NQ/TW")
    study = study_rollup(province, resolution).total
    assert study["invited"] == 36 and 0 < study["attended"] < 36
    essays = essay_rollup(province, resolution, on=dt.date(2026, 11, 22)).total
    assert essays["written"] == 24 and essays["yeu"] >= 1 and essays["rewrite"] >= 1
