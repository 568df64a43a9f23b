"""Fixtures of the real-browser tests: one headless Debian Chromium per session, driven by
Playwright against pytest-django's live server, and a fresh Vietnamese context per test.

When Chromium is missing (or will not start) every browser test is skipped, and the reason is
repeated in the terminal summary so that a green run cannot hide that nothing was driven.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in the test thread; Django would then refuse the
# test thread's ORM calls (demo loading, counting documents) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCALE = "vi-VN"
TIMEZONE = "Asia/Ho_Chi_Minh"
TIMEOUT_MS = 10_000
PROJECT_DIR = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = PROJECT_DIR / "var" / "e2e-screenshots"

_skip_reasons: list[str] = []


def _skip_loudly(reason: str) -> None:
    if reason not in _skip_reasons:
        _skip_reasons.append(reason)
        warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, after pytest-django's own ordering. Once Playwright has started,
    its event loop counts as running in this thread until the session ends: a later test using
    asyncio.run() or async_to_sync() would fail for no reason of its own."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for reason in _skip_reasons:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _skip_loudly(
            f"!!! No Chromium at {CHROMIUM}: browser tests SKIPPED — run `make install` as root "
            "to install Debian's chromium"
        )
    from django.db import connections
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    # Between two sync calls Playwright leaves its event loop marked as running in this thread.
    # Django keeps database connections in an asgiref Local which, while a loop runs, hands out
    # a *second* set of connections (per context instead of per thread). The test machinery
    # would then miss the connection the test database was set up on: serialized rollback
    # silently restores nothing (the levels and review rules made by data migrations vanish
    # after the first test) and PostgreSQL keeps an extra connection open. Hand the thread's
    # own connections to the loop-time Local too.
    own_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in own_connections.items():
            connections[alias] = connection
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            _skip_loudly(
                f"!!! Chromium at {CHROMIUM} did not start ({first_line}): browser tests "
                "SKIPPED — run `make install` as root to (re)install Debian's chromium"
            )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """PBKDF2 takes about a second per password here: ten demo users and a few log-ins would
    eat the whole time budget of the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads of a test go to its tmp dir, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def new_page(browser: Any, live_server: Any, media_root: Path) -> Iterator[Callable[[], Any]]:
    """Opens a page in a fresh context (own cookies: one per logged-in user).

    Every browser test also checks the Content-Security-Policy: a blocked script, style or
    handler on any page it opened fails the test (see watch_csp)."""
    contexts = []
    violations: list[str] = []

    def open_page() -> Any:
        context = browser.new_context(locale=LOCALE, timezone_id=TIMEZONE, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        watch_csp(context, violations)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " on " + document.location.pathname);
});
"""


def watch_csp(context: Any, violations: list[str]) -> None:
    """Collects every CSP violation (the page's event and Chromium's own console report)."""
    context.add_init_script(CSP_LISTENER)

    def on_console(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(text)

    context.on("console", on_console)


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    return new_page()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
