"""Maintained counts ("tallies"): one registry, so one command checks and rebuilds them all.

Each app that keeps per-organization counts up to date as its data changes registers a
checker here. A checker recounts from the raw rows, compares with what is stored and, when
asked, rewrites the stored rows; it reports what it found as a `Drift`.
`nqtrack rebuild_counts` (core/management/commands) runs every checker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Drift:
    """What a recount found: rows compared, rows wrong, missing or extra, a few examples."""

    name: str
    rows: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.wrong or self.missing or self.extra)


# name -> checker(fix) -> Drift. `fix=True` rewrites the stored counts after comparing.
Checker = Callable[[bool], Drift]
CHECKERS: dict[str, Checker] = {}


def register(name: str) -> Callable[[Checker], Checker]:
    def decorate(checker: Checker) -> Checker:
        CHECKERS[name] = checker
        return checker

    return decorate


def check_all(*, fix: bool, only: list[str] | None = None) -> list[Drift]:
    return [checker(fix) for name, checker in sorted(CHECKERS.items()) if not only or name in only]
