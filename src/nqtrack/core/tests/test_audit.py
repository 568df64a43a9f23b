"""The audit trail as users read it on a document's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from nqtrack.core.audit import audit_rows
from nqtrack.documents import services
from nqtrack.testing import register

pytestmark = pytest.mark.django_db


def test_history_shows_labels_choices_and_dates_as_users_read_them(tree):
    doc = register(tree.province_office, "01-NQ/TU", tree.tu, dt.date(2024, 1, 1))
    services.document_update(
        by=tree.province_office,
        document=doc,
        signed_on=dt.date(2024, 6, 30),
        security_level="confidential",
    )
    with translation.override("en"):
        newest, created = audit_rows(doc)
    assert (created.action, newest.action) == ("created", "changed")
    assert newest.actor == tree.province_office
    assert ("signing date", "01/01/2024", "30/06/2024") in newest.changes
    assert ("security level", "Normal", "Confidential (Mật)") in newest.changes
    assert ("number and symbol", "∅", "01-NQ/TU") in created.changes
    with translation.override("vi"):
        newest, _created = audit_rows(doc)
    assert newest.action != "changed"  # the catalogue has it
    labels = {label.lower() for label, _before, _after in newest.changes}
    assert "ngày ký" in labels and "độ mật" in labels


def test_missing_and_forbidden_pages_answer_in_the_users_language(tree):
    from django.test import Client

    client = Client()
    client.force_login(tree.province_viewer)
    missing = client.get("/van-ban/999999/")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.content.decode()
    forbidden = client.get("/van-ban/dang-ky/")
    assert forbidden.status_code == 403
    assert "Không được phép" in forbidden.content.decode()
