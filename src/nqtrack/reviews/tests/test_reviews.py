"""One review from plan to follow-up: scope proposed from tasks, reports as a round, the issued
report linked to the document, the survey, and the roll-up of the units below."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from nqtrack.core.models import AuditEvent
from nqtrack.documents.models import DocumentStatus, Relation
from nqtrack.reporting import services as reporting_services
from nqtrack.reviews import selectors, services
from nqtrack.reviews.models import Review
from nqtrack.reviews.tests.helpers import NOW, TODAY, build_world
from nqtrack.testing import register

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def stage(review, key, today=TODAY):
    return next(s for s in selectors.stages_of(review, today=today) if s.key == key)


def test_the_review_takes_its_dates_from_the_calendar_and_the_late_plan_shows(world):
    review = world.review
    assert (review.kind, review.due_on, review.plan_due_on) == (
        "interim",
        D(2027, 1, 10),
        D(2026, 11, 10),
    )
    assert stage(review, "plan").state == "overdue"
    with pytest.raises(ValidationError, match="đã có"):
        services.review_create(
            by=world.tree.province_office, milestone=world.milestone, committee=world.tree.tu
        )
    with pytest.raises(PermissionDenied):
        services.review_create(
            by=world.tree.commune_office, milestone=world.milestone, committee=world.tree.tu
        )


def test_the_plan_of_a_period_adds_each_due_review_once(world):
    office, tu = world.tree.province_office, world.tree.tu
    register(office, "09-NQ/TU", tu, D(2022, 3, 1))  # its final review is due 01/03/2027
    result = services.plan_generate(
        by=office, committee=tu, start=D(2027, 1, 1), end=D(2027, 12, 31)
    )
    assert [(r.document.symbol, r.kind) for r in result.created] == [("09-NQ/TU", "final")]
    assert [r.pk for r in result.existing] == [world.review.pk]
    again = services.plan_generate(
        by=office, committee=tu, start=D(2027, 1, 1), end=D(2027, 12, 31)
    )
    assert again.created == [] and len(again.existing) == 2
    assert AuditEvent.objects.filter(action="plan_generate").count() == 2


def test_the_scope_proposes_the_units_with_tasks_or_programmes_and_needs_reasons_to_leave_out(
    world,
):
    proposals = {p.organization.code: p for p in selectors.proposed_scope(world.review)}
    assert set(proposals) == {"A-XA", "A-CB1", "A-VPTU", "A-XB"}
    assert proposals["A-XB"].programme_required and proposals["A-XB"].tasks == 0
    assert proposals["A-CB1"].tasks == 1  # a task of the programme implementing the resolution
    office, tree = world.tree.province_office, world.tree
    with pytest.raises(ValidationError, match="Văn phòng Tỉnh ủy A"):
        services.review_set_scope(
            by=office, review=world.review, included=[tree.xa, tree.cb, world.xb]
        )
    assert not world.review.scope.exists()
    services.review_set_scope(
        by=office,
        review=world.review,
        included=[tree.xa, tree.cb, world.xb],
        excluded={tree.vptu: "Cơ quan tham mưu, tổng hợp chung"},
    )
    kept = {s.organization.code: (s.included, s.reason) for s in world.review.scope.all()}
    assert kept["A-VPTU"] == (False, "Cơ quan tham mưu, tổng hợp chung")
    assert stage(world.review, "scope").state == "done_late"  # chosen after the plan date


def test_reports_are_a_round_with_rates_and_complete_when_every_unit_reported(world):
    office, tree = world.tree.province_office, world.tree
    services.review_set_scope(
        by=office,
        review=world.review,
        included=[tree.xa, world.xb],
        excluded={tree.vptu: "x", tree.cb: "y"},
    )
    with pytest.raises(ValidationError, match="10/01/2027"):
        services.review_request_reports(by=office, review=world.review, due_on=D(2027, 2, 1))
    services.review_request_reports(by=office, review=world.review, due_on=D(2026, 12, 20))
    rnd = world.review.round
    assert set(rnd.expected.values_list("code", flat=True)) == {"A-XA", "A-XB"}
    assert rnd.period_start == D(2024, 1, 10) and rnd.period_end == D(2027, 1, 10)
    assert stage(world.review, "reports").state == "due_soon"  # due in 28 days
    for unit in (tree.xa, world.xb):
        reporting_services.submission_submit(by=office, round=rnd, organization=unit, items=[])
    done = stage(world.review, "reports")
    assert (done.state, done.done_on) == ("done", TODAY)


def test_approval_then_the_issued_report_is_registered_as_a_bc_that_reviews_the_document(world):
    office = world.tree.province_office
    with pytest.raises(ValidationError):
        services.review_approve(by=office, review=world.review, approved_on=D(2026, 12, 1))
    services.review_approve(by=office, review=world.review, approved_on=D(2026, 11, 10))
    with pytest.raises(ValidationError, match="BC"):
        services.review_issue_report(
            by=office, review=world.review, symbol="77-KH/TU", signed_on=D(2026, 11, 20), title="x"
        )
    services.review_issue_report(
        by=office,
        review=world.review,
        symbol="88-BC/TU",
        signed_on=D(2026, 11, 21),
        title="Sơ kết 3 năm thực hiện Nghị quyết số 05-NQ/TU",
    )
    review = Review.objects.get()
    assert review.report_document.symbol == "88-BC/TU"
    assert Relation.objects.filter(
        source=review.report_document, kind="reviews", target=world.resolution
    ).exists()
    issued = stage(review, "issued")
    assert (issued.due_on, issued.state) == (D(2026, 11, 20), "done_late")  # 10 days after approval
    # Follow-up: a new resolution supersedes the reviewed one.
    new = register(office, "15-NQ/TU", world.tree.tu, D(2026, 11, 21))
    services.review_follow_up(by=office, review=review, followup="supersede", document=new)
    world.resolution.refresh_from_db()
    assert world.resolution.status == DocumentStatus.SUPERSEDED
    assert stage(review, "followup").state == "done"


def test_the_survey_is_answered_in_scope_and_tabulated(world):
    office, tree = world.tree.province_office, world.tree
    services.review_set_scope(
        by=office,
        review=world.review,
        included=[tree.xa],
        excluded={tree.vptu: "a", tree.cb: "b", world.xb: "c"},
    )
    q1, q2, q3 = services.survey_set_questions(
        by=office,
        review=world.review,
        questions=[
            services.Question("single", "Nghị quyết có phù hợp thực tiễn?", ["Có", "Không"]),
            services.Question("scale", "Mức độ hiệu quả"),
            services.Question("text", "Kiến nghị"),
        ],
    )
    services.survey_respond(
        by=tree.commune_office,
        review=world.review,
        organization=tree.xa,
        answers={q1.pk: "Có", q2.pk: "4"},
    )
    services.survey_respond(
        by=office,
        review=world.review,
        organization=tree.xa,
        answers={q1.pk: "Không", q2.pk: 2, q3.pk: "Tăng kinh phí"},
        from_paper=True,
    )
    with pytest.raises(ValidationError, match="từ 1 đến 5"):
        services.survey_respond(
            by=office, review=world.review, organization=tree.xa, answers={q2.pk: 9}
        )
    with pytest.raises(ValidationError):
        services.survey_respond(
            by=office, review=world.review, organization=world.xb, answers={q1.pk: "Có"}
        )
    count, results = selectors.survey_results(world.review)
    assert count == 2
    assert results[0].counts == [("Có", 1), ("Không", 1)]
    assert results[1].average == 3.0
    assert results[2].texts == ["Tăng kinh phí"]
    with pytest.raises(ValidationError):
        services.survey_set_questions(
            by=office, review=world.review, questions=[services.Question("text", "Mới")]
        )


def test_the_province_sees_each_unit_below_at_its_stage(world):
    office, tree = world.tree.province_office, world.tree
    commune_doc_milestone = world.milestone
    services.review_set_scope(
        by=office,
        review=world.review,
        included=[tree.xa, world.xb],
        excluded={tree.vptu: "a", tree.cb: "b"},
    )
    theirs = services.review_create(by=office, milestone=commune_doc_milestone, committee=tree.xa)
    rows = {
        r.organization.code: r for r in selectors.subordinate_reviews(world.review, today=TODAY)
    }
    assert rows["A-XA"].review == theirs and rows["A-XA"].stage.key == "plan"
    assert rows["A-XB"].review is None
