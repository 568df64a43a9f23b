"""The maintained task counts always equal a recount from the tasks, whatever happened."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from nqtrack.analytics.selectors import rollup_from_tasks, task_rollup
from nqtrack.assignments import services, tallies
from nqtrack.assignments.models import LeadTally, SubtreeTally, Task
from nqtrack.documents import services as document_services
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import SecurityLevel
from nqtrack.testing import make_org, register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _figures(rollup):
    def rows(items):
        return {r.key: dict(+r.counts) for r in items}

    return {
        "total": dict(+rollup.total.counts),
        "units": rows(rollup.by_unit),
        "years": rows(rollup.by_year),
        "fields": rows(rollup.by_field),
        "late": [(r.label, dict(+r.counts)) for r in rollup.late_by_lead],
    }


def assert_counts_right(user, root, days=(TODAY,)):
    """No drift, and the dashboard from the counts equals the dashboard from the tasks."""
    drift = tallies.check(False)
    assert drift.clean, drift.examples
    for day in days:
        assert _figures(task_rollup(user, root, today=day)) == _figures(
            rollup_from_tasks(user, root, today=day)
        ), day


@pytest.fixture
def work(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10), fields=["kinh-te"])
    secret = register(
        tree.province_office,
        "16-TB/TU",
        tree.tu,
        D(2025, 3, 11),
        security_level=SecurityLevel.SECRET,
    )

    def make(lead, due_on=None, document=notice, deadline=""):
        return services.task_create(
            by=tree.province_office,
            source_document=document,
            text="Việc",
            lead=lead,
            due_on=due_on,
            deadline=deadline,
        )

    tasks = [
        make(tree.xa, D(2026, 6, 30)),
        make(tree.cb, D(2026, 12, 1)),  # due soon now, overdue in a month
        make(tree.xa, D(2025, 12, 31)),  # carried over
        make(tree.vptu, D(2026, 10, 1)),
        make(tree.vptu, D(2027, 6, 1), document=secret),
        make(tree.tu, None),
        make(tree.cb, None, deadline="Thường xuyên"),
    ]
    return notice, secret, tasks


def test_every_service_keeps_the_counts_equal_to_a_recount(tree, work):
    notice, secret, tasks = work
    office = tree.province_office
    later = (TODAY, D(2026, 12, 10), D(2027, 1, 5), D(2027, 6, 30))
    assert_counts_right(office, tree.tu, later)
    services.task_transition(by=office, task=tasks[0], event="complete", on=D(2026, 7, 2))
    services.task_transition(by=office, task=tasks[1], event="complete", on=D(2026, 11, 1))
    services.task_transition(by=office, task=tasks[3], event="cancel", note="Không còn phù hợp")
    assert_counts_right(office, tree.tu, later)
    services.task_transition(by=office, task=tasks[1], event="reopen")
    services.task_transition(by=office, task=tasks[3], event="restore")
    request = services.extension_request(
        by=office, task=tasks[2], proposed_due_on=D(2027, 3, 1), reason="Chờ hướng dẫn"
    )
    services.extension_decide(by=office, request=request, approve=True)
    assert_counts_right(office, tree.tu, later)
    # The commune office sees its own subtree; the normal-clearance viewer not the secret task.
    assert_counts_right(tree.commune_office, tree.xa, later)
    assert_counts_right(tree.province_viewer, tree.tu, later)
    assert task_rollup(tree.province_viewer, tree.tu, today=TODAY).total.total == 6


def test_reassigning_deleting_and_document_changes_move_the_counts(tree, work):
    notice, secret, tasks = work
    office = tree.province_office
    task = Task.objects.get(pk=tasks[0].pk)
    task.lead = tree.vptu  # reassigned to another unit
    task.save()
    Task.objects.get(pk=tasks[5].pk).delete()
    assert_counts_right(office, tree.tu)
    document_services.document_update(
        by=office, document=notice, fields=["xay-dung-dang", "kinh-te"]
    )
    assert_counts_right(office, tree.tu)
    secret.security_level = SecurityLevel.NORMAL
    secret.save()
    assert_counts_right(tree.province_viewer, tree.tu)
    assert task_rollup(tree.province_viewer, tree.tu, today=TODAY).total.total == 6


def test_moving_and_merging_organizations_carry_their_counts(tree, work):
    office = tree.province_office
    other = make_org("A-XA2", tree.tu, "commune", name="Đảng ủy xã A2")
    org_services.organization_move(by=None, organization=tree.cb, new_parent=other)
    assert_counts_right(office, tree.tu)
    assert_counts_right(office, other)
    org_services.organization_merge(by=None, sources=[other], into=tree.xa, on=D(2026, 7, 1))
    assert_counts_right(office, tree.tu)
    assert_counts_right(office, tree.xa)


def test_deferred_writes_are_counted_on_exit_and_back_dated_events_count(tree, work):
    notice, _, tasks = work
    with tallies.deferred() as pending:
        for n in range(5):
            services.task_create(
                by=tree.province_office,
                source_document=notice,
                text=f"Việc {n}",
                lead=tree.cb,
                due_on=D(2024, 1, 1 + n),
            )
        assert tree.cb.pk in pending
    # A task completed with a past date (back-dated) counts as done late.
    services.task_transition(
        by=tree.province_office, task=tasks[2], event="complete", on=D(2026, 1, 10)
    )
    assert_counts_right(tree.province_office, tree.tu)
    assert task_rollup(tree.province_office, tree.tu, today=TODAY).total.counts["done_late"] == 1


def test_rebuild_counts_reports_drift_and_fixes_it(tree, work):
    _, _, tasks = work
    # A bulk update outside the services is counted too.
    Task.objects.filter(pk=tasks[3].pk).update(completed_on=D(2026, 9, 1))
    assert tallies.check(False).clean
    SubtreeTally.objects.filter(organization=tree.tu).update(n=99)  # corrupted behind its back
    LeadTally.objects.filter(lead=tree.cb).delete()
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("rebuild_counts", "--check", stdout=out)
    assert "tasks:" in out.getvalue() and "DRIFT" in out.getvalue()
    call_command("rebuild_counts", stdout=StringIO())
    assert_counts_right(tree.province_office, tree.tu)
    assert task_rollup(tree.province_office, tree.tu, today=TODAY).total.counts["done_on_time"] == 1


def test_a_root_outside_the_readers_subtree_is_counted_from_what_they_may_see(tree, work):
    # Another province's office asks for this province: nothing of it is theirs to count.
    rollup = task_rollup(tree.outsider, tree.tu, today=TODAY)
    assert rollup.total.total == 0
    assert _figures(rollup) == _figures(rollup_from_tasks(tree.outsider, tree.tu, today=TODAY))
