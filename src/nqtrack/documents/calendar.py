"""The review calendar as a pure function of signing date, document type, rule and overrides."""

from __future__ import annotations

import calendar as _cal
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

INTERIM = "interim"
FINAL = "final"


@dataclass(frozen=True)
class RuleValues:
    interim_years: int
    final_years: int
    plan_lead_months: int
    finalize_days: int
    reviewed_types: frozenset[str]


@dataclass(frozen=True)
class Milestone:
    kind: str
    sequence: int
    due_on: datetime.date
    plan_due_on: datetime.date
    overridden: bool


def anniversary(start: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls back to 28 February in common years."""
    year = start.year + years
    if start.month == 2 and start.day == 29 and not _cal.isleap(year):
        return datetime.date(year, 2, 28)
    return start.replace(year=year)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """`months` calendar months earlier, the day clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = _cal.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def compute_schedule(
    *,
    signed_on: datetime.date,
    doc_type: str,
    rule: RuleValues | None,
    overrides: Iterable[tuple[str, int, datetime.date]] = (),
) -> list[Milestone]:
    """Interim and final reviews of one document, ordered by due date.

    A document of a type its rule does not review gets no computed milestones; dates the
    document fixes itself (overrides) always count and replace the computed one of the same
    kind and sequence.
    """
    lead = rule.plan_lead_months if rule else 2
    computed: dict[tuple[str, int], datetime.date] = {}
    if rule is not None and doc_type in rule.reviewed_types:
        if rule.interim_years:
            computed[(INTERIM, 1)] = anniversary(signed_on, rule.interim_years)
        computed[(FINAL, 1)] = anniversary(signed_on, rule.final_years)
    fixed = {(kind, seq): due for kind, seq, due in overrides}
    milestones = []
    for key in dict.fromkeys([*computed, *fixed]):
        due = fixed[key] if key in fixed else computed[key]
        milestones.append(
            Milestone(
                kind=key[0],
                sequence=key[1],
                due_on=due,
                plan_due_on=months_before(due, lead),
                overridden=key in fixed,
            )
        )
    return sorted(milestones, key=lambda m: (m.due_on, m.kind != INTERIM, m.sequence))
