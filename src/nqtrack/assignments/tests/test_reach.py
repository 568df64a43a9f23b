"""The task lists' totals come from the maintained counts and always equal counting the list."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from nqtrack.assignments import reach, services
from nqtrack.assignments.models import Task, TaskReach
from nqtrack.assignments.selectors import (
    open_on,
    task_list_count,
    tasks_led_within,
    tasks_visible_to,
    with_status,
)
from nqtrack.assignments.status import OPEN, STATUS_LABELS
from nqtrack.organizations import services as org_services
from nqtrack.organizations.models import SecurityLevel
from nqtrack.testing import UserFactory, make_org, register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def work(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10))
    secret = register(
        tree.province_office,
        "16-TB/TU",
        tree.tu,
        D(2025, 3, 11),
        security_level=SecurityLevel.SECRET,
    )
    tree.xa2 = make_org("A-XA2", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã A2")
    tree.cb2 = make_org("A-CB2", tree.xa2, "cell", kind="cell", name="Chi bộ thôn 2")

    def make(lead, supporting=(), due_on=None, document=notice):
        return services.task_create(
            by=tree.province_office,
            source_document=document,
            text="Việc",
            lead=lead,
            supporting=supporting,
            due_on=due_on,
        )

    tree.tasks = [
        # The province office leads, a cell of commune A supports: the cell, the commune
        # (and nobody else outside the lead's line) see it through the support.
        make(tree.vptu, [tree.cb], D(2026, 12, 1)),
        make(tree.vptu, [tree.cb, tree.cb2], D(2026, 6, 30)),
        make(tree.xa, [tree.xa2], D(2025, 12, 31)),  # carried over
        make(tree.xa2, [], D(2026, 10, 1)),
        make(tree.vptu, [tree.xa], None, document=secret),  # above normal clearance
    ]
    tree.commune_viewer = UserFactory(username="xa2_vp", organization=tree.xa2)
    tree.cell_user = UserFactory(
        username="cb_vp", organization=tree.cb, clearance=SecurityLevel.SECRET
    )
    return tree


def _users(tree):
    return [
        tree.province_office,
        tree.province_viewer,
        tree.commune_office,
        tree.commune_viewer,
        tree.outsider,
        tree.cell_user,
    ]


def assert_lists_counted_right(tree, day=TODAY):
    """For every user and status: the total the list shows equals counting the list."""
    drift = reach.check(False)
    assert drift.clean, drift.examples
    for user in _users(tree):
        listed = with_status(tasks_visible_to(user), today=day)
        for status in [None, *STATUS_LABELS]:
            rows = listed.filter(status=status) if status else listed
            statuses = [status] if status else None
            assert task_list_count(user, today=day, statuses=statuses) == rows.count(), (
                user.username,
                status,
            )
        inbox = with_status(open_on(tasks_led_within(user, user.organization), day), today=day)
        assert task_list_count(user, today=day, statuses=OPEN, led_only=True) == (
            inbox.filter(status__in=OPEN).count()
        ), user.username


def test_supporting_units_and_their_ancestors_see_a_task_outside_their_subtree(work):
    first = work.tasks[0]
    assert set(TaskReach.objects.filter(task=first).values_list("organization", flat=True)) == {
        work.cb.pk,
        work.xa.pk,
    }
    # The commune's list holds the province office's task it supports, and says so in its total.
    assert first in tasks_visible_to(work.commune_office)
    assert_lists_counted_right(work)


def test_totals_follow_support_changes_in_both_directions(work):
    task = work.tasks[1]
    task.supporting.remove(work.cb2)
    assert_lists_counted_right(work)
    work.cb2.supported_tasks.add(task)  # from the organization's side
    assert_lists_counted_right(work)
    work.cb.supported_tasks.clear()
    assert not TaskReach.objects.filter(organization=work.cb).exists()
    assert_lists_counted_right(work)
    task.supporting.clear()
    assert_lists_counted_right(work)


def test_totals_follow_a_new_lead_or_assigner_saved_or_updated_in_bulk(work):
    task = work.tasks[2]
    task.lead = work.cb2  # commune A leaves the lead's line: it now sees the task by reach
    task.save()
    assert_lists_counted_right(work)
    Task.objects.filter(pk=work.tasks[3].pk).update(assigned_by=work.xa)
    assert_lists_counted_right(work)
    Task.objects.filter(lead=work.vptu).update(lead=work.xa2)
    assert_lists_counted_right(work)


def test_totals_follow_status_changes_deletions_and_later_days(work):
    services.task_transition(by=work.province_office, task=work.tasks[0], event="complete")
    work.tasks[1].delete()
    assert_lists_counted_right(work)
    assert_lists_counted_right(work, D(2026, 12, 20))  # due soon became overdue
    with time_machine.travel(dt.datetime(2027, 2, 1, 3, 0, tzinfo=dt.UTC), tick=False):
        assert_lists_counted_right(work, D(2027, 2, 1))  # overdue became carried over


def test_totals_follow_an_organization_moved_with_its_subtree(work):
    org_services.organization_move(by=None, organization=work.xa2, new_parent=work.xa)
    assert_lists_counted_right(work)
    org_services.organization_move(by=None, organization=work.cb, new_parent=work.vptu)
    assert_lists_counted_right(work)


def test_rebuild_counts_reports_and_fixes_lost_rows(work):
    TaskReach.objects.filter(organization=work.xa).delete()
    assert work.tasks[0] in tasks_visible_to(work.commune_office)  # visibility never used them
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("rebuild_counts", "--check", stdout=out)
    assert "task_reach" in out.getvalue()
    call_command("rebuild_counts", stdout=StringIO())
    assert_lists_counted_right(work)


def test_the_list_page_and_the_api_show_the_counted_total(work, client):
    client.force_login(work.commune_office)
    listed = with_status(tasks_visible_to(work.commune_office), today=TODAY)
    response = client.get("/nhiem-vu/tat-ca/")
    assert response.context["page_obj"].paginator.count == listed.count() == 3
    response = client.get("/nhiem-vu/tat-ca/?status=carried_over")
    assert response.context["page_obj"].paginator.count == 1
    assert [t.pk for t in response.context["tasks"]] == [work.tasks[2].pk]
    body = client.get("/api/v1/tasks/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    seen = body["results"] + client.get(body["next"]).json()["results"]
    assert {t["id"] for t in seen} == {t.pk for t in work.tasks[:3]}
    assert client.get("/api/v1/tasks/?status=overdue").json()["count"] == 1
    assert client.get("/api/v1/tasks/?status=nonsense").json()["count"] == 0
    # A filter the counts do not hold is counted from the tasks.
    lead = client.get(f"/api/v1/tasks/?lead={work.xa.code}").json()
    assert [t["id"] for t in lead["results"]] == [work.tasks[2].pk] and lead["count"] == 1
    inbox = client.get("/nhiem-vu/")
    assert inbox.context["page_obj"].paginator.count == 1  # the open task led in commune A
    assert client.get("/nhiem-vu/?status=done_on_time").context["page_obj"].paginator.count == 0
