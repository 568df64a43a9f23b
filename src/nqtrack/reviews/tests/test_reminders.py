"""The daily reminder job also warns the committee's office of a review's late stage."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from nqtrack.notifications.models import Notification
from nqtrack.notifications.services import send_reminders
from nqtrack.reviews import services
from nqtrack.reviews.tests.helpers import NOW, TODAY, build_world

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_late_plan_is_reminded_once_a_week_then_the_next_stage(tree):
    world = build_world(tree)
    first = send_reminders(today=TODAY, days_before=7)
    notes = Notification.objects.filter(url=f"/so-ket-tong-ket/{world.review.pk}/")
    # The office and the administrator of the province committee; viewers are spared.
    assert first.review_reminders == 2
    assert sorted(n.user.username for n in notes) == ["tinh_qt", "tinh_vp"]
    assert notes[0].message == ("Sơ kết 05-NQ/TU: “Ban hành kế hoạch” hạn 10/11/2026 (quá hạn)")
    again = send_reminders(today=TODAY, days_before=7)
    assert again.review_reminders == 0 and notes.count() == 2
    # Once the plan is recorded, the next open stage (supervision first) is what is reminded.
    from nqtrack.testing import register

    plan = register(tree.province_office, "30-KH/TU", tree.tu, D(2026, 11, 21))
    services.review_record_plan(by=tree.province_office, review=world.review, plan_document=plan)
    later = send_reminders(today=D(2027, 1, 5), days_before=7)
    assert later.review_reminders == 2
    assert "Giám sát / kiểm tra trước" in notes.order_by("-id").first().message
