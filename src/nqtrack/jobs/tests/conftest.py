from typing import Any

from nqtrack.jobs.tests.support import LOUD_SKIPS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for reason in LOUD_SKIPS:
        terminalreporter.write_sep("!", "PRODUCTION SMOKE TEST SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)
