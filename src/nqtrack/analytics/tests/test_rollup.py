"""Roll-ups of tasks over the tree, as the province and a commune read them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.test import Client

from nqtrack.analytics.selectors import task_rollup
from nqtrack.assignments import services
from nqtrack.assignments.models import Task
from nqtrack.testing import make_org, register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tasks(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10), fields=["kinh-te"])

    def make(lead, due_on, completed_on=None):
        task = services.task_create(
            by=tree.province_office, source_document=notice, text="Việc", lead=lead, due_on=due_on
        )
        if completed_on:
            Task.objects.filter(pk=task.pk).update(completed_on=completed_on)
        return task

    make(tree.xa, D(2026, 6, 30), D(2026, 6, 1))  # done on time
    make(tree.cb, D(2026, 6, 30), D(2026, 7, 15))  # done late, in the commune's subtree
    make(tree.xa, D(2025, 12, 31))  # carried over
    make(tree.vptu, D(2026, 10, 1))  # overdue
    make(tree.vptu, D(2027, 6, 1))  # not due
    make(tree.tu, D(2026, 9, 1), D(2026, 8, 1))  # the committee's own, on time


def test_each_subordinate_counts_its_whole_subtree_and_rates_are_on_due_tasks(tree, tasks):
    rollup = task_rollup(tree.province_office, tree.tu, today=TODAY)
    rows = {r.key: r for r in rollup.by_unit}
    assert set(rows) == {"A-TU", "A-XA", "A-VPTU"}
    assert rows["A-XA"].total == 3 and rows["A-XA"].counts["done_late"] == 1
    assert rows["A-XA"].on_time_rate == pytest.approx(1 / 3)
    assert rows["A-VPTU"].late == 1 and rows["A-VPTU"].due == 1
    assert rows["A-TU"].total == 1  # tasks the committee itself leads
    assert rollup.total.total == 6
    assert rollup.total.on_time_rate == pytest.approx(2 / 5)
    assert [r.key for r in rollup.by_year] == ["2025", "2026", "2027"]
    assert [(r.key, r.total) for r in rollup.by_field] == [("kinh-te", 6)]
    assert {r.label for r in rollup.late_by_lead} == {tree.xa.name, tree.vptu.name}


def test_a_commune_sees_only_its_subtree_and_a_new_unit_with_no_task_is_left_out(tree, tasks):
    make_org("A-CB2", tree.xa, "cell", kind="cell", abbreviation="CB")
    rollup = task_rollup(tree.commune_office, tree.xa, today=TODAY)
    assert rollup.total.total == 3
    assert [r.key for r in rollup.by_unit] == ["A-XA", "A-CB1"]


def test_the_dashboard_drills_down_exports_and_hides_other_subtrees(tree, tasks):
    office = Client()
    office.force_login(tree.province_office)
    page = office.get("/thong-ke/")
    assert page.status_code == 200 and "?org=A-XA" in page.content.decode()
    assert office.get("/thong-ke/", {"org": "A-XA"}).context["rollup"].total.total == 3
    export = office.get("/thong-ke/", {"org": "A-TU", "export": "units"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert {r[0]: r[1] for r in rows} == {tree.tu.name: 1, tree.xa.name: 3, tree.vptu.name: 2}
    commune = Client()
    commune.force_login(tree.commune_office)
    assert commune.get("/thong-ke/", {"org": "A-TU"}).status_code == 404  # an ancestor
    outsider = Client()
    outsider.force_login(tree.outsider)
    assert outsider.get("/thong-ke/", {"org": "A-XA"}).status_code == 404


def test_figures_as_of_a_past_day_and_for_one_document_with_its_programmes(client, tree, tasks):
    # As of 20/06/2026: the task done on 15/07 was still open (due 30/06, so due soon), the one
    # done on 01/08 open and not due. Tasks assigned after that day do not count.
    assert task_rollup(tree.province_office, tree.tu, today=D(2026, 6, 20)).total.total == 0
    Task.objects.update(created_at=dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC))
    past = task_rollup(tree.province_office, tree.tu, today=D(2026, 6, 20))
    assert past.total.counts["done_on_time"] == 1 and past.total.counts["due_soon"] == 1
    assert past.total.counts["done_late"] == 0
    # A programme implementing another document: its tasks count for that document.
    resolution = register(tree.province_office, "05-NQ/TU", tree.tu, D(2025, 1, 5))
    programme = register(tree.province_office, "12-CTr/TU", tree.tu, D(2025, 2, 1))
    from nqtrack.documents import services as document_services

    document_services.document_relate(
        by=tree.province_office, source=programme, kind="implements", target=resolution
    )
    services.task_create(
        by=tree.province_office,
        source_document=programme,
        text="Việc của CTr",
        lead=tree.xa,
        due_on=D(2027, 3, 31),
    )
    client.force_login(tree.province_office)
    page = client.get(f"/thong-ke/?org=A-TU&van-ban={resolution.pk}").content.decode()
    assert "05-NQ/TU" in page
    only = task_rollup(
        tree.province_office, tree.tu, today=TODAY, documents=[resolution.pk, programme.pk]
    )
    assert only.total.total == 1
    old = client.get("/thong-ke/?org=A-TU&ngay=20/06/2026").content.decode()
    assert "Số liệu tại ngày 20/06/2026" in old
    client.force_login(tree.outsider)
    assert client.get(f"/thong-ke/?org=B-TU&van-ban={resolution.pk}").status_code == 404
