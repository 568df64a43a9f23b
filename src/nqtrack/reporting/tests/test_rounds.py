"""Reporting rounds without HTTP: who must answer what, locks, returns, and reporting rates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from nqtrack.assignments.models import Task
from nqtrack.core.models import AuditEvent
from nqtrack.organizations.models import Role
from nqtrack.reporting import services
from nqtrack.reporting.models import ReportingRound, Submission, SubmissionItem
from nqtrack.reporting.selectors import (
    open_tasks_for,
    rate,
    round_stats,
    rounds_visible_to,
    submissions_visible_in,
)
from nqtrack.reporting.tests.helpers import (
    AFTER_DUE,
    BEFORE_DUE,
    UTC,
    D,
    answers,
    assign,
    build_world,
)
from nqtrack.testing import UserFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield


@pytest.fixture
def world(tree):
    return build_world(tree)


def submit(world, code, *, by=None, leave_out=0, **kwargs):
    return services.submission_submit(
        by=by or world.reporters[code],
        round=world.round,
        organization=world.round.expected.get(code=code),
        items=answers(world, code, leave_out=leave_out),
        **kwargs,
    )


def test_a_round_expects_units_under_the_office_and_its_creation_is_audited(world):
    rnd = world.round
    assert sorted(rnd.expected.values_list("code", flat=True)) == [
        "A-CB1",
        "A-VPTU",
        "A-XA",
        "A-XB",
    ]
    event = AuditEvent.objects.get(object_type="reportinground", action="create")
    assert event.organization == world.tree.tu
    assert event.changes["expected"] == [None, ["A-CB1", "A-VPTU", "A-XA", "A-XB"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_end": D(2025, 12, 31)}, "period_end"),
        ({"due_on": D(2025, 12, 31)}, "due_on"),
        ({"expected": []}, "expected"),
        ({"expected": ["tu2"]}, "expected"),
        ({"expected": ["tu"]}, "expected"),
        ({"title": "  "}, "title"),
    ],
)
def test_a_round_with_bad_dates_or_units_is_refused_and_nothing_is_written(tree, change, field):
    args = {
        "title": "Báo cáo quý III",
        "period_start": D(2026, 1, 1),
        "period_end": D(2026, 6, 30),
        "due_on": D(2026, 6, 20),  # due before the period ends is allowed (estimated figures)
        "expected": [tree.xa],
    }
    args.update(change)
    args["expected"] = [getattr(tree, u) if isinstance(u, str) else u for u in args["expected"]]
    with pytest.raises(ValidationError) as err:
        services.round_create(by=tree.province_office, owner=tree.tu, **args)
    assert field in err.value.message_dict
    assert ReportingRound.objects.count() == 0


def test_only_the_office_above_the_owner_may_run_a_round(tree):
    for user in (tree.commune_office, tree.province_viewer, tree.outsider):
        with pytest.raises(PermissionDenied):
            services.round_create(
                by=user,
                owner=tree.tu,
                title="Báo cáo",
                period_start=D(2026, 1, 1),
                period_end=D(2026, 6, 30),
                due_on=D(2026, 7, 10),
                expected=[tree.xa],
            )
    assert ReportingRound.objects.count() == 0


def test_the_open_tasks_of_a_unit_are_those_it_leads_that_were_open_during_the_period(world):
    tree = world.tree
    old = register(tree.province_office, "3-KL/TU", tree.tu, D(2024, 3, 1))
    later = register(tree.province_office, "20-TB/TU", tree.tu, D(2026, 7, 1))
    carried = assign(tree, tree.xa, "Việc tồn đọng", notice=old, due_on=D(2024, 12, 31))
    long_running = assign(tree, tree.xa, "Việc dài hạn", notice=old, due_on=D(2028, 12, 31))
    done_in_period = assign(tree, tree.xa, "Xong trong kỳ", notice=old)
    done_before = assign(tree, tree.xa, "Xong trước kỳ", notice=old)
    cancelled = assign(tree, tree.xa, "Đã hủy", notice=old)
    assign(tree, tree.xa, "Giao sau kỳ", notice=later)
    assign(tree, tree.vptu, "xã A phối hợp", notice=old, supporting=[tree.xa])
    Task.objects.filter(pk=done_in_period.pk).update(completed_on=D(2026, 1, 1))
    Task.objects.filter(pk=done_before.pk).update(completed_on=D(2025, 12, 31))
    Task.objects.filter(pk=cancelled.pk).update(cancelled=True)
    assert set(open_tasks_for(world.round, tree.xa)) == {
        *world.tasks["A-XA"],
        carried,
        long_running,
        done_in_period,
    }
    # The cell's tasks are the cell's to answer, not the commune's.
    assert not set(open_tasks_for(world.round, tree.xa)) & set(world.tasks["A-CB1"])


def test_four_expected_two_on_time_one_late_one_missing_give_the_dhis2_rates(world):
    submit(world, "A-VPTU")
    submit(world, "A-XA")
    with time_machine.travel(AFTER_DUE, tick=False):
        services.round_reopen_for(
            by=world.tree.province_office,
            round=world.round,
            organization=world.xb,
            until=D(2026, 7, 15),
        )
        submit(world, "A-XB")
        stats = round_stats(world.round, today=D(2026, 7, 13))
    assert (stats.expected, stats.submitted, stats.on_time) == (4, 3, 2)
    assert (stats.completeness, stats.timeliness) == (0.75, 0.5)
    assert stats.missing == ["A-CB1"]
    assert stats.generic == 0
    rows = {row.code: row for row in stats.units}
    assert rows["A-XB"].on_time is False and rows["A-XB"].reopened_until == D(2026, 7, 15)
    assert rows["A-CB1"].state == "missing" and rows["A-CB1"].overdue


def test_a_late_report_counts_as_submitted_but_not_on_time_by_the_date_in_hanoi(world):
    office = world.tree.province_office
    with time_machine.travel(AFTER_DUE, tick=False):
        # 23:30 on the due day in Hanoi, and 00:30 the day after (still the 10th in UTC).
        submit(world, "A-XA", by=office, submitted_at=dt.datetime(2026, 7, 10, 16, 30, tzinfo=UTC))
        submit(world, "A-XB", by=office, submitted_at=dt.datetime(2026, 7, 10, 17, 30, tzinfo=UTC))
    stats = round_stats(world.round, today=D(2026, 7, 13))
    rows = {row.code: row for row in stats.units}
    assert (rows["A-XA"].on_time, rows["A-XB"].on_time) == (True, False)
    assert (stats.submitted, stats.on_time) == (2, 1)


def test_a_submission_missing_one_assigned_task_is_generic(world):
    complete = submit(world, "A-VPTU")
    generic = submit(world, "A-XA", leave_out=1)
    assert (complete.generic, complete.unanswered) == (False, [])
    assert generic.generic and generic.unanswered == [world.tasks["A-XA"][1].pk]
    stats = round_stats(world.round, today=D(2026, 7, 5))
    assert (stats.submitted, stats.generic) == (2, 1)


def test_an_answer_needs_a_known_progress_status_and_a_narrative(world):
    task = world.tasks["A-XA"][0]
    bad = [[(task, "finished", "Xong")], [(task, "done", "  ")], [(task, "done", "x")] * 2]
    for items in bad:
        with pytest.raises(ValidationError) as err:
            services.submission_submit(
                by=world.reporters["A-XA"],
                round=world.round,
                organization=world.tree.xa,
                items=items,
            )
        assert "items" in err.value.message_dict
    assert Submission.objects.count() == 0


def test_a_returned_submission_drops_out_of_submitted_until_resubmitted(world):
    office = world.tree.province_office
    report = submit(world, "A-XA")
    with pytest.raises(PermissionDenied):
        services.submission_return(by=world.reporters["A-XA"], submission=report, comment="Sửa")
    with pytest.raises(ValidationError):
        services.submission_return(by=office, submission=report, comment=" ")
    services.submission_return(by=office, submission=report, comment="Chưa nêu kết quả cụ thể")
    assert round_stats(world.round, today=D(2026, 7, 5)).submitted == 0
    assert round_stats(world.round, today=D(2026, 7, 5)).missing == [
        "A-CB1",
        "A-VPTU",
        "A-XA",
        "A-XB",
    ]
    with pytest.raises(ValidationError):
        services.submission_return(by=office, submission=report, comment="Lần nữa")
    # A returned report may be corrected even after the due date; it is then late.
    with time_machine.travel(AFTER_DUE, tick=False):
        submit(world, "A-XA")
    stats = round_stats(world.round, today=D(2026, 7, 13))
    assert (stats.submitted, stats.on_time) == (1, 0)
    report.refresh_from_db()
    assert [e.event for e in report.events.all()] == ["submit", "return", "submit"]
    assert report.return_comment == "Chưa nêu kết quả cụ thể"


def test_a_unit_may_replace_its_report_before_the_due_date_and_history_is_kept(world):
    first = submit(world, "A-XA", leave_out=1)
    second = submit(world, "A-XA")
    assert first.pk == second.pk and not second.generic
    assert SubmissionItem.objects.filter(submission=second).count() == 2
    assert [len(e.items) for e in second.events.all()] == [1, 2]
    assert AuditEvent.objects.filter(object_type="submission", action="submit").count() == 2


def test_the_round_locks_after_the_due_date_but_a_reopening_lets_that_one_unit_submit(world):
    office = world.tree.province_office
    with time_machine.travel(AFTER_DUE, tick=False):
        with pytest.raises(ValidationError):
            submit(world, "A-XA")
        with pytest.raises(PermissionDenied):
            services.round_reopen_for(
                by=world.reporters["A-XA"],
                round=world.round,
                organization=world.tree.xa,
                until=D(2026, 7, 20),
            )
        with pytest.raises(ValidationError):
            services.round_reopen_for(
                by=office, round=world.round, organization=world.tree.xa, until=D(2026, 7, 12)
            )
        services.round_reopen_for(
            by=office, round=world.round, organization=world.tree.xa, until=D(2026, 7, 14)
        )
        submit(world, "A-XA")
        with pytest.raises(ValidationError):
            submit(world, "A-XB")
    with time_machine.travel(dt.datetime(2026, 7, 15, 3, 0, tzinfo=UTC), tick=False):
        with pytest.raises(ValidationError):
            submit(world, "A-XA")
    assert list(Submission.objects.values_list("organization__code", flat=True)) == ["A-XA"]


def test_the_office_records_a_paper_report_with_the_day_it_arrived(world):
    office = world.tree.province_office
    arrived = dt.datetime(2026, 7, 3, 8, 0, tzinfo=UTC)
    with time_machine.travel(AFTER_DUE, tick=False):  # entered after the round locked
        report = submit(world, "A-CB1", by=office, submitted_at=arrived)
        with pytest.raises(ValidationError) as err:
            submit(world, "A-XB", by=office, submitted_at=dt.datetime(2026, 7, 14, tzinfo=UTC))
        assert "submitted_at" in err.value.message_dict
    assert report.recorded_by_office and report.submitted_at == arrived
    assert round_stats(world.round, today=D(2026, 7, 13)).on_time == 1
    with pytest.raises(ValidationError) as err:
        submit(world, "A-XA", submitted_at=arrived)  # a unit cannot backdate its own report
    assert "submitted_at" in err.value.message_dict


def test_answers_for_another_units_task_are_refused_and_nothing_is_written(world):
    foreign = world.tasks["A-XB"][0]
    with pytest.raises(ValidationError) as err:
        services.submission_submit(
            by=world.reporters["A-XA"],
            round=world.round,
            organization=world.tree.xa,
            items=[*answers(world, "A-XA"), (foreign, "done", "Đã xong")],
        )
    assert "items" in err.value.message_dict
    assert Submission.objects.count() == SubmissionItem.objects.count() == 0


def test_a_units_reporter_cannot_submit_for_another_unit(world):
    tree = world.tree
    viewer = UserFactory(username="xa_ld", organization=tree.xa, role=Role.VIEWER)
    attempts = [
        (world.reporters["A-XA"], world.xb),  # a sibling
        (world.reporters["A-CB1"], tree.xa),  # the unit above
        (tree.commune_office, tree.cb),  # the unit below: only the round's office may
        (viewer, tree.xa),  # a viewer of the unit itself
        (tree.outsider, tree.xa),
    ]
    for user, unit in attempts:
        with pytest.raises(PermissionDenied):
            services.submission_submit(by=user, round=world.round, organization=unit, items=[])
    with pytest.raises(ValidationError) as err:
        services.submission_submit(
            by=tree.province_office, round=world.round, organization=tree.tu, items=[]
        )
    assert "organization" in err.value.message_dict
    assert Submission.objects.count() == 0


def test_rounds_and_reports_are_seen_by_the_office_and_the_units_expected(world):
    tree = world.tree
    submit(world, "A-XA")
    submit(world, "A-XB")
    assert list(rounds_visible_to(tree.province_viewer)) == [world.round]
    assert list(rounds_visible_to(world.reporters["A-CB1"])) == [world.round]
    assert list(rounds_visible_to(tree.outsider)) == []
    seen = submissions_visible_in(world.round, tree.commune_office)
    assert [s.organization.code for s in seen] == ["A-XA"]
    assert submissions_visible_in(world.round, tree.province_viewer).count() == 2


def test_rates_are_fractions_of_expected_and_zero_when_nothing_is_expected():
    assert [rate(0, 0), rate(3, 4), rate(1, 3), rate(4, 4)] == [0.0, 0.75, 0.3333, 1.0]
