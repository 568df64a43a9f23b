"""POST /api/v1/deadlines/parse: the contract other systems call."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from nqtrack.assignments.models import PublicHoliday

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(tree) -> APIClient:
    c = APIClient()
    c.force_authenticate(tree.commune_office)
    return c


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoàn thành trước ngày 30/6/2025.", {"kind": "date", "due_on": "2025-06-30"}),
        ("trong quý III/2025", {"kind": "period", "due_on": "2025-09-30"}),
        ("trong 30 ngày kể từ ngày ký", {"kind": "relative", "due_on": "2025-04-09"}),
        ("hằng năm", {"kind": "recurring", "due_on": "2025-12-31"}),
        ("thường xuyên", {"kind": "continuous", "due_on": None}),
        ("Tổ chức quán triệt sâu rộng.", {"kind": "none", "due_on": None}),
    ],
)
def test_each_kind_of_deadline_comes_back_with_its_due_date(client, text, expected):
    response = client.post(
        "/api/v1/deadlines/parse", {"text": text, "reference_date": "2025-03-10"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("kind", "due_on")} == expected
    assert body["label"]


def test_working_days_skip_the_holidays_in_the_table(client):
    # 28/4/2025 is a Monday; 30/4 and 1/5 are seeded holidays, 2/5 is added by an administrator.
    PublicHoliday.objects.create(day=dt.date(2025, 5, 2), name="Nghỉ bù")
    response = client.post(
        "/api/v1/deadlines/parse/",
        {"text": "trong 5 ngày làm việc kể từ ngày ký", "reference_date": "2025-04-28"},
        format="json",
    )
    # Working days: 29/4, 5/5, 6/5, 7/5, 8/5.
    assert response.json()["due_on"] == "2025-05-08"


def test_a_missing_reference_date_is_a_400_and_anonymous_is_a_401(client):
    response = client.post("/api/v1/deadlines/parse", {"text": "quý II/2025"}, format="json")
    assert response.status_code == 400 and "reference_date" in response.json()
    assert APIClient().post("/api/v1/deadlines/parse", {}, format="json").status_code == 401
