"""Review teams follow the notices of their fields and see which units are late."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from nqtrack.assignments import services as task_services
from nqtrack.documents.models import Field
from nqtrack.reporting import teams
from nqtrack.testing import register

D = dt.date
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def setup(tree):
    economy = Field.objects.get(slug="kinh-te")
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10), fields=["kinh-te"])
    other = register(
        tree.province_office, "16-TB/TU", tree.tu, D(2025, 4, 10), fields=["xay-dung-dang"]
    )
    plan = register(tree.province_office, "17-KH/TU", tree.tu, D(2025, 4, 10), fields=["kinh-te"])
    task_services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Việc quá hạn",
        lead=tree.xa,
        due_on=D(2026, 10, 1),
    )
    task_services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Việc chưa đến hạn",
        lead=tree.vptu,
        due_on=D(2027, 1, 1),
    )
    team = teams.team_create(
        by=tree.province_office,
        owner=tree.tu,
        name="Nhóm kinh tế – xã hội",
        fields=[economy],
        members=[tree.province_office],
    )
    return {"team": team, "notice": notice, "other": other, "plan": plan}


def test_a_team_is_offered_the_unfollowed_notices_of_its_fields_only(tree, setup):
    assert list(teams.unassigned_notices_for(setup["team"])) == [setup["notice"]]
    teams.team_follow(by=tree.province_office, team=setup["team"], documents=[setup["notice"]])
    assert list(teams.unassigned_notices_for(setup["team"])) == []


def test_each_notice_is_followed_by_one_team(tree, setup):
    second = teams.team_create(by=tree.province_office, owner=tree.tu, name="Nhóm khác")
    teams.team_follow(by=tree.province_office, team=setup["team"], documents=[setup["notice"]])
    teams.team_follow(by=tree.province_office, team=second, documents=[setup["notice"]])
    from nqtrack.reporting.models import FollowedNotice

    assert [f.team for f in FollowedNotice.objects.filter(document=setup["notice"])] == [second]


def test_the_team_page_lists_its_notices_tasks_and_late_units(tree, setup):
    teams.team_follow(by=tree.province_office, team=setup["team"], documents=[setup["notice"]])
    view = teams.team_overview(tree.province_office, setup["team"], today=D(2026, 11, 22))
    assert [d.symbol for d in view.notices] == ["15-TB/TU"]
    assert len(view.tasks) == 2
    assert view.late_units == [(tree.xa, 1)]
    client = Client()
    client.force_login(tree.province_office)
    page = client.get(f"/to-ra-soat/{setup['team'].pk}/").content.decode()
    assert "Việc quá hạn" in page and tree.xa.name in page
    outsider = Client()
    outsider.force_login(tree.outsider)
    assert outsider.get(f"/to-ra-soat/{setup['team'].pk}/").status_code == 404


def test_only_the_office_sets_up_teams_with_its_own_staff(tree, setup):
    with pytest.raises(PermissionDenied):
        teams.team_create(by=tree.commune_office, owner=tree.tu, name="x")
    with pytest.raises(ValidationError):
        teams.team_create(by=tree.province_office, owner=tree.tu, name="x", members=[tree.outsider])
