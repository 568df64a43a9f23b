"""Tasks: assigning, completing, cancelling; status in SQL equals the pure rule; scoping."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from nqtrack.assignments import services
from nqtrack.assignments.models import Task
from nqtrack.assignments.selectors import status_of, tasks_visible_to, with_status
from nqtrack.core.models import AuditEvent
from nqtrack.testing import register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def notice(tree):
    return register(
        tree.province_office,
        "15-TB/TU",
        tree.tu,
        D(2025, 3, 10),
        title="kết luận của Ban Thường vụ Tỉnh ủy về chuyển đổi số",
    )


def assign(tree, notice, text: str, **kwargs):
    return services.task_create(
        by=tree.province_office,
        source_document=notice,
        text=text,
        lead=kwargs.pop("lead", tree.xa),
        **kwargs,
    )


def test_a_task_reads_its_deadline_from_the_words_of_the_document(tree, notice):
    task = assign(
        tree,
        notice,
        "Xây dựng đề án chuyển đổi số, hoàn thành trong quý III/2025.",
        supporting=[tree.vptu],
    )
    assert (task.deadline_kind, task.due_on, task.deadline_label) == (
        "period",
        D(2025, 9, 30),
        "Quý III/2025",
    )
    assert task.assigned_by == tree.tu
    assert list(task.supporting.all()) == [tree.vptu]
    assert AuditEvent.objects.filter(object_type="task", action="create").count() == 1


def test_a_relative_deadline_counts_from_the_signing_of_the_source(tree, notice):
    task = assign(tree, notice, "Báo cáo kết quả", deadline="trong 30 ngày kể từ ngày ký")
    assert task.due_on == D(2025, 4, 9)


def test_an_explicit_due_date_wins_over_the_text(tree, notice):
    task = assign(tree, notice, "Hoàn thành trong quý III/2025", due_on=D(2025, 8, 15))
    assert (task.deadline_kind, task.due_on) == ("date", D(2025, 8, 15))


def test_bad_assignments_are_refused_and_nothing_is_written(tree, notice):
    with pytest.raises(ValidationError):
        assign(tree, notice, "  ")
    with pytest.raises(ValidationError):
        assign(tree, notice, "Việc A", supporting=[tree.xa])
    with pytest.raises(PermissionDenied):
        services.task_create(
            by=tree.commune_office, source_document=notice, text="Việc A", lead=tree.xa
        )
    assert Task.objects.count() == 0


def test_completing_late_then_reopening_follows_the_pipeline(tree, notice):
    task = assign(tree, notice, "Việc A", due_on=D(2025, 6, 30))
    assert status_of(task, today=D(2026, 11, 22)) == "carried_over"
    services.task_transition(
        by=tree.commune_office,
        task=task,
        event="complete",
        on=D(2025, 7, 5),
        note="Đã ban hành kế hoạch",
    )
    assert status_of(task, today=D(2026, 11, 22)) == "done_late"
    with pytest.raises(ValidationError):
        services.task_transition(by=tree.commune_office, task=task, event="complete")
    services.task_transition(by=tree.province_office, task=task, event="reopen")
    assert [u.event for u in task.updates.all()] == ["complete", "reopen"]


def test_only_the_assigning_office_cancels_and_it_must_say_why(tree, notice):
    task = assign(tree, notice, "Việc A", due_on=D(2027, 6, 30))
    with pytest.raises(PermissionDenied):
        services.task_transition(by=tree.commune_office, task=task, event="cancel", note="x")
    with pytest.raises(ValidationError):
        services.task_transition(by=tree.province_office, task=task, event="cancel")
    services.task_transition(
        by=tree.province_office,
        task=task,
        event="cancel",
        note="Nội dung đã được thay thế bởi kết luận mới",
    )
    assert status_of(task, today=D(2026, 11, 22)) == "cancelled"


def test_a_task_cannot_be_completed_in_the_future_or_before_it_was_assigned(tree, notice):
    task = assign(tree, notice, "Việc A", due_on=D(2027, 6, 30))
    for on in (D(2026, 11, 23), D(2025, 3, 9)):
        with pytest.raises(ValidationError):
            services.task_transition(by=tree.commune_office, task=task, event="complete", on=on)
    assert Task.objects.get().completed_on is None


def test_the_status_computed_in_sql_matches_the_rule_for_every_case(tree, notice):
    cases = [
        {"due_on": D(2027, 3, 31)},
        {"due_on": D(2026, 12, 6)},
        {"due_on": D(2026, 12, 7)},
        {"due_on": D(2026, 11, 22)},
        {"due_on": D(2026, 11, 21)},
        {"due_on": D(2025, 12, 31)},
        {"due_on": D(2026, 6, 30), "completed_on": D(2026, 6, 30)},
        {"due_on": D(2026, 6, 30), "completed_on": D(2026, 7, 1)},
        {"deadline": "thường xuyên"},
        {"deadline": "chưa xác định"},
        {"due_on": D(2025, 1, 1), "cancelled": True},
    ]
    for n, case in enumerate(cases):
        completed_on = case.pop("completed_on", None)
        cancelled = case.pop("cancelled", False)
        task = assign(tree, notice, f"Việc số {n}", **case)
        Task.objects.filter(pk=task.pk).update(completed_on=completed_on, cancelled=cancelled)
    today = D(2026, 11, 22)
    annotated = {t.pk: t.status for t in with_status(Task.objects.all(), today=today)}
    expected = {t.pk: status_of(t, today=today) for t in Task.objects.all()}
    assert annotated == expected
    assert set(expected.values()) == {
        "not_due",
        "due_soon",
        "overdue",
        "carried_over",
        "done_on_time",
        "done_late",
        "continuous",
        "cancelled",
    }


def test_a_commune_sees_its_own_tasks_not_its_siblings_and_outsiders_see_none(tree, notice):
    from nqtrack.testing import make_org

    sibling = make_org("A-XB", tree.tu, "commune", abbreviation="ĐU")
    mine = assign(tree, notice, "Việc của xã A")
    assign(tree, notice, "Việc của xã B", lead=sibling)
    supported = assign(tree, notice, "Việc xã A phối hợp", lead=sibling, supporting=[tree.xa])
    assert set(tasks_visible_to(tree.commune_office)) == {mine, supported}
    assert tasks_visible_to(tree.province_office).count() == 3
    assert tasks_visible_to(tree.outsider).count() == 0


def test_the_api_creates_lists_by_status_and_hides_tasks_elsewhere(tree, notice):
    office = APIClient()
    office.force_authenticate(tree.province_office)
    response = office.post(
        "/api/v1/tasks/",
        {
            "source_document": notice.pk,
            "text": "Tham mưu xây dựng kế hoạch thực hiện",
            "lead": "A-XA",
            "supporting": ["A-VPTU"],
            "deadline": "trước ngày 30/6/2025",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["deadline"] == {
        "kind": "date",
        "due_on": "2025-06-30",
        "label": "Trước ngày 30/06/2025",
        "text": "trước ngày 30/6/2025",
    }
    assert (body["lead"], body["supporting"], body["status"]) == (
        "A-XA",
        ["A-VPTU"],
        "carried_over",
    )
    listed = office.get("/api/v1/tasks/", {"status": "carried_over"}).json()
    assert listed["count"] == 1
    assert office.get("/api/v1/tasks/", {"status": "not_due"}).json()["count"] == 0
    task_id = body["id"]
    outsider = APIClient()
    outsider.force_authenticate(tree.outsider)
    assert outsider.get(f"/api/v1/tasks/{task_id}/").status_code == 404
    assert outsider.post(f"/api/v1/tasks/{task_id}/complete/", {}).status_code == 404
    unit = APIClient()
    unit.force_authenticate(tree.commune_office)
    done = unit.post(
        f"/api/v1/tasks/{task_id}/complete/", {"on": "2025-06-20", "note": "Đã ban hành"}
    )
    assert done.status_code == 200 and done.json()["status"] == "done_on_time"
    again = unit.post(f"/api/v1/tasks/{task_id}/complete/", {})
    assert again.status_code == 400


def test_the_api_refuses_a_lead_outside_the_users_view(tree, notice):
    office = APIClient()
    office.force_authenticate(tree.province_office)
    response = office.post(
        "/api/v1/tasks/",
        {"source_document": notice.pk, "text": "Việc", "lead": "B-TU"},
        format="json",
    )
    assert response.status_code == 400 and "lead" in response.json()
    assert Task.objects.count() == 0
