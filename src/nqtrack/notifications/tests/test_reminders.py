"""Reminders: the right day, once only, one digest a day, even with two runs at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection

from nqtrack.assignments import services as task_services
from nqtrack.notifications.models import Notification, ReminderLog
from nqtrack.notifications.rules import reminder_key
from nqtrack.notifications.services import send_reminders
from nqtrack.testing import UserFactory, register

D = dt.date


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 22), None),  # 8 days before
        (D(2026, 11, 23), "before"),  # 7 days before
        (D(2026, 11, 29), "before"),
        (D(2026, 11, 30), "due_today"),
        (D(2026, 12, 1), "overdue_week_0"),
        (D(2026, 12, 7), "overdue_week_0"),
        (D(2026, 12, 8), "overdue_week_1"),
        (D(2027, 3, 1), "overdue_week_12"),
    ],
)
def test_the_reminder_window_follows_the_deadline(today, expected):
    assert reminder_key(due_on=D(2026, 11, 30), today=today, days_before=7) == expected


def test_a_task_without_a_date_is_never_reminded():
    assert reminder_key(due_on=None, today=D(2026, 1, 1), days_before=7) is None


@pytest.fixture
def setup(tree):
    tree.commune_office.email = "vp@xa-a.vn"
    tree.commune_office.save()
    UserFactory(username="xa_bc", organization=tree.xa, role="reporter", email="bc@xa-a.vn")
    UserFactory(username="xa_ld", organization=tree.xa, role="viewer", email="ld@xa-a.vn")
    notice = register(tree.province_office, "15-TB/TU", tree.tu, D(2025, 3, 10))
    for text, due in [
        ("Việc sắp đến hạn", D(2026, 11, 25)),
        ("Việc quá hạn", D(2026, 10, 1)),
        ("Việc còn xa", D(2027, 6, 1)),
    ]:
        task_services.task_create(
            by=tree.province_office, source_document=notice, text=text, lead=tree.xa, due_on=due
        )
    done = task_services.task_create(
        by=tree.province_office,
        source_document=notice,
        text="Việc đã xong",
        lead=tree.xa,
        due_on=D(2026, 11, 22),
    )
    done.completed_on = D(2026, 11, 1)
    done.save()
    return tree


@pytest.mark.django_db
def test_the_lead_units_office_and_reporter_get_one_digest_and_a_second_run_sends_nothing(
    setup,
):
    first = send_reminders(today=D(2026, 11, 22), days_before=7)
    assert (first.reminders, first.digests) == (4, 2)  # 2 tasks × 2 users; viewers are spared
    assert sorted(m.to[0] for m in mail.outbox) == ["bc@xa-a.vn", "vp@xa-a.vn"]
    assert "Việc sắp đến hạn" in mail.outbox[0].body and "Việc quá hạn" in mail.outbox[0].body
    second = send_reminders(today=D(2026, 11, 22), days_before=7)
    assert (second.reminders, second.skipped, second.digests) == (0, 4, 0)
    assert len(mail.outbox) == 2
    # A week later the overdue task is reminded again; the other is due today.
    later = send_reminders(today=D(2026, 11, 25), days_before=7)
    assert later.reminders == 2  # "due today" for one; the overdue one waits for its next week
    assert Notification.objects.filter(user=setup.commune_office).count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL; SQLite's shared in-memory test database "
    "answers 'table is locked' instead of waiting",
)
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # keeps migration data for later tests
def test_two_runs_at_the_same_time_never_send_the_same_reminder_twice(setup):
    results = []

    def run():
        try:
            results.append(send_reminders(today=D(2026, 11, 22), days_before=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.reminders for r in results) == 4
    assert ReminderLog.objects.count() == 4
    assert Notification.objects.count() == 4
    assert len(mail.outbox) == 2
