"""The unit's inbox says which self-review reports it must send next."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from nqtrack.reporting import services
from nqtrack.reporting.models import Submission
from nqtrack.reporting.selectors import reports_due_from
from nqtrack.reporting.tests.helpers import AFTER_DUE, BEFORE_DUE, answers, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield build_world(tree)


def inbox_section(user) -> str:
    client = Client()
    client.force_login(user)
    page = client.get("/nhiem-vu/").content.decode()
    start = page.index('id="reports-due"')
    return page[start : page.index("</section>", start)]


def test_a_report_not_yet_sent_is_listed_then_gone_once_sent_and_back_when_returned(world):
    reporter = world.reporters["A-XA"]
    with time_machine.travel(BEFORE_DUE, tick=False):
        section = inbox_section(reporter)
        assert world.round.title in section and "hạn 10/07/2026" in section
        assert f"/bao-cao/{world.round.pk}/nop/" in section
        services.submission_submit(
            by=reporter, round=world.round, organization=world.tree.xa, items=answers(world, "A-XA")
        )
        assert world.round.title not in inbox_section(reporter)
        services.submission_return(
            by=world.tree.province_office,
            submission=Submission.objects.get(),
            comment="Bổ sung số liệu",
        )
        section = inbox_section(reporter)
        assert world.round.title in section and "trả lại để hoàn thiện" in section


def test_after_the_due_date_an_unsent_report_says_to_ask_for_reopening(world):
    with time_machine.travel(AFTER_DUE, tick=False):
        due = reports_due_from(world.xb, today=AFTER_DUE.date())
        assert [(d.round, d.locked, d.overdue) for d in due] == [(world.round, True, True)]
        assert "đề nghị văn phòng mở lại" in inbox_section(world.reporters["A-XB"])
    # A unit that is not expected in the round owes nothing.
    assert reports_due_from(world.tree.tu, today=AFTER_DUE.date()) == []
