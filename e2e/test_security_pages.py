"""The main pages under the Content-Security-Policy in a real browser, and the login lockout.

Every page is opened with a listener for `securitypolicyviolation` (e2e/conftest.py): an inline
script, an on...= handler or a foreign style sheet blocked on any page fails the test. The
pages' own behaviour that moved to static files is exercised: the language switch, a confirm
before deleting, the Swagger UI of the API.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from nqtrack.documents.models import Relation
from nqtrack.documents.services import document_relate
from nqtrack.testing import PASSWORD, Tree, register

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SUBMIT = "button[type=submit]"


def log_in(page: Any, username: str, password: str = PASSWORD) -> Any:
    page.goto("/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click(f"main form {SUBMIT}")
    return page


def test_the_main_pages_run_without_a_single_csp_violation(tree: Tree, page: Any) -> None:
    signed = datetime.date(2025, 2, 6)
    document = register(tree.province_office, "05-NQ/TU", tree.tu, signed, title="về chuyển đổi số")
    log_in(page, tree.province_admin.username)
    pages = [
        reverse(name, args=args)
        for name, *args in [
            ("home",),
            ("documents:list",),
            ("documents:detail", document.pk),
            ("documents:calendar",),
            ("assignments:inbox",),
            ("reporting:list",),
            ("reviews:list",),
            ("oversight:list",),
            ("dissemination:home",),
            ("dissemination:sessions",),
            ("analytics:dashboard",),
            ("organizations:tree",),
            ("organizations:users",),
            ("organizations:user-edit", tree.commune_office.username),
        ]
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"], url

    # The language switch (a select that submits its form) works without an inline handler.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_swagger_ui_renders_under_the_policy(tree: Tree, page: Any) -> None:
    log_in(page, tree.province_office.username)
    page.goto("/api/v1/docs/")
    # The whole schema is generated for this request: on a busy machine that takes a while.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("NQTrack API", timeout=60_000)
    expect(page.locator(".opblock-tag").first).to_be_visible()


def test_a_confirm_before_deleting_still_asks_and_cancelling_keeps_the_relation(
    tree: Tree, page: Any
) -> None:
    old = register(tree.province_office, "01-NQ/TU", tree.tu, datetime.date(2020, 1, 6))
    new = register(tree.province_office, "02-NQ/TU", tree.tu, datetime.date(2025, 1, 6))
    document_relate(by=tree.province_office, source=new, kind="implements", target=old)
    log_in(page, tree.province_office.username)
    page.goto(f"/van-ban/{new.pk}/")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-confirm] button").first.click()
    assert len(asked) == 1 and asked[0], asked
    page.reload()
    expect(page.locator("main")).to_contain_text("01-NQ/TU")
    assert Relation.objects.filter(source=new, target=old).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[data-confirm] button").first.click()
    assert not Relation.objects.filter(source=new, target=old).exists()


def test_five_wrong_passwords_lock_the_login_with_a_vietnamese_message(tree: Tree, page: Any):
    for _ in range(5):
        page.goto("/dang-nhap/")
        page.fill("input[name=username]", tree.commune_office.username)
        page.fill("input[name=password]", "sai-mat-khau")
        page.click(f"main form {SUBMIT}")
        page.wait_for_load_state()
    page.fill("input[name=username]", tree.commune_office.username)
    page.fill("input[name=password]", PASSWORD)
    page.click(f"main form {SUBMIT}")
    expect(page.locator("[data-testid=locked-out]")).to_contain_text("Đăng nhập sai quá nhiều lần")
    assert "/dang-nhap/" in page.url
