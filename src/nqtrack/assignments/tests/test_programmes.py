"""The cascade of action programmes and the targets they set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from nqtrack.assignments import services
from nqtrack.assignments.selectors import programme_cascade
from nqtrack.assignments.targets import expected_value, on_track
from nqtrack.documents import services as document_services
from nqtrack.notifications.models import Notification
from nqtrack.testing import UserFactory, make_org, register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 22)


@pytest.mark.parametrize(
    ("target", "measured", "on", "expected"),
    [
        (Decimal(100), Decimal(60), D(2025, 12, 31), True),  # halfway in time, 60 ≥ 50
        (Decimal(100), Decimal(40), D(2025, 12, 31), False),
        (Decimal(0), Decimal(40), D(2025, 12, 31), True),  # a falling target: 40 ≤ 50
        (Decimal(0), Decimal(60), D(2025, 12, 31), False),
        (Decimal(100), Decimal(100), D(2027, 3, 1), True),  # after the target year
    ],
)
def test_a_target_is_on_track_when_at_or_beyond_the_straight_path(target, measured, on, expected):
    values = {
        "baseline": Decimal(0) if target else Decimal(100),
        "baseline_on": D(2024, 12, 31),
        "target": target,
        "target_year": 2026,
    }
    if not target:
        values["baseline"] = Decimal(100)
    assert on_track(**values, measured=measured, measured_on=on) is expected


def test_the_expected_value_is_a_straight_line_to_the_end_of_the_target_year():
    assert (
        expected_value(
            baseline=Decimal(0),
            baseline_on=D(2024, 12, 31),
            target=Decimal(100),
            target_year=2026,
            on=D(2025, 12, 31),
        )
        == 50
    )


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(tree):
    xb = make_org("A-XB", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã B")
    xc = make_org("A-XC", tree.tu, "commune", abbreviation="ĐU", name="Đảng ủy xã C")
    central = register(tree.province_office, "57-NQ/TW", tree.tw, D(2024, 12, 22), owner=tree.tu)
    services.programme_require(
        by=tree.province_office,
        document=central,
        organizations=[tree.xa, xb, xc],
        due_on=D(2025, 3, 31),
    )
    on_time = register(tree.commune_office, "05-CTr/ĐU", tree.xa, D(2025, 3, 1))
    office_b = UserFactory(username="xb_vp", organization=xb)
    late = register(office_b, "07-KH/ĐU", xb, D(2025, 5, 5))
    for programme in (on_time, late):
        document_services.document_relate(
            by=tree.province_admin if programme is late else tree.commune_office,
            source=programme,
            kind="implements",
            target=central,
        )
    UserFactory(username="xc_vp", organization=xc)
    UserFactory(username="xc_ld", organization=xc, role="viewer")
    return {"central": central, "on_time": on_time, "late": late, "xb": xb, "xc": xc}


def test_the_cascade_counts_issued_on_time_late_and_missing(tree, setup):
    cascade = programme_cascade(setup["central"], today=TODAY)
    assert (cascade.expected, cascade.issued, cascade.on_time) == (3, 2, 1)
    assert [(r.requirement.organization.code, r.state) for r in cascade.rows] == [
        ("A-XA", "on_time"),
        ("A-XB", "late"),
        ("A-XC", "overdue"),
    ]


def test_only_subordinates_of_the_registry_can_be_asked_and_not_before_signing(tree, setup):
    with pytest.raises(ValidationError):
        services.programme_require(
            by=tree.province_office,
            document=setup["central"],
            organizations=[tree.tu2],
            due_on=D(2025, 3, 31),
        )
    with pytest.raises(ValidationError):
        services.programme_require(
            by=tree.province_office,
            document=setup["central"],
            organizations=[tree.xa],
            due_on=D(2024, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        services.programme_require(
            by=tree.commune_office,
            document=setup["central"],
            organizations=[tree.cb],
            due_on=D(2025, 3, 31),
        )


def test_one_click_reminds_the_missing_organizations_office_once_a_day(tree, setup):
    assert (
        services.programme_remind_missing(
            by=tree.province_office, document=setup["central"], today=TODAY
        )
        == 1
    )
    note = Notification.objects.get()
    assert note.user.username == "xc_vp" and "57-NQ/TW" in note.message
    assert (
        services.programme_remind_missing(
            by=tree.province_office, document=setup["central"], today=TODAY
        )
        == 0
    )


def test_the_cascade_page_shows_x_of_y_and_the_office_asks_more_units(tree, setup):
    office = Client()
    office.force_login(tree.province_office)
    url = f"/nhiem-vu/chuong-trinh/{setup['central'].pk}/"
    page = office.get(url).content.decode()
    assert "2/3" in page and "05-CTr/ĐU" in page
    office.post(url, {"organizations": [tree.vptu.pk], "due_on": "30/06/2025"})
    assert programme_cascade(setup["central"], today=TODAY).expected == 4
    outsider = Client()
    outsider.force_login(tree.outsider)
    assert outsider.get(url).status_code == 404  # kept in province A's registry
    commune = Client()
    commune.force_login(tree.commune_office)
    assert commune.get(url).status_code == 200  # binds the commune, which may read it…
    assert (
        commune.post(url, {"organizations": [tree.cb.pk], "due_on": "30/06/2025"}).status_code
        == 403
    )  # …not change it


def test_targets_record_values_and_show_whether_they_are_on_track(tree):
    programme = register(tree.province_office, "45-CTr/TU", tree.tu, D(2024, 12, 31))
    target = services.target_create(
        by=tree.province_office,
        programme=programme,
        name="Tỷ lệ hồ sơ đảng viên số hóa",
        unit="%",
        baseline=Decimal(0),
        baseline_on=D(2024, 12, 31),
        target_value=Decimal(100),
        target_year=2026,
    )
    services.target_measure(
        by=tree.province_office, target=target, measured_on=D(2025, 12, 31), value=Decimal(40)
    )
    with pytest.raises(ValidationError):
        services.target_measure(
            by=tree.province_office, target=target, measured_on=D(2027, 1, 1), value=Decimal(90)
        )
    office = Client()
    office.force_login(tree.province_office)
    page = office.get(f"/nhiem-vu/chi-tieu/{programme.pk}/")
    assert page.context["rows"][0]["on_track"] is False
    office.post(
        f"/nhiem-vu/chi-tieu/{programme.pk}/",
        {"step": "measure", "target": target.pk, "measured_on": "20/11/2026", "value": "95,5"},
    )
    page = office.get(f"/nhiem-vu/chi-tieu/{programme.pk}/")
    assert page.context["rows"][0]["latest"].value == Decimal("95.5")
    assert page.context["rows"][0]["on_track"] is True
