"""Whether a target is on track: a pure function of its baseline, target and last measure."""

from __future__ import annotations

import datetime
from decimal import Decimal


def expected_value(
    *,
    baseline: Decimal,
    baseline_on: datetime.date,
    target: Decimal,
    target_year: int,
    on: datetime.date,
) -> Decimal:
    """The value a straight path from the baseline to the target (reached on 31/12 of the
    target year) would have on a given day."""
    end = datetime.date(target_year, 12, 31)
    if on >= end or end <= baseline_on:
        return target
    if on <= baseline_on:
        return baseline
    share = Decimal((on - baseline_on).days) / Decimal((end - baseline_on).days)
    return baseline + (target - baseline) * share


def on_track(
    *,
    baseline: Decimal,
    baseline_on: datetime.date,
    target: Decimal,
    target_year: int,
    measured: Decimal,
    measured_on: datetime.date,
) -> bool:
    """At or beyond the straight path, in the target's direction (targets may go down)."""
    expected = expected_value(
        baseline=baseline,
        baseline_on=baseline_on,
        target=target,
        target_year=target_year,
        on=measured_on,
    )
    return measured >= expected if target >= baseline else measured <= expected
