"""Supervision before an interim review: the stage is done by it, and its findings fill the
appendix of the draft report."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nqtrack.oversight import services as oversight
from nqtrack.reviews.appendix import appendix_tables
from nqtrack.reviews.selectors import stages_of
from nqtrack.reviews.tests.helpers import NOW, TODAY, build_world

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_supervision_of_the_document_before_the_interim_review_closes_that_stage(tree):
    world = build_world(tree)
    oversight_stage = next(s for s in stages_of(world.review, today=TODAY) if s.key == "oversight")
    assert oversight_stage.done_on is None
    rnd = oversight.round_create(
        by=tree.province_office,
        kind="supervision",
        title="Giám sát chuyên đề chuyển đổi số",
        conductor=tree.tu,
        period_start=D(2026, 8, 1),
        period_end=D(2026, 9, 30),
        documents=[world.resolution],
        targets=[tree.xa],
    )
    oversight.finding_add(
        by=tree.province_office, round=rnd, target=tree.xa, kind="strength", text="Tốt"
    )
    oversight.finding_add(
        by=tree.province_office, round=rnd, target=tree.xa, kind="shortcoming", text="Chậm số hóa"
    )
    oversight_stage = next(s for s in stages_of(world.review, today=TODAY) if s.key == "oversight")
    assert (oversight_stage.done_on, oversight_stage.state) == (D(2026, 9, 30), "done")
    table = next(
        t
        for t in appendix_tables(world.review, tree.province_office, today=TODAY)
        if t.key == "oversight"
    )
    assert table.rows[0][1] == "Giám sát chuyên đề chuyển đổi số"
    assert table.rows[0][6:9] == [1, 1, 0]  # strengths, shortcomings, violations
    # An inspection does not count before an interim review; another province's does not either.
    assert "1 đợt giám sát, kiểm tra" in table.summary
