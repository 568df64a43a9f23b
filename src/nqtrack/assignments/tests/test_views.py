"""The task pages as a unit and an office use them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.test import Client

from nqtrack.assignments import services
from nqtrack.testing import register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tasks(tree):
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10))

    def make(text, **kwargs):
        return services.task_create(
            by=tree.province_office,
            source_document=notice,
            text=text,
            lead=kwargs.pop("lead", tree.xa),
            **kwargs,
        )

    return {
        "later": make("Việc chưa đến hạn", due_on=D(2027, 6, 30)),
        "soon": make("Việc sắp đến hạn", due_on=D(2026, 11, 30)),
        "late": make("Việc quá hạn", due_on=D(2026, 10, 1)),
        "old": make("Việc tồn từ năm trước", due_on=D(2025, 6, 30)),
        "province": make("Việc của Văn phòng", lead=tree.vptu, due_on=D(2026, 12, 1)),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_shows_the_units_open_tasks_overdue_first(tree, tasks):
    response = client_for(tree.commune_office).get("/nhiem-vu/")
    texts = [t.text for t in response.context["tasks"]]
    assert texts == [
        "Việc quá hạn",
        "Việc tồn từ năm trước",
        "Việc sắp đến hạn",
        "Việc chưa đến hạn",
    ]


def test_the_list_filters_by_status_and_exports_the_same_rows(tree, tasks):
    office = client_for(tree.province_office)
    page = office.get("/nhiem-vu/tat-ca/", {"status": "carried_over"})
    assert [t.text for t in page.context["tasks"]] == ["Việc tồn từ năm trước"]
    export = office.get("/nhiem-vu/tat-ca/", {"status": "due_soon", "export": "xlsx"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert sorted(r[0] for r in rows) == ["Việc của Văn phòng", "Việc sắp đến hạn"]


def test_the_unit_marks_a_task_done_from_its_page(tree, tasks):
    unit = client_for(tree.commune_office)
    task = tasks["soon"]
    unit.post(f"/nhiem-vu/{task.pk}/complete/", {"on": "20/11/2026", "note": "Đã xong"})
    task.refresh_from_db()
    assert task.completed_on == D(2026, 11, 20)
    page = unit.get(f"/nhiem-vu/{task.pk}/").content.decode()
    assert "20/11/2026" in page


def test_task_pages_answer_404_outside_the_users_scope(tree, tasks):
    outsider = client_for(tree.outsider)
    for url in (f"/nhiem-vu/{tasks['late'].pk}/",):
        assert outsider.get(url).status_code == 404
    assert outsider.post(f"/nhiem-vu/{tasks['late'].pk}/complete/", {}).status_code == 404
    assert outsider.post(f"/nhiem-vu/{tasks['late'].pk}/gia-han/", {}).status_code == 404
    commune = client_for(tree.commune_office)
    assert commune.get(f"/nhiem-vu/{tasks['province'].pk}/").status_code == 404
    assert "Việc của Văn phòng" not in commune.get("/nhiem-vu/tat-ca/").content.decode()
