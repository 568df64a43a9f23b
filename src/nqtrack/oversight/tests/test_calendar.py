"""The calendar warning: supervision before an interim review, inspection before a final one."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from nqtrack.documents.models import ReviewMilestone
from nqtrack.oversight import services
from nqtrack.oversight.models import OversightRound, RoundKind
from nqtrack.oversight.selectors import (
    GAP_EXPLANATION,
    milestone_oversight,
    oversight_checks,
    oversight_gaps,
)
from nqtrack.oversight.tests.helpers import NOW, D, build_world
from nqtrack.testing import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def milestone(document, kind):
    return ReviewMilestone.objects.get(document=document, kind=kind)


def inspect(world, start, end, *, documents=None, conductor=None):
    return services.round_create(
        by=world.tree.province_office,
        kind=RoundKind.INSPECTION,
        title="Kiểm tra",
        conductor=conductor or world.ubkt,
        period_start=start,
        period_end=end,
        documents=documents or [world.resolution],
        targets=[world.tree.xa],
    )


def test_an_interim_review_preceded_by_supervision_is_covered_and_the_final_one_is_not(world):
    interim = milestone(world.resolution, "interim")
    final = milestone(world.resolution, "final")
    assert (interim.due_on, final.due_on) == (D(2026, 9, 1), D(2028, 9, 1))
    check = milestone_oversight(interim)
    assert check.covered and check.round_ids == [world.round.pk]
    assert (check.window_start, check.window_end) == (D(2023, 9, 1), D(2026, 9, 1))
    gap = milestone_oversight(final)
    assert not gap.covered and gap.required == "inspection"
    # The final review's period starts at the interim review: June 2026 is before it.
    assert (gap.window_start, gap.window_end) == (D(2026, 9, 1), D(2028, 9, 1))
    assert set(oversight_gaps([interim, final])) == {final.pk}


def test_an_inspection_counts_before_a_final_review_only_within_its_period(world):
    final = milestone(world.resolution, "final")
    inspect(world, D(2026, 5, 1), D(2026, 8, 31))  # before the interim review: not counted
    assert not milestone_oversight(final).covered
    late = inspect(world, D(2026, 8, 15), D(2026, 9, 30))  # overlaps the window
    assert milestone_oversight(final).round_ids == [late.pk]


def test_an_inspection_is_not_the_supervision_an_interim_review_needs(world):
    document = register(world.tree.province_office, "12-NQ/TU", world.tree.tu, D(2023, 10, 1))
    interim = milestone(document, "interim")
    inspect(world, D(2026, 6, 1), D(2026, 6, 30), documents=[document])
    check = milestone_oversight(interim)
    assert not check.covered and check.required == "supervision"
    services.round_create(
        by=world.tree.province_office,
        kind=RoundKind.REGULAR_SUPERVISION,
        title="Giám sát thường xuyên",
        conductor=world.tree.tu,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 12, 31),
        documents=[document],
        targets=[world.xb],
    )
    assert milestone_oversight(interim).covered


def test_only_rounds_on_the_holding_committees_line_count(world, tree):
    final = milestone(world.resolution, "final")
    # A sibling province's round on the same document does not prepare A-TU's review.
    sibling = OversightRound.objects.create(
        kind=RoundKind.INSPECTION,
        title="Kiểm tra ở tỉnh B",
        conductor=tree.tu2,
        period_start=D(2027, 1, 1),
        period_end=D(2027, 2, 1),
    )
    sibling.documents.set([world.resolution])
    assert not milestone_oversight(final).covered
    # A commune below A-TU inspecting the document does (a level below, same subtree), and so
    # does the central committee above it.
    below = OversightRound.objects.create(
        kind=RoundKind.INSPECTION,
        title="Kiểm tra ở xã",
        conductor=tree.xa,
        period_start=D(2027, 1, 1),
        period_end=D(2027, 2, 1),
    )
    below.documents.set([world.resolution])
    above = OversightRound.objects.create(
        kind=RoundKind.INSPECTION,
        title="Kiểm tra của Trung ương",
        conductor=tree.tw,
        period_start=D(2027, 3, 1),
        period_end=D(2027, 4, 1),
    )
    above.documents.set([world.resolution])
    assert milestone_oversight(final).round_ids == sorted([below.pk, above.pk])


def test_checking_many_milestones_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    for n in range(3):
        register(world.tree.province_office, f"2{n}-NQ/TU", world.tree.tu, D(2023, 11, 1 + n))
    milestones = list(ReviewMilestone.objects.select_related("document"))
    assert len(milestones) >= 8
    with django_assert_num_queries(3):  # documents, their milestones, the rounds covering them
        checks = oversight_checks(milestones)
    assert len(checks) == len(milestones)


def test_the_review_calendar_shows_which_reviews_lack_supervision_or_inspection(world):
    register(world.tree.province_office, "14-CT/TU", world.tree.tu, D(2024, 6, 1))
    client = Client()
    client.force_login(world.tree.commune_office)
    response = client.get("/van-ban/lich-so-ket-tong-ket/?start=01/01/2026&end=31/12/2028")
    assert response.status_code == 200
    html = response.content.decode()
    rows: dict[str, list[str]] = {}
    for row in html.split("<tr>"):
        for symbol in ("10-NQ/TU", "14-CT/TU"):
            if f">{symbol}</a>" in row:
                rows.setdefault(symbol, []).append(row)
    resolution_interim, resolution_final = rows["10-NQ/TU"]  # by due date
    assert "chưa giám sát" not in resolution_interim and "chưa kiểm tra" not in resolution_interim
    assert "chưa kiểm tra" in resolution_final
    assert "chưa giám sát" in rows["14-CT/TU"][0]
    with translation.override("vi"):
        legend = str(GAP_EXPLANATION)
    assert legend.startswith("“chưa giám sát”") and legend in html
