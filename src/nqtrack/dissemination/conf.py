"""Configuration of the study rules, read from Django settings or else from the environment.

Each value may be set in settings (tests use the `settings` fixture) or by an environment
variable of the same name; a bad environment value fails loudly (core.env).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from nqtrack.core.env import env_int, env_list
from nqtrack.dissemination.rules import AgeThresholds, GradeScale


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def age_thresholds() -> AgeThresholds:
    """Age from which a member is no longer obliged to write essays.

    NQTRACK_ESSAY_AGE_THRESHOLD (default 60) applies to everyone;
    NQTRACK_ESSAY_AGE_THRESHOLD_FEMALE (default: the same value) lets a province keep the older
    guidance of women 55.
    """
    general = int(
        _setting("NQTRACK_ESSAY_AGE_THRESHOLD", env_int("NQTRACK_ESSAY_AGE_THRESHOLD", 60))
    )
    female = _setting(
        "NQTRACK_ESSAY_AGE_THRESHOLD_FEMALE",
        env_int("NQTRACK_ESSAY_AGE_THRESHOLD_FEMALE", general),
    )
    return AgeThresholds(male=general, female=int(female))


def grade_scale() -> GradeScale:
    """Lowest scores of the grades Tốt, Khá and Trung bình (default 9, 7, 5).

    NQTRACK_ESSAY_GRADE_THRESHOLDS="9,7,5" in the environment, or a 3-tuple in settings.
    """
    raw = _setting("NQTRACK_ESSAY_GRADE_THRESHOLDS", env_list("NQTRACK_ESSAY_GRADE_THRESHOLDS", []))
    if not raw:
        return GradeScale()
    try:
        good, fair, average = (Decimal(str(v)) for v in raw)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"NQTRACK_ESSAY_GRADE_THRESHOLDS must be three numbers, not {raw!r}"
        ) from exc
    if not Decimal(0) < average < fair < good <= Decimal(10):
        raise ImproperlyConfigured(
            f"NQTRACK_ESSAY_GRADE_THRESHOLDS must decrease within 0–10, not {raw!r}"
        )
    return GradeScale(good=good, fair=fair, average=average)


def import_progress_every() -> int:
    """Rows between two progress updates of an import job."""
    return int(
        _setting("NQTRACK_IMPORT_PROGRESS_EVERY", env_int("NQTRACK_IMPORT_PROGRESS_EVERY", 20_000))
    )
